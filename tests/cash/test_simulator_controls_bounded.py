"""Simulator controls take bounded arguments: `noise count=1e12` once froze `make run` (past 700 MiB,
SIGTERM unheard). A number out of range is refused with the argument named; the simulator goes on."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.control_socket import dispatch
from simulators.cctalk.simulator import MAX_NOISE_BYTES, CcTalkSimulator


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"count": 1e12}, "count=1000000000000.0 is outside 0..4096"),
        ({"count": 10**12}, "count=1000000000000 is outside 0..4096"),
        ({"count": -1}, "count=-1 is outside 0..4096"),
        ({"count": math.nan}, "count=nan is not a finite number"),
        ({"count": 2.5}, "count=2.5 is not a whole number"),
        ({"count": "lots"}, "count='lots' is not a number"),
        ({"count": True}, "count=True is not a number"),
        ({}, "missing a required argument: 'count'"),
        ({"count": 1, "loud": True}, "got an unexpected keyword argument 'loud'"),
    ],
)
async def test_noise_refuses_what_it_cannot_do_and_names_the_argument(args: dict[str, Any], error: str) -> None:
    sim = CcTalkSimulator()
    answer = await dispatch(sim.controls(), {"cmd": "noise", "args": args})
    assert answer["ok"] is False
    assert answer["error"] == f"bad arguments for noise: {error}"
    assert sim._noise == b""


async def test_noise_within_bounds_still_works_and_a_whole_float_is_a_count() -> None:
    sim = CcTalkSimulator()
    assert (await dispatch(sim.controls(), {"cmd": "noise", "args": {"count": 20.0}}))["ok"]
    assert (await dispatch(sim.controls(), {"cmd": "noise", "args": {"count": MAX_NOISE_BYTES}}))["ok"]
    assert len(sim._noise) == 20 + MAX_NOISE_BYTES


async def test_a_hopper_refill_of_a_million_coins_is_refused() -> None:
    sim = CcTalkSimulator()
    answer = await dispatch(sim.controls(), {"cmd": "hopper_level", "args": {"count": 1_000_000}})
    assert answer == {"ok": False, "error": "bad arguments for hopper_level: count=1000000 is outside 0..10000"}
    assert (await dispatch(sim.controls(), {"cmd": "hopper_level", "args": {"count": 300}}))["ok"]


@settings(max_examples=200, deadline=2000)
@given(command=st.sampled_from(sorted(CcTalkSimulator().controls())),
       args=st.dictionaries(st.sampled_from(["count", "value", "on", "device", "kind", "x"]),
                            st.one_of(st.integers(), st.floats(), st.booleans(), st.text(max_size=5), st.none()),
                            max_size=2))
async def test_any_control_request_is_answered_quickly_never_raised(command: str, args: dict[str, Any]) -> None:
    """What the control socket may receive from a person's typing: an answer, never a hang or a crash."""
    answer = await dispatch(CcTalkSimulator().controls(), {"cmd": command, "args": args})
    assert answer["ok"] in (True, False)
    json.dumps(answer, default=str)

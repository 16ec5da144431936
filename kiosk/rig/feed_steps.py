"""Scenario steps of the public live feed (docs/scenarios.md, "The city's view").

    expect_feed = { documents_available = [], open_now = false, status = "paper-out" }
        the server's public feed (GET /feed.json on its public listener, over HTTP as a phone reads
        it) shows this booth so (`booth = "..."` picks another booth than the scenario's own); polled
        like every expect_*
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol

import aiohttp

from kiosk.booth.simulated import Booth
from kiosk.controller import Kiosk

FEED_STEPS = ("expect_feed",)
# Real seconds the step waits for the feed to say so (the heartbeat itself is on the virtual clock).
FEED_PATIENCE_S = 15.0


class Run(Protocol):
    """What these steps need of the scenario's run (kiosk.rig.scenario.ScenarioRun), named here so that
    this module does not import the runner that imports it."""

    @property
    def kiosk(self) -> Kiosk: ...

    booth: Booth


async def feed_step(run: Run, step: dict[str, Any]) -> None:
    want = dict(step["expect_feed"])
    booth = str(want.pop("booth", run.kiosk.config.kiosk.id))
    base = await run.booth.control("server", "public_url")
    if not base:
        raise AssertionError("the server simulator has no public listener")
    deadline = time.monotonic() + FEED_PATIENCE_S
    seen: Any = None
    async with aiohttp.ClientSession() as http:
        while True:
            async with http.get(f"{base}/feed.json") as response:
                feed = await response.json()
            seen = next((b for b in feed.get("booths", []) if b.get("booth") == booth), None)
            differs = (["booth not in the feed"] if seen is None else
                       [f"{k}: expected {v!r}, got {seen.get(k)!r}" for k, v in want.items() if seen.get(k) != v])
            if not differs:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"feed of {booth}: " + "; ".join(differs))
            await asyncio.sleep(0.02)

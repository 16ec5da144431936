"""`kiosk diag` commands that reach the workshop's actions and queries (kiosk/maintenance/workshop.py's
docstring names them): status, counters, logs, sessions, selftest, refill, collect-cash, vouchers.

Only what the contract fixes is asserted: every answer has "ok", a refusal has an "error" code and
exit 1, and the JSON shape the tool prints. The workshop's parts are written in other branches
(helpers "board" and "cash"): these tests pass once they are merged."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kiosk.rig.diag_booth import DiagBooth
from tests.diag.conftest import run_diag

ROOT = Path(__file__).resolve().parents[2]


async def _enter(booth: DiagBooth) -> None:
    ran = await run_diag(booth, "maintenance", "enter", "--user", "kim")
    assert ran.code == 0, ran.stderr
    await booth.run.until(lambda: booth.run.kiosk.state == "maintenance", "maintenance never opened")


async def test_status_includes_the_workshops_status(booth: DiagBooth) -> None:
    ran = await run_diag(booth, "status", "--json")
    assert ran.code == 0, ran.stderr
    assert ran.json()["status"]["ok"] is True
    human = await run_diag(booth, "status")
    assert "workshop status" in human.stdout


async def test_queries_answer_at_any_time_as_tables_or_json(booth: DiagBooth) -> None:
    """A technician looks before opening the door: no maintenance needed."""
    for args in (["counters"], ["logs", "--since", "2000-01-01T00:00", "--limit", "50"], ["sessions", "--count", "5"],
                 ["vouchers", "list"]):
        ran = await run_diag(booth, *args, "--json")
        assert ran.code == 0, (args, ran.stderr)
        assert ran.json()["ok"] is True, args
        human = await run_diag(booth, *args)
        assert human.code == 0 and human.stdout.strip(), args


async def test_actions_outside_maintenance_are_refused_with_the_way_in(booth: DiagBooth) -> None:
    for args in (["collect-cash"], ["refill", "paper", "a4"], ["refill", "hopper", "--coins", "100"],
                 ["selftest", "server"]):
        ran = await run_diag(booth, *args, "--json")
        assert ran.code == 1, args
        answer = ran.json()
        refused = answer["results"][0] if args[0] == "selftest" else answer
        assert refused == {**refused, "ok": False, "error": "not-in-maintenance"}, args
        assert "maintenance enter" in " ".join(ran.stderr.split())


async def test_refills_and_cash_collection_in_maintenance(booth: DiagBooth) -> None:
    await _enter(booth)
    kiosk = booth.run.kiosk
    for args, action in ((["refill", "paper", "a4"], "refill_paper"), (["refill", "paper", "receipt"], "refill_paper"),
                         (["refill", "hopper", "--coins", "150"], "refill_hopper"), (["collect-cash"], "collect_cash")):
        ran = await run_diag(booth, *args, "--json")
        assert ran.code == 0, (args, ran.stdout, ran.stderr)
        assert ran.json()["ok"] is True
        row = kiosk.journal.tail_of_kind("tech_action", 1)[-1]
        assert (row.ref, row.detail["technician"], row.detail["ok"]) == (action, "console:kim", True)
    bad = await run_diag(booth, "refill", "paper", "a3")
    assert bad.code == 2 and "a4 or receipt" in bad.stderr


async def test_selftest_of_one_device_and_its_table(booth: DiagBooth) -> None:
    await _enter(booth)
    ran = await run_diag(booth, "selftest", "server", "--json")
    answer = ran.json()
    assert [r["device"] for r in answer["results"]] == ["server"]
    assert ran.code == (0 if answer["ok"] else 1)
    assert answer["results"][0]["ok"] is True  # the server simulator is up
    human = await run_diag(booth, "selftest", "server")
    assert "server" in human.stdout and "yes" in human.stdout
    unknown = await run_diag(booth, "selftest", "toaster")
    assert unknown.code == 2 and "a4, receipt, fingerprint, server" in " ".join(unknown.stderr.split())


async def test_a_voucher_is_found_reprinted_and_paid_by_hand(booth: DiagBooth) -> None:
    scenario = tomllib.loads((ROOT / "scenarios" / "cash_hopper_empty_voucher.toml").read_text(encoding="utf-8"))
    await booth.play(scenario["step"])
    code = str(booth.run.kiosk.view.data_fields()["voucher"])
    await booth.play([{"tap": "ok"}, {"expect_screen": "idle"}])

    listed = await run_diag(booth, "vouchers", "list", "--json")
    assert listed.code == 0 and code in listed.stdout
    shown = await run_diag(booth, "vouchers", "show", code, "--json")
    assert shown.code == 0 and shown.json()["ok"] is True
    missing = await run_diag(booth, "vouchers", "show", "NO-SUCH-CODE", "--json")
    assert missing.code == 1 and missing.json()["ok"] is False and missing.json()["error"]

    await _enter(booth)
    reprinted = await run_diag(booth, "vouchers", "reprint", code, "--json")
    assert reprinted.code == 0 and reprinted.json()["ok"] is True
    paid = await run_diag(booth, "vouchers", "pay", code, "--by", "hand", "--json")
    assert paid.code == 0 and paid.json()["ok"] is True
    twice = await run_diag(booth, "vouchers", "pay", code, "--by", "hand", "--json")
    assert twice.code == 1 and twice.json()["ok"] is False
    wrong = await run_diag(booth, "vouchers", "pay", code, "--by", "mail")
    assert wrong.code == 2

"""The hopper count the kiosk promises change from: a refill's float minus every payout, never more."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.hopper_inventory import REFILLED, HopperInventory, record_refill
from kiosk.journal import Journal

AT = "2026-12-06T10:00:00.000"


def test_refill_payouts_and_uncertain_payouts(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    inventory = HopperInventory(journal, 100)
    assert inventory.won() is None and not inventory.has_refill()
    record_refill(journal, coins=30, coin=100, at=AT, source="test")
    assert inventory.won() == 3000
    journal.record("s1", "change_intent", at=AT, amount=850)
    assert inventory.won() == 2200  # a payout under way counts as paid (800 of it can be coins)
    journal.record("s1", "change_paid", at=AT, amount=800)
    assert inventory.won() == 2200
    journal.record("s2", "refund_intent", at=AT, amount=500)
    journal.record("s2", "refund_paid", at=AT, amount=0, recovered=True, unknown=True)
    assert inventory.won() == 1700  # the hopper could not say: every coin asked for may have fallen
    assert journal.totals()["hopper_coins"] == 17
    journal.record("s3", "coin_credited", at=AT, amount=100)  # to the cash box, not the hopper
    assert inventory.won() == 1700
    record_refill(journal, coins=200, coin=100, at=AT, source="kiosk refill-hopper")
    assert inventory.won() == 20000
    assert journal.totals()["hopper_coins"] == 200
    journal.close()


def test_a_refill_written_by_another_process_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    inventory = HopperInventory(journal, 100)
    record_refill(journal, coins=5, coin=100, at=AT, source="test")
    assert inventory.won() == 500
    other = Journal(path)  # `kiosk refill-hopper` while the kiosk runs
    record_refill(other, coins=50, coin=100, at=AT, source="cli")
    other.close()
    assert inventory.won() == 5000
    journal.close()


def test_kiosk_refill_hopper_refuses_a_negative_count_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.booth.cli import main

    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    record_refill(journal, coins=30, coin=100, at=AT, source="test")
    journal.close()
    assert main(["refill-hopper", "--coins", "-1", "--path", str(path)]) == 2
    said = capsys.readouterr().err
    assert "--coins -1" in said and "Traceback" not in said
    assert main(["refill-hopper", "--coins", "40", "--path", str(path)]) == 0
    assert '"hopper_coins": 40' in capsys.readouterr().out


def test_kiosk_refill_hopper_takes_the_coin_from_the_booths_config(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A booth whose hopper pays 500-won coins: 40 coins refilled are 20,000 won of change, not 4,000."""
    from kiosk.booth.cli import main

    site = tmp_path / "etc"
    site.mkdir()
    (site / "site.toml").write_text("[cash]\nhopper_coin = 500\n", encoding="utf-8")
    monkeypatch.setenv("CONFIGURATION_DIRECTORY", str(site))
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    assert main(["refill-hopper", "--coins", "40", "--path", str(path)]) == 0
    capsys.readouterr()
    journal = Journal(path)
    try:
        assert HopperInventory(journal, 500).won() == 20_000
        (refill,) = journal.tail_of_kind(REFILLED, 1)
        assert refill.detail["coin"] == 500
    finally:
        journal.close()


@pytest.mark.parametrize(("won_paid_out", "balances"), [(0, True), (800, True), (900, False)])
def test_the_books_let_an_unknown_payout_have_paid_up_to_what_it_asked(tmp_path: Path, won_paid_out: int,
                                                                       balances: bool) -> None:
    """A payout the hopper could not tell the end of (`unknown`, 0 seen) may have paid anything up to what
    it asked for: the books' hopper check allows that much more, as the count above subtracts it all,
    and not a coin beyond it."""
    from kiosk.rig.books import check_books

    journal = Journal(tmp_path / "j.sqlite3")
    journal.record("s1", "session_opened", at=AT)
    journal.record("s1", "bill_stacked", at=AT, amount=1000)
    journal.record("s1", "change_intent", at=AT, amount=800)
    journal.record("s1", "change_paid", at=AT, amount=0, unknown=True)
    journal.record("device", "cash_fault", at=AT, ref="payout-unknown", for_session="s1", requested=800)
    journal.record("s1", "voucher_issued", at=AT, amount=800, ref="V1", purpose="change")
    journal.record("s1", "fee_kept", at=AT, amount=200)
    journal.record("s1", "session_closed", at=AT)
    cash_state = {"coin": {"accepted": []}, "bill": {"stacked": [1000]}, "hopper": {"won_paid_out": won_paid_out}}
    problems = [p for p in check_books(journal, cash_state, {}) if p.startswith("hopper paid")]
    assert (problems == []) is balances, problems
    journal.close()

"""A commit the server refuses for good (409 reservation-expired: printing outlasted the hold, and the
server voids the issuance) is not "pending": the resident holds a document the server will not vouch
for, so its fee is not kept. At the booth the fee is refunded and the screen says why; a commit owed
from a closed session and refused later (the outbox) gives the fee back too: the card part voided,
the cash part owed on a journaled voucher. Never a fee kept for a voided document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.rig.scenario import run_scenario
from simulators.server import app as server_app

RESIDENT = '''
[[step]]
expect_screen = "idle"
[[step]]
tap = "start"
[[step]]
tap = "doc:resident_copy"
[[step]]
keys = "9001011720624"
[[step]]
tap = "ok"
[[step]]
place_finger = { resident = 0 }
[[step]]
expect_screen = "options"
[[step]]
lift_finger = true
[[step]]
tap = "ok"
[[step]]
expect_screen = "payment"
data = { total = 200 }
'''

# Each ends with the books checked: journal, cash devices, server commits and card payments agree.
BOOKS_BALANCE = '''
[[step]]
expect_books = true
'''

AT_THE_BOOTH = 'name = "commit refused for good at the booth: the fee is refunded"\n' + RESIDENT + '''
[[step]]
insert_coin = [100, 100]
[[step]]
expect_screen = "done"
data = { outcome = "failed", reason = "reservation-expired", refund = 200, settled = true }
[[step]]
expect_sim = { simulator = "server", command = "issuances", path = "0.state", value = "voided" }
[[step]]
expect_journal_row = { kind = "commit_refused", reason = "reservation-expired" }
[[step]]
expect_journal = { money_in = 200, fees_kept = 0, refunds = 200, vouchers = 0, committed = 0, open_sessions = 0 }
[[step]]
expect_sim = { simulator = "cctalk", path = "hopper.won_paid_out", value = 200 }
'''

LATER_BY_CARD = '''name = "commit owed, refused later by the server: the card fee is voided"
[config.card]
enabled = true
''' + RESIDENT + '''
[[step]]
sim = { simulator = "a4_printer", command = "set_page_delay", args = { seconds = 0.3 } }
[[step]]
tap = "pay:card"
[[step]]
insert_card = true
[[step]]
expect_screen = "printing"
[[step]]
note = "the commit and its two retries never reach the server: it is owed"
fault = { simulator = "server", command = "drop_next", args = { count = 3 } }
[[step]]
expect_screen = "done"
data = { outcome = "issued" }
[[step]]
expect_journal = { money_in = 200, fees_kept = 200, committed = 0, open_sessions = 0 }
[[step]]
advance = 30
[[step]]
expect_journal_row = { kind = "commit_refused", reason = "reservation-expired" }
[[step]]
expect_journal = { money_in = 200, fees_kept = 0, refunds = 200, vouchers = 0, committed = 0, open_sessions = 0 }
[[step]]
expect_sim = { simulator = "server", command = "payments", path = "0.state", value = "voided" }
[[step]]
expect_sim = { simulator = "server", command = "issuances", path = "0.state", value = "voided" }
'''

LATER_IN_CASH = '''name = "commit owed, refused later by the server: the cash fee is owed on a voucher"
''' + RESIDENT + '''
[[step]]
sim = { simulator = "a4_printer", command = "set_page_delay", args = { seconds = 0.3 } }
[[step]]
insert_coin = [100, 100]
[[step]]
expect_screen = "printing"
[[step]]
fault = { simulator = "server", command = "drop_next", args = { count = 3 } }
[[step]]
expect_screen = "done"
data = { outcome = "issued" }
[[step]]
advance = 30
[[step]]
expect_journal_row = { kind = "voucher_issued", amount = 200, purpose = "commit-refused" }
[[step]]
expect_journal = { money_in = 200, fees_kept = 0, vouchers = 200, committed = 0, open_sessions = 0 }
'''

AFTER_A_POWER_CUT = 'name = "commit refused at boot recovery: the fee is refunded"\n' + RESIDENT + '''
[[step]]
sim = { simulator = "a4_printer", command = "set_page_delay", args = { seconds = 0.3 } }
[[step]]
insert_coin = [100, 100]
[[step]]
expect_screen = "printing"
[[step]]
note = "the commit is held up at the server (real seconds) so the power goes off between print and commit"
sim = { simulator = "server", command = "latency", args = { seconds = 2.0 } }
[[step]]
expect_journal = { print_done = 1, committed = 0 }
[[step]]
sim = { simulator = "server", command = "latency", args = { seconds = 0 } }
[[step]]
power_cut = true
[[step]]
expect_screen = "idle"
[[step]]
expect_journal_row = { kind = "commit_refused" }
[[step]]
expect_journal = { money_in = 200, fees_kept = 0, refunds = 200, vouchers = 0, committed = 0, open_sessions = 0 }
[[step]]
expect_sim = { simulator = "server", command = "issuances", path = "0.state", value = "voided" }
'''


@pytest.fixture
def commits_find_the_hold_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every commit that reaches the server finds the reservation's hold over (printing outlasted it)."""
    original = server_app.ServerSimulator._commit

    async def commit_after_hold(self: Any, request: Any) -> Any:
        monkeypatch.setattr(server_app, "RESERVATION_HOLD_S", -1)
        try:
            return await original(self, request)
        finally:
            monkeypatch.setattr(server_app, "RESERVATION_HOLD_S", 900)

    monkeypatch.setattr(server_app.ServerSimulator, "_commit", commit_after_hold)


@pytest.mark.timeout(120)
@pytest.mark.usefixtures("commits_find_the_hold_over")
@pytest.mark.parametrize("scenario", [AT_THE_BOOTH, LATER_BY_CARD, LATER_IN_CASH, AFTER_A_POWER_CUT],
                         ids=["at-the-booth", "later-by-card", "later-in-cash", "after-a-power-cut"])
async def test_a_refused_commit_never_keeps_the_fee(scenario: str, tmp_path: Path) -> None:
    path = tmp_path / "commit_refused.toml"
    path.write_text(scenario + BOOKS_BALANCE, encoding="utf-8")
    result = await run_scenario(path)
    assert result.journal_totals["open_sessions"] == 0

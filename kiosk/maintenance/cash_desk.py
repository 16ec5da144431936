"""Cash a technician handles: hopper refill, collection and settlement, count-only tests, hopper
tests, vouchers.

Every step journals before and after what it moves, naming the technician (`workshop.record`,
session "maintenance"). The hands' part (coins poured into the hopper, the box and stacker emptied,
a test float taken back out) happens outside the kiosk's reach: the kiosk journals what the
technician says was done, and the settlement checks the journal's books (kiosk.maintenance.cash_books).

- refill_hopper(coins): the hopper now holds `coins` coins (`hopper_refilled`, the count the change
  logic relies on: kiosk.hopper_inventory).
- collect_cash(counted=None): the box and stacker were emptied; `cash_collected` holds their pieces
  by denomination since the last collection, from the journal, and the books; then the settlement.
- settle(): the last collection's settlement, printed on the receipt printer and sent to the server
  (POST /v1/settlements, idempotent by a key made from the collection's row): again after a failure.
- count_only(on, keep=True): coins and bills taken with no session, journaled as a test float
  (`test_coin_counted`, `test_bill_counted`), kept in the box or taken back out (`test_float_returned`).
- hopper_test(coins): N coins into the service tray (`hopper_test_intent` / `hopper_test_paid`).
- voucher_pay(code, by="hopper"|"hand", amount=None) (once; never again by hopper after a hopper
  payout of it was cut short), voucher_reprint(code), voucher_lookup(code), and the on-screen
  keypad's `keypad(field, key)` (not journaled: it moves nothing).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from drivers.cash import BillEscrowed, BillReturned, BillStacked, CashEvent, CoinCredited, DispenseError
from drivers.receipt_printer import Receipt, ReceiptLine
from kiosk.hopper_inventory import REFILLED
from kiosk.journal import Entry
from kiosk.maintenance.cash_books import (
    BOOK_KINDS,
    COLLECTED,
    HOPPER_TEST_PAID,
    TEST_BILL,
    TEST_COIN,
    TEST_RETURNED,
    VOUCHER_PAID,
    VOUCHER_PAID_HAND,
    CashBooks,
    books_between,
    won_of,
)
from kiosk.maintenance.voucher_book import VOUCHER_KINDS, voucher_lines
from kiosk.receipt_content import build_receipt
from kiosk.session import Session
from kiosk.views import CashView, ScreenData, VoucherLine, VoucherView

if TYPE_CHECKING:
    from kiosk.maintenance.context import MaintenanceContext
    from kiosk.maintenance.part import Answer, Handler, TechnicianLog

log = logging.getLogger(__name__)

# A large hopper holds about 2,000 coins; a refill or test of more is a typing slip.
MAX_HOPPER_COINS = 10000
MAX_TEST_COINS = 100
CODE_DIGITS = 12  # kiosk.till.voucher_code: V-dddd-dddd-dddd
TYPED_LIMIT = {"coins": 5, "code": CODE_DIGITS}
_KEY_CHARS = re.compile(r"[^A-Za-z0-9._:-]")


def code_digits(code: object) -> str:
    return "".join(ch for ch in str(code) if ch.isdigit())


def voucher_code_of(digits: str) -> str:
    """The code as kiosk.till prints it, from its 12 digits."""
    return f"V-{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def settlement_key(row: Entry) -> str:
    """The settlement's idempotency key: one per collection row, the same on every resend."""
    return _KEY_CHARS.sub("", f"settlement-{row.seq}-{row.at[:19]}")


class CashDesk:
    def __init__(self, kiosk: MaintenanceContext, workshop: TechnicianLog) -> None:
        self.kiosk = kiosk
        self.workshop = workshop
        self.typed: dict[str, str] = {"coins": "", "code": ""}
        self.counting = False
        self.test_box: dict[str, int] = {}  # the running count-only test's pieces

    def actions(self) -> Mapping[str, Handler]:
        return {
            "keypad": self.keypad,
            "refill_hopper": self.refill_hopper,
            "collect_cash": self.collect_cash,
            "settle": self.settle,
            "count_only": self.count_only,
            "hopper_test": self.hopper_test,
            "voucher_lookup": self.voucher_lookup,
            "voucher_pay": self.voucher_pay,
            "voucher_reprint": self.voucher_reprint,
        }

    def queries(self) -> Mapping[str, Handler]:
        return {"cash": self.cash, "vouchers": self.vouchers, "voucher": self.voucher}

    def page_views(self) -> Mapping[str, Callable[[], ScreenData]]:
        return {"cash": self.cash_view, "vouchers": self.voucher_view}

    def reset(self) -> None:
        """A visit ends or a new one starts: nothing typed, and a count-only test left running ends,
        its money kept in the box (the acceptors were inhibited when the booth left maintenance)."""
        self.typed = {"coins": "", "code": ""}
        if self.counting:
            self.counting = False
            self.kiosk.till.counting = None
            self.workshop.record("count_only_stopped", won_of(self.test_box), box=dict(self.test_box), keep=True,
                                 reason="left-maintenance")
            self.test_box = {}

    # ------------------------------------------------------------------ helpers

    @property
    def _coin(self) -> int:
        return self.kiosk.config.cash.hopper_coin

    def _rows(self, after: int = 0, kinds: tuple[str, ...] = BOOK_KINDS) -> list[Entry]:
        """Only the rows the books (or the vouchers) read, after `after`: a booth's journal holds months."""
        return self.kiosk.journal.entries_since(after, kinds)

    def _last_collection(self) -> Entry | None:
        rows = self.kiosk.journal.tail_of_kind(COLLECTED, 1)
        return rows[0] if rows else None

    def _books(self) -> CashBooks:
        last = self._last_collection()
        if last is None:
            return books_between(self._rows())
        return books_between(self._rows(last.seq), last.seq, since_at=last.at)

    def _count(self, field: str, value: object) -> int | None:
        """A count given, or the one typed on the keypad for `field`."""
        text = str(value) if value is not None and str(value) != "" else self.typed.get(field, "")
        try:
            return int(text)
        except ValueError:
            return None

    # ------------------------------------------------------------------ the keypad

    async def keypad(self, field: str = "coins", key: str = "") -> Answer:
        """A key of the page's on-screen keypad: a digit, "back" or "clear"."""
        if field not in self.typed:
            return {"ok": False, "error": "unknown-field"}
        typed = self.typed[field]
        if key == "back":
            typed = typed[:-1]
        elif key == "clear":
            typed = ""
        elif key.isdigit() and len(key) == 1:
            typed = (typed + key)[:TYPED_LIMIT[field]]
        else:
            return {"ok": False, "error": "unknown-key"}
        self.typed[field] = typed
        return {"ok": True, "typed": typed}

    # ------------------------------------------------------------------ hopper

    async def refill_hopper(self, coins: int | str | None = None) -> Answer:
        """The hopper now holds `coins` coins (the count after the refill, poured in by hand)."""
        count = self._count("coins", coins)
        if count is None or not 0 <= count <= MAX_HOPPER_COINS:
            return {"ok": False, "error": "bad-count", "max": MAX_HOPPER_COINS}
        before = self.kiosk.hopper.won()
        before_coins = None if before is None else before // self._coin
        self.workshop.record("hopper_refill_intent", count * self._coin, coins=count, coin=self._coin,
                             before=before_coins)
        self.workshop.record(REFILLED, count * self._coin, coins=count, coin=self._coin, source="technician")
        self.typed["coins"] = ""
        log.info("hopper refilled by the technician: %d coins of %d won (was %s)", count, self._coin, before_coins)
        return {"ok": True, "coins": count, "won": count * self._coin, "before": before_coins}

    async def _dispense(self, kind: str, won: int, ref: str = "", **detail: Any) -> int:
        """Pay `won` from the hopper, journaled before (`<kind>_intent`, with the hopper's mark) and after."""
        try:
            mark = dict(await self.kiosk.devices.cash.payout_mark())
        except Exception as exc:
            log.warning("cannot read the hopper before a payout: %s", exc)
            mark = {}
        intent = "voucher_pay_intent" if kind == VOUCHER_PAID else "hopper_test_intent"
        self.workshop.record(intent, won, ref, **detail, **mark)
        paid = 0
        try:
            paid = (await self.kiosk.devices.cash.dispense(won)).paid
        except Exception as exc:
            paid = exc.result.paid if isinstance(exc, DispenseError) else 0
            log.error("hopper failed paying %s won (%s): %s paid: %s", won, kind, paid, exc)
        self.workshop.record(kind, paid, ref, **detail)
        return paid

    async def hopper_test(self, coins: int | str | None = None) -> Answer:
        """Pay `coins` coins into the service tray (the technician puts them back and refills)."""
        count = self._count("coins", coins)
        if count is None or not 1 <= count <= MAX_TEST_COINS:
            return {"ok": False, "error": "bad-count", "max": MAX_TEST_COINS}
        paid = await self._dispense(HOPPER_TEST_PAID, count * self._coin, coins=count)
        self.typed["coins"] = ""
        answer: Answer = {"ok": paid == count * self._coin, "coins": count, "paid_coins": paid // self._coin,
                          "paid": paid}
        if not answer["ok"]:
            answer["error"] = "hopper-short"
        return answer

    # ------------------------------------------------------------------ collection and settlement

    async def collect_cash(self, counted: Mapping[str, int] | None = None) -> Answer:
        """The cash box and bill stacker were emptied: their pieces since the last collection, from the
        journal (and as the technician counted them, when given), then the settlement. A count-only test
        still running ends first, its money kept: the technician emptied it with the box, and a "take
        back" after the collection would book it against the next period (a box of minus its amount)."""
        if self.counting:
            await self._stop_counting()
            self.workshop.record("count_only_stopped", won_of(self.test_box), box=dict(self.test_box), keep=True,
                                 reason="collected")
            self.test_box = {}
        books = self._books()
        self.workshop.record("cash_collect_intent", books.box_won, box=books.box)
        self.workshop.record(COLLECTED, books.box_won, box=books.box, books=books.as_dict(),
                             counted=dict(counted) if counted is not None else None)
        log.info("cash collected: %s won (%s), books %s", books.box_won, books.box,
                 "balance" if books.balanced else f"differ by {books.difference} won")
        answer = await self.settle()
        return {**answer, "collected": books.box, "won": books.box_won}

    async def settle(self) -> Answer:
        """The last collection's settlement: printed, and sent to the server (idempotent: a resend after a
        failure gets the same answer). Its books are read from the journal again, never trusted from memory."""
        row = self._last_collection()
        if row is None:
            return {"ok": False, "error": "no-collection"}
        previous = [r for r in self.kiosk.journal.tail_of_kind(COLLECTED, 2) if r.seq < row.seq]
        after = previous[-1].seq if previous else 0
        books = books_between(self._rows(after), after, row.seq, since_at=previous[-1].at if previous else "")
        raw = row.detail.get("counted")
        counted = {str(k): int(v) for k, v in raw.items()} if isinstance(raw, Mapping) else dict(books.box)
        counted_difference = won_of(counted) - books.box_won
        printed = await self._print_settlement(row, books, counted)
        sent, settlement_id, send_error = await self._send_settlement(row, books, counted)
        balanced = books.balanced and counted_difference == 0
        answer: Answer = {
            "ok": sent and printed, "balanced": balanced, "difference": books.difference,
            "counted_difference": counted_difference, "sent": sent, "printed": printed,
            "settlement_id": settlement_id, "books": books.as_dict(),
        }
        if not balanced:
            # Shown in the danger colour with what to do next; the settlement still goes to the server.
            answer["mismatch"] = books.difference if books.difference else counted_difference
        if not sent:
            answer["error"] = send_error or "not-sent"
        elif not printed:
            answer["error"] = "not-printed"
        return answer

    async def _print_settlement(self, row: Entry, books: CashBooks, counted: Mapping[str, int]) -> bool:
        printer = self.kiosk.devices.receipt
        if printer is None:
            return False
        self.workshop.record("settlement_print_intent", books.box_won, ref=settlement_key(row))
        try:
            await printer.print_receipt(self._settlement_receipt(row, books, counted))
        except Exception as exc:
            log.warning("settlement not printed: %s", exc)
            self.workshop.record("settlement_print_failed", ref=settlement_key(row), error=type(exc).__name__)
            return False
        self.workshop.record("settlement_printed", books.box_won, ref=settlement_key(row))
        return True

    def _settlement_receipt(self, row: Entry, books: CashBooks, counted: Mapping[str, int]) -> Receipt:
        """The technician's copy, in Korean with the English words the city's cash office also reads."""
        config = self.kiosk.config.kiosk
        technician = row.detail.get("technician", "")

        def money(label: str, won: int) -> ReceiptLine:
            return ReceiptLine(f"{label} {won:,}원", align="right")

        lines = [
            ReceiptLine("현금 정산서 / Cash settlement", align="center", bold=True, large=True),
            ReceiptLine(f"{config.name} ({config.id})", align="center"),
            ReceiptLine(f"{books.since_at[:16] or '-'} ~ {row.at[:16]}", align="center"),
            ReceiptLine(f"기사 / Technician {technician}", align="center"),
            ReceiptLine("-" * 32),
            ReceiptLine("회수한 돈 / Collected", bold=True),
        ]
        for piece, count in sorted(books.box.items(), key=lambda kv: (kv[0][:4], int(kv[0][5:]))):
            kind, _, value = piece.partition(":")
            unit = "동전 coin" if kind == "coin" else "지폐 bill"
            lines.append(ReceiptLine(f"{unit} {int(value):,}원 x {count}", align="right"))
        lines += [
            money("합계 / Total", books.box_won),
            ReceiptLine("-" * 32),
            money("수수료 / Fees kept", books.fees_kept),
            money("카드 / Card kept", books.card_authorised - books.card_voided),
            money("거스름돈 / Change", books.change_paid),
            money("환불 / Refunds", books.refunds_paid),
            money("교환권 발행 / Vouchers issued", books.vouchers_issued),
            money("시험 현금 / Test float", books.test_float),
            money("있어야 할 돈 / Expected", books.expected_box_won),
            money("교환권 지급(호퍼) / paid by hopper", books.vouchers_paid_hopper),
            money("교환권 지급(손) / paid by hand", books.vouchers_paid_hand),
            ReceiptLine("-" * 32),
        ]
        if books.deliveries_sent_unpaid:  # not cash: a document sent after its fee was refunded (kiosk/delivery.py)
            lines += [money("환불 후 발송 / Sent after refund", books.deliveries_sent_unpaid),
                      ReceiptLine("본부에 알리세요 / Tell the office"), ReceiptLine("-" * 32)]
        difference = books.difference or (won_of(counted) - books.box_won)
        if difference:
            lines.append(ReceiptLine(f"불일치 / MISMATCH {difference:+,}원", align="center", bold=True, large=True))
            lines.append(ReceiptLine("기록과 다릅니다: 다시 세고 본부에 알리세요 / Recount, tell the office"))
        else:
            lines.append(ReceiptLine("맞음 / Balanced", align="center", bold=True))
        lines.append(ReceiptLine(settlement_key(row), align="center"))
        return Receipt(lines=lines)

    async def _send_settlement(self, row: Entry, books: CashBooks,
                               counted: Mapping[str, int]) -> tuple[bool, str, str]:
        key = settlement_key(row)
        self.workshop.record("settlement_send_intent", books.box_won, ref=key)
        try:
            answer = await self.kiosk.server.settle_cash(key, counted, books.box)
        except Exception as exc:
            log.warning("settlement not sent (send it again from the cash page): %s", exc)
            self.workshop.record("settlement_send_failed", ref=key, error=type(exc).__name__)
            return False, "", "server-unreachable"
        self.workshop.record("settlement_sent", answer.difference_won, ref=key, settlement_id=answer.settlement_id,
                             flagged=answer.flagged)
        return True, answer.settlement_id, ""

    # ------------------------------------------------------------------ count-only tests

    async def count_only(self, on: bool = True, keep: bool = True) -> Answer:
        """Coins and bills taken with no session, counted as a test float (never a fee). Stopping with
        `keep` False means the technician takes the test money back out of the box."""
        cash = self.kiosk.devices.cash
        if on:
            if self.counting:
                return {"ok": True, "counting": True, "won": won_of(self.test_box)}
            coins = [int(v) for v in self.kiosk.config.cash.coin_channels.values()]
            bills = [int(v) for v in self.kiosk.config.cash.bill_channels.values()]
            self.workshop.record("count_only_started")
            self.test_box = {}
            self.counting = True
            self.kiosk.till.counting = self._counted
            try:
                await cash.enable(coins=coins, bills=bills)
            except Exception as exc:
                log.error("count-only test: cannot enable the acceptors: %s", exc)
                await self._stop_counting()
                return {"ok": False, "error": "acceptors-unavailable"}
            return {"ok": True, "counting": True, "won": 0}
        if not self.counting:
            return {"ok": False, "error": "not-counting"}
        await self._stop_counting()
        box, won = dict(self.test_box), won_of(self.test_box)
        self.workshop.record("count_only_stopped", won, box=box, keep=bool(keep))
        if not keep and won:
            self.workshop.record(TEST_RETURNED, won, box=box)
        self.test_box = {}
        return {"ok": True, "counting": False, "counted": box, "won": won, "kept": bool(keep)}

    async def _stop_counting(self) -> None:
        self.counting = False
        self.kiosk.till.counting = None
        try:
            await self.kiosk.devices.cash.disable()
        except Exception as exc:
            log.warning("count-only test: could not inhibit the acceptors: %s", exc)

    async def _counted(self, event: CashEvent) -> bool:
        """A device event during a count-only test: test money, journaled as such (True when taken)."""
        if not self.counting:
            return False
        if not self.kiosk.in_maintenance:
            self.reset()  # the technician left with the test running: this event is the till's
            return False
        match event:
            case CoinCredited(value=value, counter=counter):
                self._take(TEST_COIN, f"coin:{value}", value)
                # Where the next run's driver resumes (kiosk.journal.last_cash_counter): past this coin.
                self.kiosk.record("device", "cash_counters", coin=counter)
            case BillEscrowed(value=value):
                self.workshop.record("test_bill_escrowed", value)
                self.workshop.record("bill_route_intent", value, stack=True, test=True)
                try:
                    await self.kiosk.devices.cash.route_bill(stack=True)
                except Exception as exc:
                    log.error("count-only test: could not stack the bill: %s", exc)
                    self.workshop.record("bill_route_failed", value, error=str(exc), test=True)
            case BillStacked(value=value, counter=counter):
                self._take(TEST_BILL, f"bill:{value}", value)
                self.kiosk.record("device", "cash_counters", bill=counter)
            case BillReturned(value=value, reason=reason):
                self.workshop.record("bill_returned", value, reason=reason, test=True)
            case _:
                return False
        self.kiosk.publish()
        return True

    def _take(self, kind: str, piece: str, value: int) -> None:
        self.workshop.record(kind, value)
        self.test_box[piece] = self.test_box.get(piece, 0) + 1

    # ------------------------------------------------------------------ vouchers

    def _voucher_lines(self) -> list[VoucherLine]:
        return voucher_lines(self._rows(kinds=VOUCHER_KINDS))

    def _payout_unfinished(self, code: str) -> bool:
        """A `voucher_pay_intent` for this code with no `voucher_paid` after it."""
        rows = [r for r in self._rows(kinds=("voucher_pay_intent", VOUCHER_PAID)) if r.ref == code]
        return bool(rows) and rows[-1].kind == "voucher_pay_intent"

    def _find(self, code: object) -> VoucherLine | None:
        digits = code_digits(code)
        return next((v for v in self._voucher_lines() if code_digits(v.code) == digits), None)

    @staticmethod
    def _line(v: VoucherLine) -> dict[str, Any]:
        return {"code": v.code, "amount": v.amount, "remaining": v.remaining, "issued_at": v.issued_at,
                "printed": v.printed, "open": v.remaining > 0}

    async def voucher_lookup(self, code: str = "") -> Answer:
        found = self._find(code or self.typed["code"])
        if found is None:
            return {"ok": False, "error": "unknown-voucher"}
        self.typed["code"] = code_digits(found.code)  # the page shows it, and pays or reprints it next
        return {"ok": True, "voucher": self._line(found)}

    async def voucher_pay(self, code: str = "", by: str = "hopper", amount: int | None = None) -> Answer:
        """Pay what a voucher still owes, once: by the hopper, or from the technician's hand (`amount`:
        only part of it, e.g. the rest after a payout a power cut cut short)."""
        found = self._find(code or self.typed["code"])
        if found is None:
            return {"ok": False, "error": "unknown-voucher"}
        if by not in ("hopper", "hand"):
            return {"ok": False, "error": "bad-arguments"}
        if found.remaining <= 0:
            return {"ok": False, "error": "already-paid", "code": found.code}
        if by == "hopper" and self._payout_unfinished(found.code):
            # A hopper payout of this voucher that a crash or power cut cut short: its coins may have
            # fallen. Never again by hopper; the technician asks the resident and pays the rest by hand.
            return {"ok": False, "error": "payout-unfinished", "code": found.code}
        owed = found.remaining
        if by == "hand" and amount is not None:
            if not 0 < int(amount) <= owed:
                return {"ok": False, "error": "bad-amount", "code": found.code, "owed": owed}
            owed = int(amount)
        if by == "hand":
            self.workshop.record("voucher_pay_intent_hand", owed, found.code)
            self.workshop.record(VOUCHER_PAID_HAND, owed, found.code)
            paid = owed
        else:
            payable = owed - owed % self._coin
            available = self.kiosk.hopper.won()
            if payable != owed or (available is not None and available < owed):
                # The hopper cannot pay it whole: nothing falls; the technician pays by hand or refills.
                return {"ok": False, "error": "hopper-cannot-pay", "code": found.code, "owed": owed,
                        "hopper_won": available}
            paid = await self._dispense(VOUCHER_PAID, owed, found.code)
        answer: Answer = {"ok": paid == owed, "code": found.code, "paid": paid, "by": by,
                          "remaining": found.remaining - paid}
        if paid != owed:
            answer["error"] = "hopper-short"  # the rest stays owed on the voucher: pay it by hand
        return answer

    async def voucher_reprint(self, code: str = "") -> Answer:
        """Print again the receipt that carries a voucher's code (one whose receipt did not come out)."""
        found = self._find(code or self.typed["code"])
        if found is None:
            return {"ok": False, "error": "unknown-voucher"}
        printer = self.kiosk.devices.receipt
        if printer is None:
            return {"ok": False, "error": "no-receipt-printer"}
        issued = next(r for r in self._rows(kinds=("voucher_issued",)) if r.ref == found.code)
        entries = self.kiosk.journal.entries(issued.session)
        quoted = [e for e in entries if e.kind == "fee_quoted"]
        chosen = [e.ref for e in entries if e.kind == "document_chosen"]
        session = Session(id=issued.session, document=chosen[-1] if chosen else "",
                          copies=int(quoted[-1].detail.get("copies", 1)) if quoted else 1,
                          total=quoted[-1].amount if quoted else 0, voucher=found.code)
        receipt = build_receipt(session, config=self.kiosk.config, journal=self.kiosk.journal,
                                printed_at=self.kiosk.clock.now())
        self.workshop.record("voucher_reprint_intent", found.remaining, found.code)
        try:
            await printer.print_receipt(receipt)
        except Exception as exc:
            log.warning("voucher receipt not printed: %s", exc)
            self.workshop.record("voucher_reprint_failed", ref=found.code, error=type(exc).__name__)
            return {"ok": False, "error": "not-printed", "code": found.code}
        self.workshop.record("voucher_reprinted", found.remaining, found.code)
        return {"ok": True, "code": found.code, "printed": True}

    # ------------------------------------------------------------------ queries

    async def cash(self) -> Answer:
        books = self._books()
        last = self._last_collection()
        return {"ok": True, "hopper_coin": self._coin, "hopper_coins": self._hopper_coins(),
                "box": books.box, "box_won": books.box_won, "books": books.as_dict(),
                "last_collection": last.at if last else "", "counting": self.counting,
                "test_won": won_of(self.test_box)}

    async def vouchers(self, open_only: bool = True) -> Answer:
        lines = [self._line(v) for v in self._voucher_lines() if v.remaining > 0 or not open_only]
        return {"ok": True, "vouchers": lines}

    async def voucher(self, code: str = "") -> Answer:
        found = self._find(code)
        return {"ok": True, "voucher": self._line(found)} if found else {"ok": False, "error": "unknown-voucher"}

    # ------------------------------------------------------------------ the pages

    def _hopper_coins(self) -> int | None:
        won = self.kiosk.hopper.won()
        return None if won is None else won // self._coin

    def cash_view(self) -> CashView:
        books = self._books()
        last = self._last_collection()
        status = self.kiosk.statuses.get("cash")
        level = ""
        if status is not None:
            level = next((v.value for k, v in status.supplies.items() if k.startswith("hopper")), "")
        return CashView(
            hopper_coin=self._coin, hopper_coins=self._hopper_coins(), hopper_level=level,
            box=books.box, box_won=books.box_won,
            last_collection=last.at[:16].replace("T", " ") if last else "",
            last_collection_won=last.amount if last else 0,
            typed=self.typed["coins"], count_only=self.counting, test_won=won_of(self.test_box),
            balanced=books.balanced, difference=books.difference, last=dict(self.workshop.last_answer),
        )

    def voucher_view(self) -> VoucherView:
        typed = self.typed["code"]
        lines = self._voucher_lines()
        found = None
        if len(typed) == CODE_DIGITS:
            found = next((v for v in lines if code_digits(v.code) == typed), None)
        return VoucherView(typed=typed, found=found, open_vouchers=[v for v in lines if v.remaining > 0][-20:],
                           last=dict(self.workshop.last_answer))

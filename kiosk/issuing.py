"""Documents: reserve at the server, print on A4, commit (or void), print the receipt.

Each step is journaled before and after it happens. A document is committed only after the printer
said the job completed; a reservation that did not reach the paper is voided; the fee is kept only
when the resident holds the document. Recovery at boot replays the same rules from the journal, and
asks the server about card authorisations whose answer the power cut took (kiosk.card_recovery).
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Protocol

from common.status import DeviceStatus
from drivers.a4_printer import PrinterUnavailable, PrintFailed
from drivers.issuance_server import DocumentMalformed, DocumentSignatureInvalid, ServerRejected, ServerUnavailable
from kiosk.card_recovery import CardVoids, lookup_owed, reconcile
from kiosk.context import Books, Context
from kiosk.delivery import recover_delivery
from kiosk.journal import Entry
from kiosk.pickup import masked_code
from kiosk.receipt_content import build_receipt
from kiosk.session import Session
from kiosk.till import Till, payment_ref, payment_window

log = logging.getLogger(__name__)


def _error_code(exc: BaseException, default: str) -> str:
    """The printer's reason for a failed print (`PrinterUnavailable`, `PrintFailed`), else `default`."""
    return (exc.reason if isinstance(exc, PrinterUnavailable | PrintFailed) else "") or default


# The printer's own words (IPP printer-state-reasons, RFC 8011 §5.4.12, and our transport codes)
# mapped to what the done screen and the technician are told; the journal keeps the printer's word.
_PRINT_REASONS = {
    "media-empty": "a4-paper-out",
    "media-needed": "a4-paper-out",
    "media-jam": "a4-paper-jam",
    "toner-empty": "a4-toner-out",
    "marker-supply-empty": "a4-toner-out",
    "connection-refused": "a4-printer-unavailable",
    "connect-failed": "a4-printer-unavailable",
    "connection-lost": "a4-printer-unavailable",
    "ipp-timeout": "a4-printer-unavailable",
}


def print_reason(exc: BaseException) -> str:
    """Why a print did not happen, as a reason code the screens know."""
    return _PRINT_REASONS.get(_error_code(exc, "print-failed"), "print-failed")


def a4_job_name(session_id: str, copy: int, copies: int) -> str:
    """The IPP job-name of one copy: what the kiosk asks the printer about after a restart."""
    return f"{session_id[:8]}-{copy}of{copies}"


def vouchers_unprinted(entries: list[Entry]) -> list[Entry]:
    """The `voucher_issued` rows of a session that come after its last `receipt_printed`: owed on paper."""
    last_receipt = max((i for i, e in enumerate(entries) if e.kind == "receipt_printed"), default=-1)
    return [e for e in entries[last_receipt + 1:] if e.kind == "voucher_issued"]


def refusal_reason(server_reason: str) -> str:
    """The result screen's reason for a commit the server refused for good (issuance voided)."""
    return "reservation-expired" if server_reason in ("reservation-expired", "already-voided") else "document-refused"


def give_back_fee(books: Books, session_id: str, *, reason: str) -> int:
    """A fee kept for a document the server then refused to commit (it voided it) is no longer earned:
    journal its reversal (`fee_kept` of minus the won kept, `reversed`), so the session owes that money
    back (a refund, a card void or a voucher). Returns the won reversed."""
    kept = sum(e.amount for e in books.journal.entries(session_id) if e.kind == "fee_kept")
    if kept > 0:
        log.error("session %s: the %s won fee kept is given back: the server refused the commit (%s)",
                  session_id[:8], kept, reason)
        books.record(session_id, "fee_kept", -kept, reversed=True, reason=reason)
    return max(0, kept)


# Receipts the printer accepted, kept as text (newest last) for the technician and for scenarios
# (`expect_receipt_text`): Korean lines reach the printer as raster images, so the printer cannot
# give the text back. A receipt holds no personal data (kiosk/receipt_content.py).
RECEIPTS_KEPT = 20


class IssuerContext(Context, Protocol):
    """What the issuer uses of the controller: its context, and a way to report a printer's status."""

    def on_device_status(self, status: DeviceStatus) -> None: ...

    @property
    def language(self) -> str:
        """The resident's language now (the receipt is printed in it)."""
        ...


class Issuer:
    def __init__(self, ctx: IssuerContext, till: Till, cards: CardVoids) -> None:
        self._ctx = ctx
        self._till = till  # the fee quoted, and at boot the payouts a crash cut short
        till.print_vouchers = self.print_vouchers_owed  # money outside any session, vouchered: on paper too
        self._cards = cards  # card authorisations found at the server after a crash are voided here
        self._hold_checked = False
        self.printed_receipts: deque[str] = deque(maxlen=RECEIPTS_KEPT)

    # ------------------------------------------------------------------ printers

    async def check_printers(self) -> None:
        """Ask both printers for their status now and let the kiosk act on it (never raises)."""
        ctx = self._ctx
        receipt = ctx.devices.receipt
        for refresh in (ctx.devices.a4.refresh_status, receipt.query_status if receipt is not None else None):
            if refresh is None:
                continue
            try:
                ctx.on_device_status(await refresh())
            except Exception as exc:  # the drivers report failures as statuses; a bug must not stop a session
                log.warning("printer status check failed: %s", exc)

    # ------------------------------------------------------------------ reserve

    async def reserve(self) -> None:
        ctx = self._ctx
        session = ctx.session
        assert session is not None
        pickup = session.pickup_fee is not None  # issue 17: a document reserved online, by its code
        if pickup:
            self._ctx.record(session.id, "reserve_intent", ref=session.id, document=session.document,
                             copies=session.copies, pickup=masked_code(session.pickup_code))
        else:
            self._ctx.record(session.id, "reserve_intent", ref=session.id, document=session.document,
                             copies=session.copies)
        try:
            if pickup:
                reservation = await ctx.server.reserve_pickup(session.pickup_code, session.id, token=session.token)
            else:
                reservation = await ctx.server.reserve(
                    session.id, session.document, options=sorted(session.options), copies=session.copies,
                    token=session.token, parcel=f"{ctx.config.kiosk.district} {session.lot}" if session.lot else None)
        except Exception as exc:
            log.warning("reservation failed: %s", exc)
            self._ctx.record(session.id, "reserve_failed", ref=session.id, error=type(exc).__name__)
            session.outcome = "failed"
            if isinstance(exc, DocumentSignatureInvalid):
                log.error("refusing a document whose signature does not verify: %s", exc)
                session.reason = "document-not-genuine"
            elif isinstance(exc, DocumentMalformed):
                log.error("refusing a signed document that is not what it claims: %s", exc)
                session.reason = "document-not-genuine"
            elif isinstance(exc, ServerUnavailable):
                session.reason = "server-unavailable"
            elif pickup and isinstance(exc, ServerRejected) and exc.reason.startswith("pickup-"):
                session.reason = exc.reason  # used meanwhile, another resident's, ... (issue 17)
            else:
                session.reason = "document-refused"
            await ctx.fire("failed")
            return
        session.token = None
        quoted = self._till.quote(session)
        if reservation.fee_total != quoted:
            # The server's bill must be the fee the resident is shown and pays: a reservation that
            # says otherwise is a server bug or worse. No money has been taken yet (the kiosk reserves
            # before payment); settle() voids the reservation by its intent.
            log.error("refusing reservation %s: the server bills %d won, the kiosk charges %d won",
                      reservation.issuance_id, reservation.fee_total, quoted)
            self._ctx.record(session.id, "reserve_refused", ref=str(reservation.issuance_id), reason="fee-mismatch",
                             fee_total=reservation.fee_total, quoted=quoted)
            session.outcome, session.reason = "failed", "fee-mismatch"
            await ctx.fire("failed")
            return
        session.reservation = reservation
        self._check_hold(reservation.hold_seconds)
        # One signed document per copy, each with its own verification number (docs/protocol.md
        # "Reserve"): the copies are already in the list, so each prints exactly once.
        session.pages_total = sum(int(d.pages) for d in reservation.documents)
        self._ctx.record(session.id, "reserved", ref=str(reservation.issuance_id),
                         verification_numbers=[d.verification_number for d in reservation.documents],
                         pages=session.pages_total)
        await ctx.fire("reserved")

    def _check_hold(self, hold_seconds: float | None) -> None:
        """Say once if the configured payment time does not fit in the server's reservation hold: such
        payments are cut short (Till._reservation_deadline) and refunded."""
        timeouts = self._ctx.config.timeouts
        window = payment_window(hold_seconds, timeouts.media_wait)
        if window is None or self._hold_checked:
            return
        self._hold_checked = True
        if timeouts.payment + timeouts.grace > window:
            log.warning("timeouts.payment + timeouts.grace (%.0f s) do not fit in the %.0f s the server holds a "
                        "reservation for payment (hold %.0f s less printing): long payments are ended and refunded",
                        timeouts.payment + timeouts.grace, window, hold_seconds)

    # ------------------------------------------------------------------ print

    async def print_documents(self) -> None:
        ctx = self._ctx
        session = ctx.session
        assert session is not None and session.reservation is not None

        def progress(status: str) -> None:
            session.print_status = status
            ctx.publish()

        documents = session.reservation.documents
        for index, doc in enumerate(documents):
            job = a4_job_name(session.id, index + 1, len(documents))
            self._ctx.record(session.id, "print_intent", ref=doc.verification_number, copy=index + 1,
                             of=len(documents), pages=doc.pages, job_name=job)
            try:
                outcome = await ctx.devices.a4.print_pdf(
                    doc.pdf, copies=1, job_name=job,
                    expected_pages=int(doc.pages), on_progress=progress)
            except Exception as exc:
                log.error("A4 printing failed on copy %d of %d: %s", index + 1, len(documents), exc)
                self._ctx.record(session.id, "print_failed", ref=doc.verification_number, copy=index + 1,
                                 error=type(exc).__name__, reason=_error_code(exc, "print-failed"))
                session.outcome = "failed"
                session.reason = print_reason(exc)
                if index > 0:
                    await self._keep_printed_copies(session, index)
                await ctx.fire("failed")
                return
            pages = outcome.pages or int(doc.pages)
            if pages < int(doc.pages):
                # The printer says fewer pages came out than the document has: not a whole document.
                log.error("A4 printer reports %d of %d pages for copy %d", pages, doc.pages, index + 1)
                self._ctx.record(session.id, "print_failed", ref=doc.verification_number, copy=index + 1,
                                 reason="page-count-mismatch", pages=pages, expected=doc.pages)
                session.outcome, session.reason = "failed", "print-failed"
                if index > 0:
                    await self._keep_printed_copies(session, index)
                await ctx.fire("failed")
                return
            session.pages_done += pages
            session.print_status = "printing"
            self._ctx.record(session.id, "print_done", ref=doc.verification_number, copy=index + 1,
                             job=outcome.job_id)
            self._ctx.record(session.id, "pages_printed", pages, ref=doc.verification_number, copy=index + 1)
            ctx.publish()

        refused = await self._commit(session)
        if refused:
            # The server will not vouch for the document (it voided it): no fee for a void document.
            session.outcome, session.reason = "failed", refusal_reason(refused)
            await ctx.fire("failed")
            return
        self._ctx.record(session.id, "fee_kept", session.total, ref=session.document)
        session.fee_kept = True
        session.outcome = "issued"
        session.print_status = "printing-receipt"
        ctx.publish()
        await self.print_receipt(session)
        await ctx.fire("printed")

    async def _keep_printed_copies(self, session: Session, printed: int) -> None:
        """Some copies are in the resident's hand: commit them and keep their fee; the rest is refunded.

        The server keeps one issuance for all copies, so the commit says how many pages came out;
        the copies that did not print stay unpaid (the till refunds what the session holds beyond
        the fee kept).
        """
        refused = await self._commit(session)
        if refused:  # the server voided them: the copies printed are not valid, the whole fee comes back
            session.outcome, session.reason = "failed", refusal_reason(refused)
            return
        per_copy = session.total // max(1, session.copies)
        kept = per_copy * printed
        self._ctx.record(session.id, "fee_kept", kept, ref=session.document, copies=printed)
        session.fee_kept = True
        # Not "failed": the resident holds `printed` copies. The result screen says how many, what was
        # kept and what came back; the receipt is printed once the refund is paid (settle).
        session.outcome, session.reason = "partial", "print-partial"

    async def _commit(self, session: Session) -> str:
        """Commit what printed. Returns "" when committed or owed (a transport failure: the outbox
        delivers it), else the server's reason for refusing it for good (409 reservation-expired,
        already-voided, ...): the server voided, or will not make, the document the resident holds."""
        key = session.id
        self._ctx.record(session.id, "commit_intent", ref=key, pages=session.pages_done)
        try:
            await self._ctx.server.commit(key, pages_printed=session.pages_done,
                                           payment_ref=payment_ref(self._ctx.journal.entries(key), key))
        except ServerRejected as exc:
            await self._commit_refused(session.id, exc)
            return exc.reason or "refused"
        except Exception as exc:
            # The document is in the resident's hand: the commit is owed, not lost. It stays open in
            # the journal and recovery (or the next heartbeat) delivers it by its idempotency key.
            log.warning("commit not delivered, kept for later: %s", exc)
            self._ctx.record(session.id, "commit_pending", ref=key, error=type(exc).__name__)
            return ""
        self._ctx.record(session.id, "committed", ref=key)
        return ""

    async def _commit_refused(self, session_id: str, exc: ServerRejected) -> None:
        """The server refused the commit for good: what printed is not a valid document (its verification
        number does not verify). Journaled, and voided at the server too (a no-op when it voided it
        already), so it never stays reserved; the caller gives the fee back."""
        log.error("session %s: the server refused the commit (%s %s): the document printed is not valid; "
                  "its fee is given back", session_id[:8], exc.status, exc.reason)
        self._ctx.record(session_id, "commit_refused", ref=session_id, reason=exc.reason, status=exc.status)
        await self.void(session_id, reason="commit-refused")

    async def print_receipt(self, session: Session) -> None:
        printer = self._ctx.devices.receipt
        if printer is None:
            return
        receipt = build_receipt(session, config=self._ctx.config, journal=self._ctx.journal,
                                printed_at=self._ctx.clock.now(), language=self._ctx.language)
        self._ctx.record(session.id, "receipt_intent")
        try:
            await printer.print_receipt(receipt)
        except Exception as exc:
            log.warning("receipt not printed: %s", exc)
            self._ctx.record(session.id, "receipt_failed", error=type(exc).__name__)
            return
        session.receipt_printed = True
        self.printed_receipts.append("\n".join(line.text for line in receipt.lines))
        self._ctx.record(session.id, "receipt_printed")

    # ------------------------------------------------------------------ end of session

    async def settle(self, session: Session) -> None:
        """A reservation that did not become a committed document is voided; a voucher is printed."""
        entries = self._ctx.journal.entries(session.id)
        kinds = {e.kind for e in entries}
        # Void from the intent, not the answer: a reservation whose answer was lost or refused (bad
        # signature) may still exist on the server. Voiding is idempotent; 404 means nothing to void.
        if "reserve_intent" in kinds and not kinds & {"print_done", "voided", "committed"}:
            await self.void(session.id, reason=session.reason or session.outcome or "not-printed")
        if vouchers_unprinted(entries):
            # A voucher journaled after the last receipt (change the hopper could not pay, or a coin that
            # dropped while the document printed, refunded at settle by a dry hopper): its code must be
            # on paper, even when a receipt was printed already.
            await self.print_receipt(session)
        elif session.fee_kept and "receipt_intent" not in kinds:
            # Some copies came out and their fee was kept, the rest refunded just now (kiosk.till settled
            # first): the receipt says what came out, what was kept and what came back.
            await self.print_receipt(session)

    async def void(self, session_id: str, *, reason: str) -> None:
        self._ctx.record(session_id, "void_intent", ref=session_id, reason=reason)
        try:
            await self._ctx.server.void(session_id, reason=reason)
        except ServerRejected as exc:
            if exc.status != 404:
                log.error("the server refused to void %s: %s", session_id[:8], exc)
                self._ctx.record(session_id, "void_refused", ref=session_id, reason=exc.reason)
                return
            # The server never made this reservation (the request died before it): nothing to void.
            log.info("void of %s: the server never reserved it", session_id[:8])
        except Exception as exc:
            log.warning("void not delivered, kept for later: %s", exc)
            self._ctx.record(session_id, "void_pending", ref=session_id, error=type(exc).__name__)
            return
        self._ctx.record(session_id, "voided", ref=session_id)

    # ------------------------------------------------------------------ recovery at boot

    async def _find_printed_copies(self, session_id: str, entries: list[Entry]) -> bool:
        """A copy whose printing a crash cut short may have come out whole: the A4 printer still knows
        the job by its name. One it reports completed is journaled as printed, so the resident who
        holds it keeps a valid (committed) document instead of a voided one and a refund. True when
        it journaled any."""
        done = {(e.kind, e.detail.get("copy")) for e in entries if e.kind in ("print_done", "print_failed")}
        found = False
        for intent in (e for e in entries if e.kind == "print_intent"):
            copy, job = intent.detail.get("copy"), intent.detail.get("job_name")
            if not job or ("print_done", copy) in done or ("print_failed", copy) in done:
                continue
            try:
                outcome = await self._ctx.devices.a4.outcome_of(str(job), expected_pages=int(intent.detail.get(
                    "pages", 0)) or None)
            except Exception as exc:
                log.error("cannot ask the A4 printer about job %s: %s", job, exc)
                outcome = None
            pages = outcome.pages if outcome is not None else 0
            if outcome is None or pages < int(intent.detail.get("pages", 0)):
                self._ctx.record(session_id, "print_failed", ref=intent.ref, copy=copy,
                                 reason="not-printed-before-restart", recovered=True)
                continue
            log.warning("session %s: copy %s was printed before the restart; keeping it", session_id[:8], copy)
            self._ctx.record(session_id, "print_done", ref=intent.ref, copy=copy, job=outcome.job_id,
                             recovered=True)
            self._ctx.record(session_id, "pages_printed", pages, ref=intent.ref, copy=copy)
            found = True
        return found

    async def _print_recovered_vouchers(self, session_id: str) -> None:
        """A voucher owed by a session the restart settled is printed now, while the resident who lost
        power may still be at the booth; the journal keeps its code for the city office either way."""
        await self.print_vouchers_owed(session_id)

    async def print_vouchers_owed(self, session_id: str) -> bool:
        """Print a receipt for the vouchers `session_id` journaled after its last receipt (a session
        settled from the journal: at boot, or money that came outside any session, Till._orphan_credit).
        True when none is left unprinted."""
        entries = self._ctx.journal.entries(session_id)
        vouchers = vouchers_unprinted(entries)
        if not vouchers:
            return True
        quoted = [e for e in entries if e.kind == "fee_quoted"]
        chosen = [e.ref for e in entries if e.kind == "document_chosen"]
        session = Session(id=session_id, document=chosen[-1] if chosen else "",
                          copies=int(quoted[-1].detail.get("copies", 1)) if quoted else 1,
                          total=quoted[-1].amount if quoted else 0, voucher=vouchers[-1].ref)
        await self.print_receipt(session)
        return not vouchers_unprinted(self._ctx.journal.entries(session_id))

    async def recover_unfinished(self, *, opened_up_to: int | None = None) -> None:
        """Resolve every session a crash left open (opened at or before `opened_up_to`): refund or
        voucher, void or commit, then close it."""
        journal = self._ctx.journal
        for session_id in journal.open_sessions(opened_up_to=opened_up_to):
            entries = journal.entries(session_id)
            kinds = [e.kind for e in entries]
            log.warning("recovering session %s (last step %s)", session_id[:8], kinds[-1] if kinds else "?")
            if await self._find_printed_copies(session_id, entries):
                entries = journal.entries(session_id)
                kinds = [e.kind for e in entries]
            printed = "print_done" in kinds and "commit_refused" not in kinds
            if printed and "committed" not in kinds:
                self._ctx.record(session_id, "commit_intent", ref=session_id, recovered=True)
                pages = sum(e.amount for e in entries if e.kind == "pages_printed")
                try:
                    await self._ctx.server.commit(session_id, pages_printed=pages,
                                                   payment_ref=payment_ref(entries, session_id))
                    self._ctx.record(session_id, "committed", ref=session_id)
                except ServerRejected as exc:
                    # Refused for good: the document printed is void, and so is its fee.
                    await self._commit_refused(session_id, exc)
                    give_back_fee(self._ctx, session_id, reason=exc.reason or "commit-refused")
                    printed = False
                except Exception:
                    self._ctx.record(session_id, "commit_pending", ref=session_id)
            if printed and "fee_kept" not in kinds:
                # The resident holds the document: the fee is earned, whatever step the power cut hit.
                # Copies that did not print before the restart are not charged.
                quoted = [e.amount for e in entries if e.kind == "fee_quoted"]
                copies = max((int(e.detail.get("of", 1)) for e in entries if e.kind == "print_intent"), default=1)
                printed_copies = len({e.detail.get("copy") for e in entries if e.kind == "print_done"})
                fee = (quoted[-1] if quoted else 0) * min(printed_copies, copies) // max(1, copies)
                self._ctx.record(session_id, "fee_kept", fee, recovered=True)
            elif not printed and "reserve_intent" in kinds and not {"voided", "commit_refused"} & set(
                    e.kind for e in journal.entries(session_id)):
                # The server may hold a reservation whose answer never arrived: void it (idempotent).
                await self.void(session_id, reason="recovered-after-restart")
            await recover_delivery(self._ctx, session_id)  # issue 17: confirm a paid order, cancel an unpaid one
            if lookup_owed(entries):
                # A card authorisation whose answer died with the power: the server may have approved it.
                # Found, it is journaled and voided here; if the server cannot be asked, the outbox asks later.
                await reconcile(self._ctx, self._cards, session_id, reason="recovered-after-restart", final=True)
            hopper_knows = await self._till.reconcile_payout(session_id)
            owed = journal.session_money(session_id).unaccounted
            if owed > 0:
                if hopper_knows:
                    await self._till.refund(session_id, owed)
                else:
                    self._till.voucher_for(session_id, owed)
            await self._print_recovered_vouchers(session_id)
            self._ctx.record(session_id, "session_closed", outcome="recovered", reason="restart")

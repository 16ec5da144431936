"""The card reader the controller uses: card events, reader status, and one EMV read for a payment.

pyscard is synchronous and a PC/SC call can block for as long as the card stays silent (vpcd, for one,
waits for a mute card forever), so every call runs on its own daemon worker thread that hands its
result to the loop with `call_soon_threadsafe`. A thread stuck on a mute card never blocks the loop,
loop shutdown or interpreter exit; it ends when the card is pulled.

Privacy: the full PAN leaves this module only in `CardAuthorisationRequest.pan`, a bytearray the
payment path wipes after the online authorisation. Nothing here logs APDUs or card data.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from common.backoff import Backoff
from common.clock import Clock
from common.status import DeviceState, DeviceStatus
from drivers.card import emv, pcsc, technician
from drivers.card.apdu import COMMAND_NAMES
from drivers.card.errors import (
    CardError,
    CardMute,
    CardProtocolError,
    CardRemoved,
    NoCard,
    ReaderUnavailable,
)
from drivers.card.events import CardEvent, CardInserted
from drivers.card.events import CardRemoved as CardRemovedEvent

log = logging.getLogger(__name__)

T = TypeVar("T")

DEVICE = "card_reader"

# pcscd polls a reader without hot-plug interrupts (vpcd, serial readers) for card presence every
# 400 ms (pcsc-lite PCSCLITE_STATUS_POLL_RATE); after a failed command we give it 1 s — two polls and
# scheduling slack — to say whether the card was pulled. pcscd runs this timer, not us.
REMOVAL_SETTLE_MS = 1000

# ISO/IEC 7812-1: a PAN has 8 to 19 digits; EMV cards in use carry 12 to 19.
MIN_PAN_DIGITS = 12
MAX_PAN_DIGITS = 19


def _run_in_thread(fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
    """Run a blocking call on a fresh daemon thread; its result arrives on the calling loop."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(ok: bool, value: Any) -> None:
        if future.done():  # the caller gave up (timeout, cancel): drop the late answer
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def work() -> None:
        try:
            result: Any = fn(*args)
            ok = True
        except BaseException as exc:  # handed to the awaiting task, which decides
            result, ok = exc, False
        with contextlib.suppress(RuntimeError):  # the loop closed while we were blocked
            loop.call_soon_threadsafe(deliver, ok, result)

    threading.Thread(target=work, name=f"pcsc-{getattr(fn, '__name__', 'call')}", daemon=True).start()
    return future


def _digits_from_bcd(value: bytes, stop_nibble: int) -> bytearray:
    """ASCII digits of a packed-BCD field, stopping at `stop_nibble` ('F' pad, 'D' track-2 separator)."""
    out = bytearray()
    for byte in value:
        for nibble in (byte >> 4, byte & 0x0F):
            if nibble == stop_nibble:
                return out
            if nibble > 9:
                out.clear()
                raise CardProtocolError("the PAN holds a non-digit")
            out.append(0x30 + nibble)
    return out


def mask_pan(pan: bytes | bytearray) -> str:
    """First six and last four digits at most (PCI DSS 3.4), the rest as '*'."""
    shown_head = 6 if len(pan) >= 13 else 0
    head = pan[:shown_head].decode()
    tail = pan[-4:].decode()
    return head + "*" * (len(pan) - shown_head - 4) + tail


@dataclass(eq=False)
class CardAuthorisationRequest:
    """What the online authorisation needs from one card read. Call `wipe()` when done with it.

    `pan` is the only copy of the full card number that leaves the card module: ASCII digits in a
    bytearray, hidden from repr, zeroed by `wipe()`. Everything else is safe to log.
    """

    amount: int
    currency: str  # ISO 4217 numeric, "410" = KRW
    masked_pan: str  # "476173******0010"
    pan_token: str  # HMAC-SHA-256 of the PAN under a key that lives as long as the CardReader
    expiry: str  # YYMM, as ISO 8583 field 14 carries it
    aid: str  # hex
    cryptogram_type: str  # "ARQC"
    cryptogram: str  # hex of '9F26'
    atc: int  # Application Transaction Counter '9F36'
    unpredictable_number: str  # hex of '9F37'
    icc_data: str  # hex BER-TLV of the chip data for online authorisation (ISO 8583 field 55)
    session_id: str = ""
    pan: bytearray = field(default_factory=bytearray, repr=False)

    def wipe(self) -> None:
        """Overwrite the PAN in place; after this only the masked form and the token remain."""
        for i in range(len(self.pan)):
            self.pan[i] = 0
        self.pan.clear()

    def __reduce__(self) -> Any:
        raise TypeError("a card authorisation request holds a PAN and is never pickled")


class _CardSession:
    """One connection to the card for one transaction, on its own PC/SC context.

    The card is reset on the way out only while it is known to be in the reader and answering. A
    reset asked of a card that is gone or mute fails inside pcscd, and pcscd 1.9 then marks the
    reader empty behind its own card watcher's back: a card pushed in before that watcher's next
    poll (400 ms) is never reported, and the reader looks empty until the card is pulled again.
    """

    def __init__(self, reader: str, clock: Clock, apdu_timeout: float) -> None:
        self._reader = reader
        self._clock = clock
        self._timeout = apdu_timeout
        self._context: int | None = None
        self._card: int | None = None
        self._protocol = 0
        self._card_answers = True  # False once the card was pulled, went mute or failed to answer

    async def open(self) -> None:
        try:
            self._context = await _run_in_thread(pcsc.establish_context)
            self._card, self._protocol = await self._clock.wait_for(
                _run_in_thread(pcsc.connect, self._context, self._reader), self._timeout)
        except TimeoutError as exc:
            self._card_answers = False
            raise CardMute(f"the card did not answer the reader within {self._timeout:g} s") from exc
        except pcsc.PcscError as exc:
            raise await self._classify(exc) from exc

    async def transmit(self, command: bytes) -> bytes:
        """One APDU out, one response in, or a typed `CardError`."""
        if self._card is None:
            raise CardError("no card connection")
        name = _command_name(command)
        try:
            response = await self._clock.wait_for(
                _run_in_thread(pcsc.transmit, self._card, self._protocol, command), self._timeout)
        except TimeoutError as exc:
            self._card_answers = False
            raise CardMute(f"no answer to {name} within {self._timeout:g} s") from exc
        except pcsc.PcscError as exc:
            raise await self._classify(exc) from exc
        if len(response) < 2:  # vpcd answers an empty response when the card's socket closed
            raise await self._classify(None)
        log.debug("card answered %s with SW %s", name, response[-2:].hex().upper())
        return response

    async def _classify(self, exc: pcsc.PcscError | None) -> CardError:
        self._card_answers = False  # whatever failed, the card is not reset on the way out
        code = exc.code if exc is not None else None
        if code in pcsc.CARD_GONE:
            return CardRemoved("the card was removed")
        if code in pcsc.SERVICE_GONE or code in pcsc.READER_GONE:
            return ReaderUnavailable(str(exc))
        if code == pcsc.W_UNRESPONSIVE_CARD:
            return CardMute("the card does not answer reset")
        # A card pulled mid-command shows first as a failed transaction; pcscd tells us within
        # REMOVAL_SETTLE_MS whether the card is gone.
        if self._context is not None:
            with contextlib.suppress(pcsc.PcscError):
                gone = await _run_in_thread(pcsc.wait_card_absent, self._context, self._reader,
                                            REMOVAL_SETTLE_MS)
                if gone:
                    return CardRemoved("the card was removed during the transaction")
        return CardError(f"card communication failed: {exc or 'empty response'}")

    async def close(self) -> None:
        await _run_in_thread(self._close_sync)

    def abandon(self) -> None:
        """Close later: a thread still blocked on this card would hold the context until the card goes."""
        self._card_answers = False
        threading.Thread(target=self._close_sync, name="pcsc-abandon", daemon=True).start()

    def _close_sync(self) -> None:
        card, context = self._card, self._context
        self._card = self._context = None
        if card is not None:
            with contextlib.suppress(pcsc.PcscError):
                pcsc.disconnect(card, reset=self._card_answers)
        if context is not None:
            with contextlib.suppress(pcsc.PcscError):
                pcsc.release_context(context)


def _command_name(command: bytes) -> str:
    return COMMAND_NAMES.get(command[1], "APDU") if len(command) > 1 else "APDU"


class CardReader:
    """A PC/SC reader holding EMV payment cards: events, status, and `read_for_payment`.

    The background monitor polls pcscd every `poll_interval` seconds (real time: a polling cadence,
    never an outcome) and reconnects with `backoff` when pcscd or the reader disappears. Decisions
    about a silent card wait `apdu_timeout` seconds on the injected `clock`.
    """

    def __init__(
        self,
        *,
        reader_name: str | None = None,
        clock: Clock,
        on_event: Callable[[CardEvent], None],
        on_status: Callable[[DeviceStatus], None] | None = None,
        apdu_timeout: float = 2.0,
        poll_interval: float = 0.2,
        backoff: Backoff | None = None,
        terminal: emv.TerminalConfig | None = None,
    ) -> None:
        self._reader_filter = reader_name
        self._clock = clock
        self._on_event = on_event
        self._on_status = on_status
        # 2 s default: a T=0 card's work waiting time is 9600 etu, about 1 s at the usual 3.57 MHz
        # (EMV 4.3 Book 1 §9.2.2.1); twice that without an answer is a card that is not coming back.
        self._apdu_timeout = apdu_timeout
        self._poll_interval = poll_interval
        self._backoff = backoff or Backoff()
        self._terminal = terminal or emv.TerminalConfig()
        # Tokens link one card's uses inside this process only: the key never leaves memory.
        self._token_key = secrets.token_bytes(32)
        self._status = DeviceStatus.unknown(DEVICE)
        self._context: int | None = None
        self._reader: str | None = None
        self._present = False
        self._busy = False
        self._mute = False
        self._failure: tuple[DeviceState, str, str] | None = None
        self._outage_logged = False
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    @property
    def status(self) -> DeviceStatus:
        return self._status

    @property
    def card_present(self) -> bool:
        return self._present

    @property
    def reader(self) -> str | None:
        """The PC/SC name of the reader in use, once found."""
        return self._reader

    async def start(self) -> None:
        """Look at pcscd once (so `status` means something), then keep watching in the background."""
        if self._task is not None:
            return
        await self._poll_once()
        self._task = asyncio.create_task(self._monitor(), name="card-reader-monitor")

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        context, self._context = self._context, None
        if context is not None:
            with contextlib.suppress(pcsc.PcscError):
                await _run_in_thread(pcsc.release_context, context)
        self._reader = None
        self._failure = (DeviceState.OFFLINE, "closed", "")
        self._publish()

    async def read_for_payment(self, amount: int, *, session_id: str = "") -> CardAuthorisationRequest:
        """Read the card in the reader and have it produce an ARQC for `amount` won.

        Raises `NoCard`, `ReaderUnavailable`, `CardRemoved`, `CardMute` (no answer within
        `apdu_timeout` on the clock), `CardDeclinedOffline` (AAC), or another `CardError`.
        """
        if not 0 < amount <= emv.MAX_AMOUNT:
            raise ValueError(f"amount {amount} is not a positive n12 amount")

        async def pay(transmit: emv.Transmit) -> CardAuthorisationRequest:
            txn = emv.TransactionData(amount=amount, date=self._clock.now().date(),
                                      unpredictable_number=secrets.token_bytes(4))
            result = await emv.run_payment(transmit, self._terminal, txn)
            return self._request_from(result, amount, session_id)

        return await self._on_card(pay)

    async def read_technician_card(self) -> technician.TechnicianCardInfo | None:
        """Read the card in the reader as a technician card: its id and PIN tries left, or None for a
        card without the technician applet (a payment card). Raises as `read_for_payment` does."""
        return await self._on_card(technician.read_technician)

    async def verify_technician_pin(self, pin: bytes | bytearray) -> technician.PinStatus:
        """Have the technician card in the reader check `pin` (ASCII digits) itself (VERIFY)."""
        async def verify(transmit: technician.Transmit) -> technician.PinStatus:
            return await technician.check_pin(transmit, pin)

        return await self._on_card(verify)

    async def _on_card(self, work: Callable[[technician.Transmit], Awaitable[T]]) -> T:
        """One connection to the card in the reader for `work` (a payment, a technician card's id or PIN):
        refused while the reader is gone, the card mute or absent; a card that stops answering is marked
        mute and its connection abandoned (it must be taken out first)."""
        async with self._lock:
            if self._context is None or self._reader is None:
                raise ReaderUnavailable(self._status.reason or "no reader")
            if self._mute:
                raise CardMute("the card in the reader stopped answering; it must be taken out first")
            if not self._present:
                raise NoCard("no card in the reader")
            session = _CardSession(self._reader, self._clock, self._apdu_timeout)
            abandoned = False
            self._busy = True
            self._publish()
            try:
                await session.open()
                return await work(session.transmit)
            except CardMute:
                self._mute = True
                abandoned = True
                session.abandon()
                raise
            finally:
                self._busy = False
                if not abandoned:
                    await session.close()
                self._publish()

    # -- background monitor -------------------------------------------------------------------------

    async def _monitor(self) -> None:
        while True:
            try:
                healthy = await self._poll_once()
            except Exception:  # never let the watcher die: report and retry
                log.exception("card reader monitor failed")
                healthy = False
            await asyncio.sleep(self._poll_interval if healthy else self._backoff.next_delay())

    async def _poll_once(self) -> bool:
        try:
            if self._context is None:
                self._context = await _run_in_thread(pcsc.establish_context)
            if self._reader is None:
                readers = await _run_in_thread(pcsc.list_readers, self._context)
                self._reader = next((r for r in readers if self._reader_filter is None
                                     or self._reader_filter in r), None)
                if self._reader is None:
                    return self._fail(DeviceState.NO_DEVICE, "no-reader",
                                      f"no reader matching {self._reader_filter!r} among {readers}")
            state = await _run_in_thread(pcsc.reader_state, self._context, self._reader)
        except pcsc.PcscError as exc:
            if exc.code in pcsc.READER_GONE:
                self._reader = None
                return self._fail(DeviceState.NO_DEVICE, "no-reader", str(exc))
            self._drop_context()
            return self._fail(DeviceState.OFFLINE, "pcscd-unavailable", str(exc))
        if state & (pcsc.STATE_UNKNOWN | pcsc.STATE_IGNORE | pcsc.STATE_UNAVAILABLE):
            self._reader = None
            return self._fail(DeviceState.NO_DEVICE, "no-reader", "the reader disappeared")
        self._recovered()
        self._set_present(bool(state & pcsc.STATE_PRESENT))
        self._publish()
        return True

    def _drop_context(self) -> None:
        context, self._context, self._reader = self._context, None, None
        if context is not None:
            threading.Thread(target=_release_quietly, args=(context,), name="pcsc-release",
                             daemon=True).start()

    def _fail(self, state: DeviceState, reason: str, detail: str) -> bool:
        if not self._outage_logged:
            log.warning("card reader %s: %s (%s)", state.value, reason, detail)
            self._outage_logged = True
        else:
            log.debug("card reader still %s: %s (%s)", state.value, reason, detail)
        self._failure = (state, reason, detail)
        self._set_present(False)
        self._publish()
        return False

    def _recovered(self) -> None:
        if self._failure is not None and self._outage_logged:
            log.info("card reader back: %s", self._reader)
        self._failure = None
        self._outage_logged = False
        self._backoff.reset()

    def _set_present(self, present: bool) -> None:
        if present == self._present:
            return
        self._present = present
        if not present:
            self._mute = False
        self._emit(CardInserted() if present else CardRemovedEvent())

    def _emit(self, event: CardEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # a listener's bug must not stop card monitoring
            log.exception("card event listener failed on %s", type(event).__name__)

    def _publish(self) -> None:
        if self._failure is not None:
            state, reason, detail = self._failure
        elif self._mute:
            state, reason, detail = DeviceState.USER_ERROR, "card-mute", "the card does not answer"
        elif self._busy:
            state, reason, detail = DeviceState.DEVICE_BUSY, "reading-card", self._reader or ""
        else:
            state = DeviceState.ONLINE
            reason = "card-present" if self._present else "no-card"
            detail = self._reader or ""
        status = self._status.with_state(state, reason, detail)
        changed = (status.state, status.reason) != (self._status.state, self._status.reason)
        self._status = status
        if changed and self._on_status is not None:  # a new error text alone is not news
            try:
                self._on_status(status)
            except Exception:
                log.exception("card status listener failed")

    # -- building the request -----------------------------------------------------------------------

    def _request_from(self, result: emv.EmvTransaction, amount: int,
                      session_id: str) -> CardAuthorisationRequest:
        records = result.records
        if emv.TAG_PAN in records:
            pan = _digits_from_bcd(records[emv.TAG_PAN], 0x0F)
        else:
            pan = _digits_from_bcd(records[emv.TAG_TRACK2], 0x0D)
        if not MIN_PAN_DIGITS <= len(pan) <= MAX_PAN_DIGITS:
            length = len(pan)
            pan[:] = bytes(length)
            raise CardProtocolError(f"a PAN of {length} digits")
        expiry = emv.expiry_date(records[emv.TAG_EXPIRY])
        return CardAuthorisationRequest(
            amount=amount,
            currency=f"{self._terminal.currency_code:03d}",
            masked_pan=mask_pan(pan),
            pan_token=hmac.new(self._token_key, pan, hashlib.sha256).hexdigest(),
            expiry=expiry.strftime("%y%m"),
            aid=result.application.aid.hex().upper(),
            cryptogram_type=result.cryptogram.kind.name,
            cryptogram=result.cryptogram.ac.hex().upper(),
            atc=result.cryptogram.atc,
            unpredictable_number=result.terminal_values[emv.TAG_UNPREDICTABLE_NUMBER].hex().upper(),
            icc_data=result.online_data().hex().upper(),
            session_id=session_id,
            pan=pan,
        )


def _release_quietly(context: int) -> None:
    with contextlib.suppress(pcsc.PcscError):
        pcsc.release_context(context)

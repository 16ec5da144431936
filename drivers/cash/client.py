"""The fee acceptor the controller uses: coins, bills and change on one ccTalk bus.

A background task polls the coin acceptor (229) and the bill validator (159) and turns new buffered
events into `CashEvent`s. Every event carries a counter (Part 2, headers 229/159), so the driver
credits each coin exactly once, counts what fell out of the 5-deep buffer (LostEvents) and notices a
reset (counter 0: inhibits are re-applied). Acceptors are inhibited whenever no fee is being taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from common.backoff import Backoff
from common.clock import Clock
from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.cash.bill_validator import BillValidator
from drivers.cash.coin_acceptor import CoinAcceptor
from drivers.cash.errors import (
    BusError,
    BusyError,
    CashError,
    DeviceTimeout,
    DispenseError,
    EscrowEmptyError,
    FrameError,
    NakError,
    PayoutStalled,
)
from drivers.cash.events import (
    BillEscrowed,
    BillReturned,
    BillStacked,
    CashEvent,
    CashFault,
    CoinCredited,
    CoinRejected,
    DispenseResult,
    LostEvents,
    Part,
)
from drivers.cash.frames import (
    BILL_INHIBITED_DIP,
    BILL_INHIBITED_SERIAL,
    BILL_INVALID_TRANSPORT,
    BILL_INVALID_VALIDATION,
    BILL_JAM_STACKER,
    BILL_JAM_TRANSPORT_SAFE,
    BILL_JAM_TRANSPORT_UNSAFE,
    BILL_MASTER_INHIBIT_ACTIVE,
    BILL_OPTO_FRAUD,
    BILL_PULLED_BACKWARDS,
    BILL_RETURNED_FROM_ESCROW,
    BILL_ROUTE_ESCROW,
    BILL_ROUTE_STACKED,
    BILL_STACKER_FAULTY,
    BILL_STACKER_FULL,
    BILL_STACKER_INSERTED,
    BILL_STACKER_JAMMED,
    BILL_STACKER_OK,
    BILL_STACKER_REMOVED,
    BILL_STRING_FRAUD,
    BILL_TAMPER,
    COIN_FAULT_CODES,
    COIN_FRAUD_CODES,
    COIN_INHIBITED,
    COIN_INHIBITED_TYPE_FIRST,
    COIN_INHIBITED_TYPE_LAST,
    COIN_MULTIPLE_WINDOW,
    COIN_NULL_EVENT,
    COIN_REJECT,
    COIN_RETURN_MECHANISM,
    DISPENSE_COUNT_MODULUS,
    FAULT_OK,
    HOPPER_DISABLED,
    HOPPER_OPTO_BLOCKED_PAYOUT,
    HOPPER_PAYOUT_TIMEOUT,
    ChecksumMode,
    HopperStatus,
    counter_before,
    new_events,
)
from drivers.cash.hopper import MAX_COINS_PER_DISPENSE, Hopper
from drivers.cash.identity import read_identity
from drivers.cash.protocol import CcTalkBus

log = logging.getLogger(__name__)

DEVICE = "cash"

# A hopper pays about 7 coins a second (Suzo-Happ Flow manual §1: "up to 7 coins per second"); give each
# coin 1 s plus 3 s for the motor to start and the hopper's own payout timeout to run, before the driver
# stops trusting a payout that makes no progress.
SECONDS_PER_COIN = 1.0
PAYOUT_SLACK = 3.0
# While fees are taken the hopper's level is read every this many polls (its sensors are debounced over
# seconds, so once a second at a 0.2 s poll is plenty).
HOPPER_EVERY_N_POLLS = 5
# A hopper that stops answering its status (BUSY, NAK, silence) mid-payout is still paying: it is asked
# again this many times, one payout poll apart, before the driver settles for what it last saw; or for as
# long as that many unanswered tries take on the driver's clock (`_status_given_up`).
PAYOUT_STATUS_TRIES = 30


def _default_coins() -> dict[int, int]:
    return {1: 10, 2: 50, 3: 100, 4: 500}


def _default_bills() -> dict[int, int]:
    return {1: 1000, 2: 5000, 3: 10000, 4: 50000}


@dataclass(frozen=True)
class CashConfig:
    port: str
    coin_channels: dict[int, int] = field(default_factory=_default_coins)  # channel -> won
    bill_channels: dict[int, int] = field(default_factory=_default_bills)  # bill type -> won
    hopper_coin: int = 100  # the denomination the hopper at address 3 pays out
    echo: bool = True
    checksum: ChecksumMode = "simple"
    # ccTalk coin acceptors recommend polling 229 every 100–200 ms (their 5-event buffer must not overflow).
    poll_interval: float = 0.2
    # Part 1 timing: a peripheral answers within tens of milliseconds; 100 ms allows a busy one.
    response_timeout: float = 0.1
    # While no fee is taken only health is watched: once a second is enough to notice a removed stacker.
    idle_poll_interval: float = 1.0
    # Suzo-Happ Flow manual §7.3: "It is recommended to poll the hopper status each 100 ms during payout."
    payout_poll_interval: float = 0.1
    retries: int = 2
    # Level sensors only say "below the low probe" / "above the high probe": the low probe trips below
    # this many coins, so a tripped probe caps what the hopper can pay (`change_cap`); an untripped one
    # says nothing about how many coins sit above it.
    hopper_low_coins: int = 20


@dataclass
class _PartHealth:
    answering: bool | None = None  # None: not yet asked
    fault: str = ""  # "jam" etc.; cleared by a good self-check
    first_failure_logged: bool = False


class CashAcceptor:
    """Coin acceptor + bill validator + hopper as one fee acceptor ("cash")."""

    def __init__(self, config: CashConfig, *, clock: Clock, on_event: Callable[[CashEvent], None],
                 on_status: Callable[[DeviceStatus], None] | None = None,
                 backoff: Backoff | None = None) -> None:
        self.config = config
        self._clock = clock
        self._on_event = on_event
        self._on_status = on_status
        self._backoff = backoff or Backoff()
        self._bus = CcTalkBus(config.port, clock=clock, echo=config.echo, checksum=config.checksum,
                              response_timeout=config.response_timeout, retries=config.retries)
        self._coin = CoinAcceptor(self._bus)
        self._bill = BillValidator(self._bus)
        self._hopper = Hopper(self._bus)
        self._parts: dict[Part, _PartHealth] = {"coin": _PartHealth(), "bill": _PartHealth(),
                                                "hopper": _PartHealth()}
        self._status = DeviceStatus.unknown(DEVICE)
        self._port_error = ""  # the port's failure while it lasts: the status's reason
        self._port_warned = False  # its failure was logged at WARNING, and no part has answered since
        self._coin_counter: int | None = None
        self._bill_counter: int | None = None
        # Event counters already accounted for before a restart (from the journal): events after
        # them that the devices buffered while the kiosk was down are reported, not skipped.
        self._resume: dict[str, int] = {}
        self._hopper_counter: int | None = None
        # The hopper was found disabled at first contact (it powered up or was reset since a controller
        # enabled it), or was seen reset since: its event counter and last-payout registers say
        # nothing of what was asked of it before.
        self._hopper_restarted = False
        # Whether the hopper keeps a non-volatile dispense count (168); None: not asked yet.
        self._counts_dispensed: bool | None = None
        self._coins_enabled: frozenset[int] = frozenset()
        self._bills_enabled: frozenset[int] = frozenset()
        self._escrow: int | None = None
        self._return_requested = False
        self._bill_escrow_cleared = False  # the escrow check at the first contact after start() is done
        self._stacker = ""  # "", "full", "removed"
        self._hopper_level = SupplyLevel.UNKNOWN
        self._hopper_empty = False
        self._dispensing = False
        self._dispense_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        # Held while inhibits change: the poll's "did the device forget its inhibits?" check must not
        # mistake a change half-way through for a reset (and re-apply the old settings).
        self._inhibit_lock = asyncio.Lock()
        self._polls = 0
        self._closing = False

    # ------------------------------------------------------------------ public API

    async def start(self) -> None:
        """Open the bus, inhibit both acceptors, enable the hopper; then poll in the background.

        Never raises for a missing or silent bus: the status says OFFLINE and the task keeps trying.
        """
        with contextlib.suppress(BusError):
            await self._connect()
        self._task = asyncio.create_task(self._run(), name="cash-poll")

    async def close(self) -> None:
        """Stop polling and release the port."""
        self._closing = True
        self._wake.set()
        task, self._task = self._task, None
        if task is not None:
            # A cancel that lands while common.clock's wait_for cleans up is swallowed there; insist.
            while not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=0.01)
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._bus.close()

    @property
    def status(self) -> DeviceStatus:
        return self._status

    async def identify(self) -> dict[str, str]:
        """Serial numbers (242) and software revisions (241) of the coin acceptor, bill validator and
        hopper, as ``{"coin.serial": "1020304", "coin.software": "CV2-1.07", ...}``; a part that
        does not answer is left out (drivers.cash.identity)."""
        found: dict[str, str] = {}
        if not self._bus.is_open:
            return found
        for part, address in (("coin", self._coin.address), ("bill", self._bill.address),
                              ("hopper", self._hopper.address)):
            who = await read_identity(self._bus, part, address)
            if who.serial:
                found[f"{part}.serial"] = who.serial
            if who.software:
                found[f"{part}.software"] = who.software
        return found

    async def _return_stale_escrow(self) -> None:
        """At the first contact after start: a bill held in escrow belongs to a session that died with
        the previous controller (power cut, kill), so nobody paid with it yet: hand it back. The
        BillReturned event follows from the poll, like any return."""
        try:
            await self._bill.route(stack=False, retries=0)
        except EscrowEmptyError:
            pass
        else:
            log.warning("cash: a bill was left in escrow by the previous run; returned it")
            self._return_requested = True
        self._bill_escrow_cleared = True

    def resume_from(self, *, coin: int | None = None, bill: int | None = None) -> None:
        """Before `start()`: the last event counters the kiosk accounted for before it went down."""
        self._resume = {part: value for part, value in (("coin", coin), ("bill", bill)) if value is not None}

    async def enable(self, *, coins: Iterable[int], bills: Iterable[int]) -> None:
        """Lift the inhibits for these denominations (won) only; everything else stays inhibited."""
        async with self._inhibit_lock:
            self._coins_enabled = frozenset(_channels_for(coins, self.config.coin_channels, "coin"))
            self._bills_enabled = frozenset(_channels_for(bills, self.config.bill_channels, "bill"))
            await self._apply_coin_inhibits()
            await self._apply_bill_inhibits()
        self._wake.set()

    async def disable(self) -> None:
        """Inhibit every coin and bill (master inhibit on as well)."""
        async with self._inhibit_lock:
            self._coins_enabled = frozenset()
            self._bills_enabled = frozenset()
            await self._apply_coin_inhibits()
            await self._apply_bill_inhibits()

    async def route_bill(self, *, stack: bool) -> None:
        """Stack or return the bill in escrow; BillStacked / BillReturned follow from the poll.

        Raises EscrowEmptyError when no bill waits (it timed out and went back already).
        """
        self._return_requested = not stack
        try:
            await self._bill.route(stack=stack, retries=0)
        except DeviceTimeout:
            # The command may have gone through with its reply lost: a second try then finds the escrow
            # empty, which means the first one worked.
            with contextlib.suppress(EscrowEmptyError):
                await self._bill.route(stack=stack)
        self._wake.set()

    async def dispense(self, amount: int, *, on_progress: Callable[[int], None] | None = None) -> DispenseResult:
        """Pay `amount` won from the hopper and follow it (166) to the end.

        `paid` counts coins the hopper reports paid; the rest (including any part of `amount` the
        hopper coin cannot make) is `unpaid`. A hopper that stops answering mid-payout raises
        DispenseError whose `result` holds what is known to be paid; so does every other failure
        of a payout (BUSY, NAK, a reset, a second batch that cannot start): whatever went wrong,
        the caller learns what came out, never "nothing" for coins that fell. `on_progress` hears
        the won paid so far each time the hopper's status shows another coin out.
        """
        if amount < 0:
            raise ValueError("cannot dispense a negative amount")
        coin = self.config.hopper_coin
        want = amount // coin
        paid = 0

        def progress(coins_in_batch: int) -> None:
            if on_progress is not None:
                try:
                    on_progress((paid + coins_in_batch) * coin)
                except Exception:  # a listener's failure must not stop following the coins
                    log.exception("cash: on_progress failed")

        async with self._dispense_lock:
            self._dispensing = True
            try:
                while paid < want:
                    batch = min(want - paid, MAX_COINS_PER_DISPENSE)
                    counted_before = await self._read_dispense_count()
                    try:
                        got = await self._dispense_batch(batch, progress)
                    except CashError as exc:
                        # A stalled batch tells how many of its coins it saw come out; the hopper's own
                        # dispense count, where it keeps one, tells exactly.
                        # A payout that started and was not followed to its end (PayoutStalled) may have
                        # paid more than was seen: unless the dispense count says, the rest is unknown.
                        known = exc.paid if isinstance(exc, PayoutStalled) else 0
                        counted = await self._coins_since(counted_before)
                        paid += min(batch, counted) if counted is not None else known
                        unknown = counted is None and isinstance(exc, PayoutStalled)
                        partial = DispenseResult(amount, paid * coin, amount - paid * coin)
                        raise DispenseError(f"hopper payout failed after {paid} coins"
                                            f"{' seen (the rest unknown)' if unknown else ''}: {exc}",
                                            partial, unknown=unknown) from exc
                    paid += got
                    if got < batch:
                        await self._after_short_payout()
                        break
            finally:
                self._dispensing = False
                self._publish()
        return DispenseResult(requested=amount, paid=paid * coin, unpaid=amount - paid * coin)

    def event_counters(self) -> dict[str, int]:
        """The event counters the driver has accounted for, per part (only the parts read so far).

        The kiosk journals them: after a crash the next run resumes from them (`resume_from`) and
        knows which payout an interrupted `dispense` had started (`paid_since`)."""
        known = {"coin": self._coin_counter, "bill": self._bill_counter, "hopper": self._hopper_counter}
        return {part: value for part, value in known.items() if value is not None}

    async def payout_mark(self) -> dict[str, int]:
        """What to journal before a payout, so that the next run can tell what it paid (`paid_since`)
        even after a crash or a power cut: the hopper's event counter, its serial number and, where
        it keeps one, its non-volatile dispense count (168). Parts it cannot read are left out."""
        mark: dict[str, int] = {}
        async with self._dispense_lock:
            with contextlib.suppress(CashError):
                self._hopper_counter = (await self._hopper.status()).event_counter
            count = await self._read_dispense_count()
        if self._hopper_counter is not None:
            mark["hopper_counter"] = self._hopper_counter
        if self._hopper.serial is not None:
            mark["hopper_serial"] = self._hopper.serial
        if count is not None:
            mark["hopper_dispensed"] = count
        return mark

    async def paid_since(self, hopper_counter: int | None, requested: int, *, serial: int | None = None,
                         dispensed: int | None = None) -> int | None:
        """Won the hopper paid for a payout of `requested` won that a crash or power cut interrupted,
        from the `payout_mark` journaled before it. A payout still running is followed to its end.
        None when the hopper cannot tell: another hopper (serial), or no dispense count and a hopper
        that powered up or was reset since (its event counter and registers start again at 0, so 0
        would read as "nothing paid" when coins fell).

        With a dispense count the answer is exact, power cut or not. Otherwise each 167 command moved
        the event counter by one (1..255, then 1 again); every batch but the last paid in full, or
        `dispense` would not have sent the next."""
        try:
            async with self._dispense_lock:
                status = await self._hopper.status()
                if status.remaining:
                    status = await self._follow_payout(status.remaining, status.event_counter)
                counted = await self._coins_since(dispensed)
        except CashError as exc:
            log.error("cash: cannot read the hopper's last payout: %s", exc)
            return None
        if serial is not None and self._hopper.serial is not None and serial != self._hopper.serial:
            log.error("cash: the hopper was replaced since the payout (serial changed)")
            return None
        if counted is not None:
            return min(counted * self.config.hopper_coin, requested)
        if hopper_counter is None or self._hopper_restarted or (status.event_counter == 0 and hopper_counter):
            return None  # powered up or reset since: the record of that payout is gone
        batches = (status.event_counter - hopper_counter) % 255
        if batches == 0:
            return 0
        if batches > -(-(requested // self.config.hopper_coin) // MAX_COINS_PER_DISPENSE):
            return None  # moved further than this payout could move it: went backwards, or another payout
        coins = MAX_COINS_PER_DISPENSE * (batches - 1) + status.paid
        return min(coins * self.config.hopper_coin, requested)

    async def _read_dispense_count(self) -> int | None:
        """The hopper's lifetime dispense count (168), or None (no such counter, or no answer)."""
        if self._counts_dispensed is False:
            return None
        try:
            count = await self._hopper.dispense_count()
        except NakError:
            if self._counts_dispensed is None:
                self._counts_dispensed = False  # a model without one: do not ask again
            return None
        except CashError:
            return None
        self._counts_dispensed = True
        return count

    async def _coins_since(self, counted_before: int | None) -> int | None:
        """Coins the hopper dispensed since its dispense count read `counted_before` (None: unknown)."""
        if counted_before is None:
            return None
        now = await self._read_dispense_count()
        return None if now is None else (now - counted_before) % DISPENSE_COUNT_MODULUS

    def change_cap(self) -> int | None:
        """The most won the hopper's own sensors allow it to pay now: 0 when it cannot pay (silent,
        jammed, found empty by a payout), the low probe's threshold when that probe has tripped, and
        None when they set no bound. An upper bound only: the count the kiosk can promise is kept in
        the journal (kiosk.hopper_inventory)."""
        health = self._parts["hopper"]
        if not health.answering or health.fault or self._hopper_empty:
            return 0
        if self._hopper_level is SupplyLevel.LOW:
            return self.config.hopper_low_coins * self.config.hopper_coin
        if self._hopper_level is SupplyLevel.FULL:
            return None
        return 0

    def change_confirmed(self) -> int:
        """The least won the hopper's own sensors confirm it holds: the low probe's threshold while that
        probe has not tripped, else 0. A lower bound that needs no journal (kiosk: used when a voucher
        could not even be printed)."""
        health = self._parts["hopper"]
        if not health.answering or health.fault or self._hopper_empty:
            return 0
        if self._hopper_level is SupplyLevel.FULL:
            return self.config.hopper_low_coins * self.config.hopper_coin
        return 0

    # ------------------------------------------------------------------ background

    async def _run(self) -> None:
        while not self._closing:
            try:
                if not self._bus.is_open:
                    await self._connect()
                await self._poll_cycle()
                if any(p.answering for p in self._parts.values()):
                    self._port_proven()
                    delay = self.config.poll_interval if self._accepting else self.config.idle_poll_interval
                else:
                    delay = self._backoff.next_delay()
            except asyncio.CancelledError:
                raise
            except BusError as exc:
                self._port_failed(exc)
                await self._bus.close()
                delay = self._backoff.next_delay()
            except Exception:  # the poller must survive anything a device sends
                log.exception("cash poll failed")
                delay = self._backoff.next_delay()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    @property
    def _accepting(self) -> bool:
        return bool(self._coins_enabled or self._bills_enabled or self._escrow is not None)

    async def _connect(self) -> None:
        try:
            await self._bus.open()
        except BusError as exc:
            self._port_failed(exc)
            raise
        self._port_error = ""
        # The backoff restarts once a part answers (_port_proven), not here: an adapter that opens and
        # then drops off each time it is spoken to must not be reopened, and warned of, every 0.2 s.
        for part in self._parts:
            await self._init_part(part)
        self._publish()

    def _port_failed(self, exc: BaseException) -> None:
        if not self._port_warned:
            log.warning("cash: %s", exc)
            self._port_warned = True
        else:
            log.debug("cash: %s", exc)
        self._port_error = "port-unavailable"
        for health in self._parts.values():
            health.answering = False
        self._publish()

    def _port_proven(self) -> None:
        """A part answered, so the port works: the backoff starts afresh, and its next failure is warned of."""
        if self._port_warned:
            log.info("cash: port %s works again", self.config.port)
            self._port_warned = False
        self._backoff.reset()

    async def _init_part(self, part: Part) -> bool:
        """Bring one part to the state the driver wants (after start, reconnect or reset)."""
        try:
            if part == "coin":
                await self._apply_coin_inhibits()
                resume = self._resume.pop("coin", None)
                self._coin_counter = resume if resume is not None else (await self._coin.read_buffered_credit()).counter
            elif part == "bill":
                await self._apply_bill_inhibits()
                resume = self._resume.pop("bill", None)
                self._bill_counter = resume if resume is not None else (await self._bill.read_buffered_events()).counter
                if not self._bill_escrow_cleared:
                    await self._return_stale_escrow()
            else:
                await self._hopper.read_serial()
                if await self._hopper.test() & HOPPER_DISABLED:
                    # Disabled: it powered up (or was reset) since a controller last enabled it.
                    self._hopper_restarted = True
                await self._hopper.enable()
                await self._read_dispense_count()
                self._hopper_counter = (await self._hopper.status()).event_counter
                await self._read_hopper_health()
        except (DeviceTimeout, FrameError, NakError) as exc:
            self._part_failed(part, exc)
            return False
        self._part_ok(part)
        return True

    async def _poll_cycle(self) -> None:
        self._polls += 1
        for part in ("coin", "bill", "hopper"):
            busy = self._dispensing or (self._accepting and self._polls % HOPPER_EVERY_N_POLLS)
            if part == "hopper" and busy:
                continue
            health = self._parts[part]
            try:
                if not health.answering:
                    await self._init_part(part)
                    continue
                if part == "coin":
                    await self._poll_coins()
                elif part == "bill":
                    await self._poll_bills()
                else:
                    await self._poll_hopper()
            except (DeviceTimeout, FrameError, NakError) as exc:
                self._part_failed(part, exc)
            else:
                self._part_ok(part)
        self._publish()

    def _part_failed(self, part: Part, exc: BaseException) -> None:
        health = self._parts[part]
        if health.answering is not False:
            log.warning("cash: %s not answering: %s", part, exc)
        else:
            log.debug("cash: %s still not answering: %s", part, exc)
        health.answering = False

    def _part_ok(self, part: Part) -> None:
        health = self._parts[part]
        if health.answering is False:
            log.info("cash: %s answering again", part)
        health.answering = True

    # ------------------------------------------------------------------ coins

    async def _apply_coin_inhibits(self) -> None:
        await self._coin.set_inhibits(self._coins_enabled)
        await self._coin.set_master(enabled=bool(self._coins_enabled))

    async def _poll_coins(self) -> None:
        buffer = await self._coin.read_buffered_credit()
        change = new_events(self._coin_counter, buffer)
        self._coin_counter = buffer.counter
        if change.reset:
            log.warning("cash: coin acceptor was reset; re-applying inhibits")
            self._emit(LostEvents("coin", None))
            await self._apply_coin_inhibits()
        if change.lost:
            log.warning("cash: %d coin events lost between polls", change.lost)
            self._emit(LostEvents("coin", change.lost))
        elif buffer.counter == 0 and not self._inhibit_lock.locked():
            # A reset before any event leaves the counter at 0: only the inhibit state betrays it.
            async with self._inhibit_lock:
                if await self._coin.master_enabled() != bool(self._coins_enabled):
                    log.warning("cash: coin acceptor lost its inhibit settings; re-applying")
                    await self._apply_coin_inhibits()
        for index, (a, b) in enumerate(change.events):
            self._coin_event(a, b, counter_before(buffer.counter, len(change.events) - 1 - index))
        health = self._parts["coin"]
        if health.fault and await self._coin.self_check() == FAULT_OK:
            log.info("cash: coin acceptor fault cleared")
            health.fault = ""

    def _coin_event(self, a: int, b: int, counter: int = 0) -> None:
        if a:
            value = self.config.coin_channels.get(a)
            if value is None:
                self._emit(CashFault("coin", "unknown-channel", f"credit on unconfigured channel {a}"))
            else:
                self._emit(CoinCredited(value, counter))
            return
        if b in (COIN_NULL_EVENT, COIN_RETURN_MECHANISM):
            return
        if b == COIN_INHIBITED or COIN_INHIBITED_TYPE_FIRST <= b <= COIN_INHIBITED_TYPE_LAST:
            self._emit(CoinRejected("inhibited", b))
        elif b in COIN_FRAUD_CODES:
            self._emit(CoinRejected("fraud", b))
        elif b in (COIN_REJECT, COIN_MULTIPLE_WINDOW):
            self._emit(CoinRejected("unknown-coin", b))
        elif b in COIN_FAULT_CODES:
            self._parts["coin"].fault = "jam"
            self._emit(CashFault("coin", "jam", f"coin acceptor error code {b}"))
        else:
            self._emit(CoinRejected("rejected", b))

    # ------------------------------------------------------------------ bills

    async def _apply_bill_inhibits(self) -> None:
        await self._bill.set_inhibits(self._bills_enabled)
        await self._bill.set_master(enabled=bool(self._bills_enabled))

    async def _poll_bills(self) -> None:
        buffer = await self._bill.read_buffered_events()
        change = new_events(self._bill_counter, buffer)
        self._bill_counter = buffer.counter
        if change.reset:
            log.warning("cash: bill validator was reset; re-applying inhibits")
            self._escrow = None
            self._emit(LostEvents("bill", None))
            await self._apply_bill_inhibits()
        if change.lost:
            log.warning("cash: %d bill events lost between polls", change.lost)
            self._emit(LostEvents("bill", change.lost))
        elif buffer.counter == 0 and not self._inhibit_lock.locked():
            async with self._inhibit_lock:
                if await self._bill.master_enabled() != bool(self._bills_enabled):
                    log.warning("cash: bill validator lost its inhibit settings; re-applying")
                    await self._apply_bill_inhibits()
        for index, (a, b) in enumerate(change.events):
            if a and b == BILL_ROUTE_ESCROW and _moved_on(change.events[index + 1:]):
                # Replayed after a restart: this bill already left escrow; only its exit is news.
                self._escrow = self.config.bill_channels.get(a)
                continue
            self._bill_event(a, b, counter_before(buffer.counter, len(change.events) - 1 - index))
        health = self._parts["bill"]
        if health.fault and await self._bill.self_check() == FAULT_OK:
            log.info("cash: bill validator fault cleared")
            health.fault = ""

    def _bill_event(self, a: int, b: int, counter: int = 0) -> None:
        if a:
            value = self.config.bill_channels.get(a)
            if value is None:
                self._emit(CashFault("bill", "unknown-bill-type", f"bill type {a} route {b}"))
            elif b == BILL_ROUTE_ESCROW:
                self._escrow = value
                self._return_requested = False
                self._emit(BillEscrowed(value))
            elif b == BILL_ROUTE_STACKED:
                self._escrow = None
                self._emit(BillStacked(value, counter))
            return
        if b == BILL_RETURNED_FROM_ESCROW:
            value, self._escrow = self._escrow or 0, None
            self._emit(BillReturned(value, "returned" if self._return_requested else "escrow-timeout"))
            self._return_requested = False
        elif b in (BILL_MASTER_INHIBIT_ACTIVE, BILL_INHIBITED_SERIAL, BILL_INHIBITED_DIP):
            self._emit(BillReturned(0, "inhibited"))
        elif b in (BILL_INVALID_VALIDATION, BILL_INVALID_TRANSPORT):
            self._emit(BillReturned(0, "invalid"))
        elif b in (BILL_OPTO_FRAUD, BILL_STRING_FRAUD, BILL_PULLED_BACKWARDS, BILL_TAMPER):
            self._emit(CashFault("bill", "fraud", f"bill validator event {b}"))
        elif b in (BILL_JAM_TRANSPORT_UNSAFE, BILL_JAM_TRANSPORT_SAFE, BILL_JAM_STACKER, BILL_STACKER_JAMMED):
            self._parts["bill"].fault = "jam"
            self._emit(CashFault("bill", "jam", f"bill validator event {b}"))
        elif b == BILL_STACKER_FULL:
            self._stacker = "full"
            self._emit(CashFault("bill", "stacker-full"))
        elif b == BILL_STACKER_REMOVED:
            self._stacker = "removed"
            self._emit(CashFault("bill", "stacker-removed"))
        elif b in (BILL_STACKER_INSERTED, BILL_STACKER_OK):
            self._stacker = ""
        elif b == BILL_STACKER_FAULTY:
            self._emit(CashFault("bill", "stacker-faulty"))

    # ------------------------------------------------------------------ hopper

    async def _poll_hopper(self) -> None:
        status = await self._hopper.status()
        if status.event_counter == 0 and self._hopper_counter:
            log.warning("cash: hopper was reset; enabling it again")
            self._hopper_restarted = True
            await self._hopper.enable()
        self._hopper_counter = status.event_counter
        await self._read_hopper_health()

    async def _read_hopper_health(self) -> None:
        register = await self._hopper.test()
        level = await self._hopper.level()
        health = self._parts["hopper"]
        health.fault = "jam" if register & HOPPER_OPTO_BLOCKED_PAYOUT else ""
        if level.low_supported and level.low:
            self._hopper_level = SupplyLevel.LOW
        else:
            self._hopper_level = SupplyLevel.FULL
            self._hopper_empty = False  # refilled above the low probe

    async def _dispense_batch(self, coins: int, progress: Callable[[int], None] | None = None) -> int:
        """One 167 command and its payout, followed on 166: the coins actually paid."""
        await self._hopper.enable()
        before = await self._hopper.status()
        try:
            counter = await self._hopper.dispense(coins)
        except NakError:
            log.warning("cash: hopper refused to pay %d coins", coins)
            return 0
        except (DeviceTimeout, FrameError, BusyError) as exc:
            # Part 2 header 167: do not repeat blindly; the event counter tells whether it was taken. A
            # hopper that took it may be quiet a moment longer (its motor starting): it is asked again,
            # as mid-payout, since the coins may be falling already.
            seen = await self._status_after_dispense(coins, exc)
            if seen.event_counter == before.event_counter:
                try:
                    counter = await self._hopper.dispense(coins)
                except (DeviceTimeout, FrameError, BusyError) as again:
                    seen = await self._status_after_dispense(coins, again)
                    if seen.event_counter == before.event_counter:
                        raise  # refused twice, nothing started: certainly nothing paid
                    counter = seen.event_counter
            else:
                counter = seen.event_counter
        self._hopper_counter = counter
        final = await self._follow_payout(coins, counter, progress)
        return final.paid

    async def _status_after_dispense(self, coins: int, lost: CashError) -> HopperStatus:
        """166 after a 167 whose reply was lost, asked up to PAYOUT_STATUS_TRIES times like a status
        mid-payout. PayoutStalled (0 coins seen) when it never answers: the payout may have started."""
        failures = 0
        silent_since = self._clock.monotonic()
        while True:
            try:
                return await self._hopper.status()
            except (DeviceTimeout, FrameError, NakError, BusyError) as exc:
                failures += 1
                if self._status_given_up(failures, silent_since):
                    raise PayoutStalled(f"hopper quiet after a dispense of {coins} coins whose reply was lost "
                                        f"({lost}); the payout may have started: {exc}", 0) from exc
                log.debug("cash: hopper status failed after a dispense (%s); asking again", exc)
                await asyncio.sleep(self.config.payout_poll_interval)

    async def _follow_payout(self, coins: int, counter: int,
                             progress: Callable[[int], None] | None = None) -> HopperStatus:
        """Poll 166 until the payout the hopper numbered `counter` ends. A status request that fails
        (BUSY, NAK, no answer) is asked again: the coins go on falling meanwhile, and only the end
        of the payout says how many fell. PayoutStalled (with the coins last seen paid) when it
        makes no progress, stays unanswered, or the hopper was reset under it."""
        deadline = self._clock.monotonic() + coins * SECONDS_PER_COIN + PAYOUT_SLACK
        seen_paid = 0
        failures = 0
        silent_since = 0.0
        while True:
            if failures == 0:
                silent_since = self._clock.monotonic()
            try:
                status = await self._hopper.status()
            except (DeviceTimeout, FrameError, NakError, BusyError) as exc:
                failures += 1
                if self._status_given_up(failures, silent_since):
                    raise PayoutStalled(f"hopper status unanswered mid-payout ({seen_paid} coins seen paid): "
                                        f"{exc}", seen_paid) from exc
                log.debug("cash: hopper status failed mid-payout (%s); asking again", exc)
                await asyncio.sleep(self.config.payout_poll_interval)
                continue
            failures = 0
            if status.event_counter != counter:
                self._hopper_restarted = True
                raise PayoutStalled(f"hopper was reset mid-payout ({seen_paid} coins seen paid)", seen_paid)
            if status.paid > seen_paid and progress is not None:
                progress(status.paid)
            seen_paid = status.paid
            if status.remaining == 0:
                return status
            if self._clock.monotonic() > deadline:
                raise PayoutStalled(f"payout of {coins} coins made no progress "
                                    f"({status.paid} paid, {status.remaining} remaining)", status.paid)
            await asyncio.sleep(self.config.payout_poll_interval)

    def _status_given_up(self, failures: int, silent_since: float) -> bool:
        """Whether a hopper whose status failed `failures` times in a row, since `silent_since` on the
        driver's clock, is given up on: after PAYOUT_STATUS_TRIES tries, or once they have lasted as long
        on that clock as so many unanswered tries take (each try's bus deadlines and a payout poll). The
        bus's deadlines run on the driver's clock while the pause between tries is real time, so on a
        virtual clock a long jump may carry only a try or two: counted alone, a silent hopper under a
        kiosk whose clock moved minutes would never be given up on."""
        if failures >= PAYOUT_STATUS_TRIES:
            return True
        per_try = (1 + self.config.retries) * self.config.response_timeout + self.config.payout_poll_interval
        return self._clock.monotonic() - silent_since >= PAYOUT_STATUS_TRIES * per_try

    async def _after_short_payout(self) -> None:
        with contextlib.suppress(CashError):
            register = await self._hopper.test()
            if register & HOPPER_OPTO_BLOCKED_PAYOUT:
                self._parts["hopper"].fault = "jam"
                self._emit(CashFault("hopper", "jam", "opto blocked during payout"))
            else:
                self._hopper_empty = True
                reason = "payout timeout" if register & HOPPER_PAYOUT_TIMEOUT else "payout refused"
                self._emit(CashFault("hopper", "empty", reason))

    # ------------------------------------------------------------------ status

    def _emit(self, event: CashEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # a controller bug must not stop the money flow
            log.exception("cash: on_event failed for %r", event)

    def _compose(self) -> DeviceStatus:
        supplies = {f"hopper:{self.config.hopper_coin}": self._hopper_supply()}
        bill_ok = self._parts["bill"].answering
        # The stacker in XFS4IoT cash-in words: "ok" with room, "full", "missing" when pulled out. Full or
        # missing, bills cannot be taken while coins still can: the device stays online
        # (kiosk.availability.takes_bills).
        supplies["bill-stacker"] = (SupplyLevel.UNKNOWN if not bill_ok
                                    else _STACKER_LEVEL.get(self._stacker, SupplyLevel.OK))
        if self._port_error:
            return DeviceStatus(DEVICE, DeviceState.OFFLINE, self._port_error, self.config.port, supplies)
        answering = [p.answering for p in self._parts.values()]
        if not any(answering):
            state = DeviceState.OFFLINE
            reason = "serial-timeout" if all(a is False for a in answering) else "not-yet-contacted"
            return DeviceStatus(DEVICE, state, reason, "no ccTalk device answers", supplies)
        for part in ("coin", "bill"):
            health = self._parts[part]
            if not health.answering:
                return DeviceStatus(DEVICE, DeviceState.HARDWARE_ERROR, f"{part}-offline", "", supplies)
            if health.fault:
                reason = f"{part}-{health.fault}"
                return DeviceStatus(DEVICE, DeviceState.HARDWARE_ERROR, reason, "", supplies)
        reason = ""
        if not self._parts["hopper"].answering:
            reason = "hopper-offline"
        elif self._parts["hopper"].fault:
            reason = "hopper-jam"
        elif self._stacker:
            reason = f"stacker-{self._stacker}"
        elif self._hopper_empty:
            reason = "hopper-empty"
        elif self._hopper_level is SupplyLevel.LOW:
            reason = "hopper-low"
        return DeviceStatus(DEVICE, DeviceState.ONLINE, reason, "", supplies)

    def _hopper_supply(self) -> SupplyLevel:
        health = self._parts["hopper"]
        if not health.answering:
            return SupplyLevel.UNKNOWN
        if health.fault:
            return SupplyLevel.JAMMED
        if self._hopper_empty:
            return SupplyLevel.OUT
        return self._hopper_level

    def _publish(self) -> None:
        status = self._compose()
        if status == self._status:
            return
        self._status = status
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                log.exception("cash: on_status failed")


_STACKER_LEVEL = {"full": SupplyLevel.FULL, "removed": SupplyLevel.MISSING}


def _channels_for(values: Iterable[int], table: dict[int, int], kind: str) -> set[int]:
    """The channels whose denomination is in `values` (ValueError for a denomination not configured)."""
    wanted = set(values)
    channels = {ch for ch, won in table.items() if won in wanted}
    missing = wanted - {table[ch] for ch in channels}
    if missing:
        raise ValueError(f"no {kind} channel is configured for {sorted(missing)} won")
    return channels


def _moved_on(later_events: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> bool:
    """Whether the bill events after an escrow event include the bill leaving escrow."""
    for a, b in later_events:
        if (a and b == BILL_ROUTE_STACKED) or (not a and b == BILL_RETURNED_FROM_ESCROW):
            return True
        if a and b == BILL_ROUTE_ESCROW:
            return False
    return False

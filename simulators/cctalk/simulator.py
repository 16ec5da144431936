"""The kiosk's whole ccTalk cash bus on a PTY: coin acceptor (2), hopper (3), bill validator (40).

The driver opens the PTY's slave end like a USB-serial adapter. Like a real single-wire ccTalk bus,
every byte the host writes comes straight back to it (echo, on by default); then the addressed
peripheral answers. Faults and resident actions are control methods (see `controls`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import tty
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from common.control_socket import bounded
from drivers.cash.frames import (
    BILL_VALIDATOR_ADDRESS,
    BUS_ADDRESSES,
    COIN_ACCEPTOR_ADDRESS,
    HOPPER_ADDRESS,
    HOST_ADDRESS,
    ChecksumMode,
    Frame,
    FrameDecoder,
    Header,
)
from simulators.cctalk.devices import BUSY, NAK, BillValidatorSim, CoinAcceptorSim, HopperSim, Reply
from simulators.line_speed import heard_at

log = logging.getLogger(__name__)

DEFAULT_LINK = Path("run/dev/cctalk")
# A hopper pays about 7 coins a second (Suzo-Happ Flow manual §1); tests pass a much shorter tick.
DEFAULT_COIN_INTERVAL = 0.15
# Validators hand an unrouted bill back after a timeout of their own; tens of seconds is typical and the
# host may extend it with route code 255 (Part 2, header 154).
DEFAULT_ESCROW_TIMEOUT = 30.0

DEVICES = ("coin", "bill", "hopper")
# ccTalk's usual speed (Part 1: 9600 baud, 8N1).
DEFAULT_BAUDRATE = 9600
# Part 1: a receiver discards a partial packet after this long without a byte (50 ms).
INTER_BYTE_GAP = 0.05
# Line noise is a burst of a few frames (a ccTalk frame is at most 260 bytes); more only exhausts memory.
MAX_NOISE_BYTES = 4096
# A large hopper holds about 2,000 coins; 10,000 leaves room without letting a typo mean millions.
MAX_HOPPER_COINS = 10000


class CcTalkSimulator:
    """All three cash peripherals on one simulated ccTalk bus."""

    name = "cctalk"

    def __init__(self, *, link: Path | None = None, echo: bool = True, checksum: ChecksumMode = "simple",
                 coin_channels: dict[int, int] | None = None, bill_channels: dict[int, int] | None = None,
                 hopper_coin: int = 100, hopper_count: int = 200,
                 coin_interval: float = DEFAULT_COIN_INTERVAL, escrow_timeout: float = DEFAULT_ESCROW_TIMEOUT,
                 seed: int = 1, baudrate: int = DEFAULT_BAUDRATE, check_baud: bool = False) -> None:
        self.link = link if link is not None else DEFAULT_LINK
        # The bus's speed: with `check_baud` a host at another speed gets its echo and no answer, and a
        # peripheral forgets a partial packet after a silent gap (Part 1, "Timing requirements"), so the
        # noise a wrong-speed host made does not hold its receiver.
        self.baudrate = baudrate
        self.check_baud = check_baud
        self._last_byte_at = 0.0
        self.echo = echo
        self.checksum: ChecksumMode = checksum
        self.coin_interval = coin_interval
        self.escrow_timeout = escrow_timeout
        self.coin = CoinAcceptorSim(coin_channels or {1: 10, 2: 50, 3: 100, 4: 500})
        self.bill = BillValidatorSim(bill_channels or {1: 1000, 2: 5000, 3: 10000, 4: 50000})
        self.hopper = HopperSim(coin_value=hopper_coin, count=hopper_count)
        self.silent_on = False
        self.brown_out_on = False
        self.replugs = 0  # how many times the adapter dropped off the bus and came back (brown_out)
        self.requests = 0
        # hopper_balk: the hopper answers `reply` to its next `times` requests (of `header`, if set)
        # once its lifetime count reaches `from_coin`.
        self._balk: dict[str, Any] | None = None
        # hopper_quiet: the hopper does what its next `times` requests ask (from the next one of
        # `header`, if set) but none of their answers reaches the host.
        self._quiet: dict[str, int] | None = None
        self.power_cycles = 0
        self.collections = 0  # how many times a technician emptied the cash box and stacker
        self._noise = bytearray()
        self._rng = random.Random(seed)
        self._decoder = FrameDecoder(checksum, BUS_ADDRESSES)
        self._master: int | None = None
        self._slave: int | None = None
        self._ticker: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> str:
        self._plug_in()
        self._ticker = asyncio.create_task(self._tick(), name="cctalk-sim-tick")
        return str(self.link)

    def _plug_in(self) -> None:
        """A fresh PTY behind the stable link, as a USB-serial adapter enumerates anew."""
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self.link.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.link.unlink()
        self.link.symlink_to(os.ttyname(slave))
        asyncio.get_running_loop().add_reader(master, self._readable)

    def _pull_out(self) -> None:
        if self._master is not None:
            asyncio.get_running_loop().remove_reader(self._master)
            os.close(self._master)
            self._master = None
        if self._slave is not None:
            os.close(self._slave)
            self._slave = None

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        self._pull_out()
        with contextlib.suppress(FileNotFoundError):
            if self.link.is_symlink():
                self.link.unlink()

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {
            "insert_coin": self.insert_coin,
            "insert_foreign_coin": self.insert_foreign_coin,
            "insert_bill": self.insert_bill,
            "jam": self.jam,
            "clear_jam": self.clear_jam,
            "stacker_full": self.stacker_full,
            "stacker_removed": self.stacker_removed,
            "hopper_level": self.hopper_level,
            "hopper_empty": self.hopper_empty,
            "reset": self.reset,
            "power_cycle": self.power_cycle,
            "hopper_balk": self.hopper_balk,
            "hopper_quiet": self.hopper_quiet,
            "hopper_hold": self.hopper_hold,
            "hopper_swap": self.hopper_swap,
            "hopper_dispense_count": self.hopper_dispense_count,
            "insert_coin_in_flight": self.insert_coin_in_flight,
            "noise": self.noise,
            "silent": self.silent,
            "brown_out": self.brown_out,
            "state": self.state,
            "empty_cash_box": self.empty_cash_box,
            "take_from_box": self.take_from_box,
        }

    # ------------------------------------------------------------------ controls

    def insert_coin(self, value: int) -> str:
        """A resident drops a genuine coin of `value` won; returns accepted/inhibited/rejected/jammed."""
        return self.coin.insert(value)

    def insert_coin_in_flight(self, value: int) -> str:
        """A coin already past the validator when the acceptor was inhibited: credited anyway.

        It drops just as the resident presses cancel; real acceptors credit such a coin."""
        master, enabled = self.coin.master, self.coin.enabled
        channel = next((ch for ch, won in self.coin.channels.items() if won == value), None)
        self.coin.master, self.coin.enabled = True, frozenset({channel} if channel else ())
        try:
            return self.coin.insert(value)
        finally:
            self.coin.master, self.coin.enabled = master, enabled

    def insert_foreign_coin(self, kind: str = "fraud") -> None:
        """A foreign coin: "fraud" (a slug like a 1-peso taken as 100 won) or "unknown" (not recognised)."""
        if kind not in ("fraud", "unknown"):
            raise ValueError("kind is 'fraud' or 'unknown'")
        self.coin.insert_foreign(kind)

    def insert_bill(self, value: int) -> str:
        """A resident feeds a bill of `value` won; returns escrow/inhibited/invalid/refused."""
        return self.bill.insert(value, self._now(), self.escrow_timeout)

    def jam(self, device: str) -> None:
        """Jam "coin", "bill" or "hopper" (a hopper jam stops a payout in progress)."""
        self._part(device).jam()

    def clear_jam(self, device: str) -> None:
        """Clear a jam on "coin", "bill" or "hopper"."""
        self._part(device).jammed = False

    def stacker_full(self, on: bool) -> None:
        """The bill stacker is full (on) or has room again (off).

        While it is full (or pulled out) a bill comes back at the bezel and the validator reports the
        stacker event again."""
        self.bill.set_stacker_full(on)

    def stacker_removed(self, on: bool) -> None:
        """The bill stacker was pulled out (on) or put back, emptied (off)."""
        self.bill.set_stacker_removed(on)

    @bounded(count=(0, MAX_HOPPER_COINS))
    def hopper_level(self, count: int) -> None:
        """Set how many coins the hopper holds (an operator refill).

        The kiosk learns of a refill only from its journal (`kiosk refill-hopper --coins N`)."""
        if count < 0:
            raise ValueError("count must be >= 0")
        self.hopper.count = count

    def empty_cash_box(self) -> dict[str, Any]:
        """A technician empties the coin cash box and the bill stacker: what was in them comes out.

        The kiosk learns of it from the technician (its cash page: `collect_cash`), never from the
        devices, which cannot count what they hold."""
        taken = {"coins": list(self.coin.cashbox), "bills": list(self.bill.stacker)}
        self.coin.cashbox.clear()
        self.bill.stacker.clear()
        self.collections += 1
        return {**taken, "won": sum(taken["coins"]) + sum(taken["bills"])}

    def take_from_box(self, coins: list[int] | None = None, bills: list[int] | None = None) -> dict[str, Any]:
        """A technician takes these coins and bills back out of the box (a count-only test's float)."""
        for value, box in [(v, self.coin.cashbox) for v in coins or []] + [(v, self.bill.stacker) for v in bills or []]:
            if int(value) not in box:
                raise ValueError(f"no {value} won piece in the box")
            box.remove(int(value))
        return self.state()

    def hopper_empty(self) -> None:
        """The hopper runs dry."""
        self.hopper.count = 0

    def reset(self, device: str) -> None:
        """Power-cycle "coin", "bill" or "hopper": event counter back to 0, all inhibited / disabled."""
        self._part(device).reset()

    def power_cycle(self, device: str = "") -> dict[str, Any]:
        """Power off and on: every part (or just `device`) comes back as from power-up.

        The coin acceptor and bill validator forget their event buffers and inhibits (a bill in
        escrow comes back out); the hopper stops mid-payout and forgets its counters and last payout,
        keeping only its coins and its non-volatile dispense count (header 168). Faults injected on
        the wire (noise, silence, a balking hopper) end with the power."""
        parts: list[CoinAcceptorSim | BillValidatorSim | HopperSim] = (
            [self._part(device)] if device else [self.coin, self.bill, self.hopper])
        for part in parts:
            part.power_cycle()
        if not device:
            self._noise.clear()
            self.silent_on = False
            self._balk = None
            self._quiet = None
        self.power_cycles += 1
        return self.state()

    def hopper_balk(self, reply: str = "busy", times: int = 3, after_coins: int = 0, header: int = 0) -> None:
        """After `after_coins` more coins, the hopper answers `times` requests "busy" or "nak".

        Only requests with `header`, when it is not 0. A payout in progress goes on: coins still
        fall while the hopper balks."""
        if reply not in ("busy", "nak"):
            raise ValueError("reply is 'busy' or 'nak'")
        if times < 1 or after_coins < 0:
            raise ValueError("times >= 1 and after_coins >= 0")
        self._balk = {"reply": BUSY if reply == "busy" else NAK, "times": times,
                      "from_coin": self.hopper.paid_total + after_coins, "header": header}

    @bounded(times=(1, 100))
    def hopper_quiet(self, times: int, header: int = 0) -> None:
        """The hopper's next `times` answers are lost, from the next request with `header` on (any
        request when 0): it still does what each one asks (a dispense pays), but the host hears nothing,
        as when the motor starting sags a weak supply. Each of the bus's own tries counts as one."""
        if times < 1:
            raise ValueError("times >= 1")
        self._quiet = {"times": int(times), "header": int(header), "started": 0}

    def hopper_hold(self, on: bool, after_coins: int = 0) -> None:
        """The hopper's motor stalls after `after_coins` more coins (on), or runs again (off).

        A coin stuck at the exit: a payout waits meanwhile, neither finished nor failed."""
        if after_coins < 0:
            raise ValueError("after_coins >= 0")
        self.hopper.held = False
        self.hopper.hold_at = self.hopper.paid_total + after_coins if on else None

    def hopper_dispense_count(self, on: bool) -> None:
        """Whether this hopper model keeps a non-volatile dispense count (header 168) or answers NAK."""
        self.hopper.counts_dispensed = on

    def hopper_swap(self) -> None:
        """A technician swaps the hopper for another: new serial number and dispense count, same coins.

        The new one comes up as from power-up and knows nothing of payouts the old one made."""
        self.hopper.serial = (self.hopper.serial + 1) % (1 << 24)
        self.hopper.count_offset += 100_000
        self.hopper.power_cycle()

    @bounded(count=(0, MAX_NOISE_BYTES))
    def noise(self, count: int) -> None:
        """Put `count` garbage bytes on the bus, right before the next answer."""
        self._noise += bytes(self._rng.randrange(256) for _ in range(count))

    def silent(self, on: bool) -> None:
        """Every peripheral stops answering (on) or answers again (off); the wire still echoes."""
        self.silent_on = on

    def brown_out(self, on: bool) -> None:
        """Each time the host speaks, the USB-serial adapter drops off the bus and comes straight back.

        A weak supply sags as the bus wakes: the host's open port dies with the adapter, and the same
        path leads to a new PTY, so the port opens again every time."""
        self.brown_out_on = on

    def state(self) -> dict[str, Any]:
        """Everything a test needs to check the money: counters, coins paid out, bills stacked/returned."""
        return {
            "coin": {"counter": self.coin.buffer.counter, "enabled": sorted(self.coin.enabled),
                     "master": self.coin.master, "jammed": self.coin.jammed,
                     "accepted": list(self.coin.accepted), "cashbox": list(self.coin.cashbox)},
            "bill": {"counter": self.bill.buffer.counter, "enabled": sorted(self.bill.enabled),
                     "master": self.bill.master, "jammed": self.bill.jammed,
                     "escrow": self.bill.channels.get(self.bill.escrow) if self.bill.escrow else None,
                     "stacked": list(self.bill.stacked), "returned": list(self.bill.returned),
                     "stacker": list(self.bill.stacker),
                     "stacker_full": self.bill.stacker_full, "stacker_removed": self.bill.stacker_removed},
            "hopper": {"counter": self.hopper.event_counter, "enabled": self.hopper.enabled,
                       "count": self.hopper.count, "jammed": self.hopper.jammed,
                       "paying": self.hopper.paying, "coins_paid_out": self.hopper.paid_total,
                       "remaining": self.hopper.remaining,
                       "held": self.hopper.held or self.hopper.hold_at == self.hopper.paid_total,
                       # The host has read the status twice since the last coin: it has seen that coin.
                       "host_saw_last_coin": self.hopper.status_reads_since_coin >= 2,
                       "won_paid_out": self.hopper.paid_total * self.hopper.coin_value},
            "silent": self.silent_on,
            "brown_out": self.brown_out_on,
            "replugs": self.replugs,
            "requests": self.requests,
            "power_cycles": self.power_cycles,
            "box_won": sum(self.coin.cashbox) + sum(self.bill.stacker),
            "collections": self.collections,
        }

    # ------------------------------------------------------------------ the wire

    def _part(self, device: str) -> CoinAcceptorSim | BillValidatorSim | HopperSim:
        if device == "coin":
            return self.coin
        if device == "bill":
            return self.bill
        if device == "hopper":
            return self.hopper
        raise ValueError(f"device is one of {', '.join(DEVICES)}, not {device!r}")

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _readable(self) -> None:
        assert self._master is not None
        try:
            chunk = os.read(self._master, 4096)
        except BlockingIOError:
            return
        except OSError:  # EIO: nobody holds the slave end right now
            return
        if not chunk:
            return
        if self.brown_out_on:
            self._pull_out()
            self._plug_in()
            self.replugs += 1
            return
        if self.echo:
            self._write(chunk)
        if not heard_at(self._master, self.baudrate, check=self.check_baud):
            return  # garbage to a UART at another speed
        if self.check_baud:
            now = asyncio.get_running_loop().time()
            if now - self._last_byte_at > INTER_BYTE_GAP:
                self._decoder.reset()
            self._last_byte_at = now
        for frame in self._decoder.feed(chunk):
            self._serve(frame)

    def _serve(self, frame: Frame) -> None:
        if frame.src is not None and frame.src != HOST_ADDRESS:
            return
        self.requests += 1
        if self._noise:
            self._write(bytes(self._noise))
            self._noise.clear()
        if self.silent_on:
            return
        reply: Reply
        if frame.dest == COIN_ACCEPTOR_ADDRESS:
            reply = self.coin.handle(frame.header, frame.data)
        elif frame.dest == BILL_VALIDATOR_ADDRESS:
            reply = self.bill.handle(frame.header, frame.data, self._now(), self.escrow_timeout)
        elif frame.dest == HOPPER_ADDRESS:
            reply = self._balked(frame.header) or self.hopper.handle(frame.header, frame.data)
            if self._quieted(frame.header):
                return
        else:
            return
        if reply is None:
            return
        header = Header.NAK if reply == NAK else Header.BUSY if reply == BUSY else Header.ACK
        data = reply if isinstance(reply, bytes) else b""
        answer = Frame(dest=HOST_ADDRESS, src=frame.dest, header=header, data=data)
        self._write(answer.to_bytes(self.checksum))

    def _balked(self, header: int) -> str | None:
        """The answer a balking hopper gives instead of doing the request, if it balks now."""
        balk = self._balk
        if balk is None or self.hopper.paid_total < balk["from_coin"] or balk["header"] not in (0, header):
            return None
        balk["times"] -= 1
        if balk["times"] <= 0:
            self._balk = None
        return str(balk["reply"])

    def _quieted(self, header: int) -> bool:
        """Whether the hopper's answer to this request (already acted on) is lost (hopper_quiet)."""
        quiet = self._quiet
        if quiet is None or not (quiet["started"] or quiet["header"] in (0, header)):
            return False
        quiet["started"] = 1
        quiet["times"] -= 1
        if quiet["times"] <= 0:
            self._quiet = None
        return True

    def _write(self, data: bytes) -> None:
        if self._master is None:
            return
        try:
            os.write(self._master, data)
        except OSError as exc:  # the host is not reading; a real bus would lose these bytes too
            log.debug("dropped %d bytes: %s", len(data), exc)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.coin_interval)
            self.hopper.pay_one()
            self.bill.expire(self._now())

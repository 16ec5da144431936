"""The card in the reader: an `EmvTestCard` on the far end of pcscd's vpcd socket.

vsmartcard-vpcd (a pcscd reader driver) listens on TCP (35963 for "Virtual PCD 00 00"); a card
"inserts" itself by connecting and is "removed" by closing. Every message either way is a 2-byte
big-endian length and a payload. From the reader, a 1-byte payload is a control code (0x00 power off,
0x01 power on, 0x02 reset, 0x04 get ATR; only 0x04 is answered, with the ATR); anything longer is a
command APDU, answered with response data + SW1 SW2 (vsmartcard virtualsmartcard/src/vpcd/vpcd.c).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import struct
import time
from collections.abc import Callable, Mapping
from typing import Any

from simulators.smartcard.card import ATR, EmvTestCard
from simulators.smartcard.technician import TechnicianTestCard

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963  # vsmartcard-vpcd's first reader, "Virtual PCD 00 00"

VPCD_POWER_OFF = 0x00
VPCD_POWER_ON = 0x01
VPCD_RESET = 0x02
VPCD_GET_ATR = 0x04

PROFILES = ("approve", "decline", "remove_mid", "mute")
INS_GET_PROCESSING_OPTIONS = 0xA8


# pcscd asks a new vpcd card for its ATR within ~0.3 s (test-stacks.md); silence for 1.5 s means the
# connection was missed. Re-seat at most this many times before giving up (the card then stays silent).
RESEAT_AFTER_S = 1.5
RESEAT_LIMIT = 3

# pcscd looks at a vpcd reader every 400 ms (PCSCLITE_STATUS_POLL_RATE). A card pushed into a reader
# before pcscd's next look has seen the last one leave is, to pcscd, the same card still sitting
# there: no removal, no insertion, and the new card is never powered up. No hand swaps cards that fast,
# so neither does the simulator: it keeps a card out of a reader at least this long (real time: the
# daemon's cadence, not an outcome of the scenario), per port, whichever simulator pulled the last one.
REINSERT_GAP_S = 0.8
_last_removed: dict[int, float] = {}  # port -> time.monotonic() of the last removal from that reader

class SmartcardSimulator:
    """A payment card that pcscd sees in its vpcd reader; profiles make it decline, vanish or go mute.
    `technician_card` swaps in a technician card (simulators/smartcard/technician.py)."""

    name = "smartcard"

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, profile: str = "approve", *,
                 insert_on_start: bool = True, card: EmvTestCard | TechnicianTestCard | None = None,
                 reinsert_gap: float = REINSERT_GAP_S) -> None:
        self.host = host
        self.port = port
        self.reinsert_gap = reinsert_gap
        self.card: EmvTestCard | TechnicianTestCard = card or EmvTestCard()
        self._payment_card = self.card if isinstance(self.card, EmvTestCard) else EmvTestCard()
        # Technician cards by id: the same card comes back with its PIN try counter as it was left.
        self.technician_cards: dict[str, TechnicianTestCard] = {}
        if isinstance(self.card, TechnicianTestCard):
            self.technician_cards[self.card.technician_id] = self.card
        self._profile = "approve"
        self._insert_on_start = insert_on_start
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None
        self._commands = 0
        self._unanswered = 0
        self._last_command: str | None = None
        self._removed_mid_transaction = False
        self.profile(profile)

    @property
    def endpoint(self) -> str:
        return f"vpcd://{self.host}:{self.port}"

    async def start(self) -> str:
        if self._insert_on_start:
            await self.insert()
        return self.endpoint

    async def stop(self) -> None:
        await self.remove()

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"insert": self.insert, "remove": self.remove, "profile": self.profile, "state": self.state,
                "technician_card": self.technician_card, "payment_card": self.payment_card}

    async def technician_card(self, id: str = "T0042", pin: str = "1234", insert: bool = True) -> dict[str, Any]:
        """Hold technician `id`'s card (made with `pin` the first time) instead of the payment card, and
        put it in the reader unless `insert` is false. A card in the reader is taken out first."""
        await self.remove()
        card = self.technician_cards.get(id)
        if card is None:
            card = self.technician_cards[id] = TechnicianTestCard(id, pin)
        self.card = card
        return await self.insert() if insert else self.state()

    async def payment_card(self, insert: bool = False) -> dict[str, Any]:
        """Hold the payment card again (taking any card out of the reader first)."""
        await self.remove()
        self.card = self._payment_card
        self.profile(self._profile)
        return await self.insert() if insert else self.state()

    async def insert(self) -> dict[str, Any]:
        """Put the card in the reader (connect to the vpcd port)."""
        if self._writer is not None:
            return self.state()
        out_for = time.monotonic() - _last_removed.get(self.port, -math.inf)
        if out_for < self.reinsert_gap:
            await asyncio.sleep(self.reinsert_gap - out_for)
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        except OSError as exc:
            raise ConnectionError(f"no vpcd reader at {self.endpoint}: is pcscd with vsmartcard-vpcd "
                                  f"running? ({exc})") from exc
        self.card.power_off()
        self._removed_mid_transaction = False
        self._writer = writer
        self._task = asyncio.create_task(self._serve(reader, writer), name="smartcard-vpcd")
        return self.state()

    async def remove(self) -> dict[str, Any]:
        """Take the card out (close the vpcd socket)."""
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._close()
        return self.state()

    def profile(self, name: str) -> dict[str, Any]:
        """approve | decline (AAC) | remove_mid (pulled right after GPO) | mute (stops answering APDUs)."""
        if name not in PROFILES:
            raise ValueError(f"unknown profile {name!r}; one of {', '.join(PROFILES)}")
        self._profile = name
        self._payment_card.declines = name == "decline"
        return self.state()

    def state(self) -> dict[str, Any]:
        """What the card is doing (no card data)."""
        return {
            "endpoint": self.endpoint,
            "inserted": self._writer is not None,
            "powered": self.card.powered,
            "profile": self._profile,
            "kind": "technician" if isinstance(self.card, TechnicianTestCard) else "payment",
            "tries_left": self.card.tries_left if isinstance(self.card, TechnicianTestCard) else None,
            "card_state": self.card.state.value,
            "atc": self.card.atc,
            "commands": self._commands,
            "unanswered": self._unanswered,
            "last_command": self._last_command,
            "removed_mid_transaction": self._removed_mid_transaction,
        }

    async def _close(self) -> None:
        writer, self._writer = self._writer, None
        self.card.power_off()
        if writer is not None:
            _last_removed[self.port] = time.monotonic()
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _send(self, writer: asyncio.StreamWriter, payload: bytes) -> None:
        writer.write(struct.pack(">H", len(payload)) + payload)
        await writer.drain()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, reseats: int = 0) -> None:
        reseat = False
        try:
            first = True
            while True:
                if first and reseats < RESEAT_LIMIT:
                    try:
                        header = await asyncio.wait_for(reader.readexactly(2), RESEAT_AFTER_S)
                    except TimeoutError:
                        # pcscd's vpcd driver sometimes misses a connection made right after the last
                        # one closed; a person would pull the card and push it in again, and so do we.
                        log.info("pcscd did not notice the card; re-seating it")
                        reseat = True
                        break
                else:
                    header = await reader.readexactly(2)
                first = False
                (length,) = struct.unpack(">H", header)
                payload = await reader.readexactly(length)
                if length == 1:
                    await self._control(writer, payload[0])
                elif length >= 4 and not await self._apdu(writer, payload):
                    self._removed_mid_transaction = True
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            log.info("vpcd closed the connection (pcscd stopped?)")
        finally:
            # The task stays in self._task until it ends, so that remove() (and stop()) can always
            # cancel and await it: a task dropped here would be left pending when the loop closes.
            if self._writer is writer:
                await self._close()
        if self._task is not asyncio.current_task():
            return
        if not reseat:
            self._task = None
            return
        await asyncio.sleep(RESEAT_AFTER_S / 3)
        new_reader, new_writer = await asyncio.open_connection(self.host, self.port)
        self._writer = new_writer
        self._task = asyncio.create_task(self._serve(new_reader, new_writer, reseats + 1), name="smartcard-vpcd")

    async def _control(self, writer: asyncio.StreamWriter, code: int) -> None:
        if code == VPCD_GET_ATR:
            await self._send(writer, self.card.atr if isinstance(self.card, TechnicianTestCard) else ATR)
        elif code == VPCD_POWER_ON:
            self.card.power_on()
        elif code == VPCD_POWER_OFF:
            self.card.power_off()
        elif code == VPCD_RESET:
            self.card.reset()

    async def _apdu(self, writer: asyncio.StreamWriter, command: bytes) -> bool:
        """Answer one APDU; False when the card leaves the reader right after answering."""
        self._commands += 1
        self._last_command = command[:4].hex().upper()
        if self._profile == "mute" and self.card is self._payment_card:
            self._unanswered += 1
            return True
        response = self.card.process(command)
        await self._send(writer, response)
        pulled = (self._profile == "remove_mid" and isinstance(self.card, EmvTestCard)
                  and command[1] == INS_GET_PROCESSING_OPTIONS and response[-2:] == b"\x90\x00")
        return not pulled

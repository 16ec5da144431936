"""A technician card: the project's technician applet (drivers/card/technician.py has the AID and the
APDUs), holding a technician id and a PIN the card checks itself.

Like a real card it keeps its PIN try counter across insertions (a card's counter lives in its
EEPROM): three wrong PINs in a row block it for good ('6983'); a right one resets the counter.
The PIN block is decoded with the driver's codec (one definition of the bytes on the wire).
"""

from __future__ import annotations

import enum
import hmac

from drivers.card.apdu import CommandApdu, ResponseApdu
from drivers.card.errors import ApduError
from drivers.card.technician import (
    INS_GET_DATA,
    INS_VERIFY,
    P2_PLAINTEXT_PIN,
    SW_AUTH_BLOCKED,
    SW_WRONG_DATA,
    TAG_TECHNICIAN_ID,
    TECHNICIAN_AID,
    pin_from_block,
)
from drivers.card.tlv import Tlv

# ISO/IEC 7816-3 ATR, direct convention, T=0: TS '3B', T0 '68' (TB1, TC1, 8 historical bytes).
ATR = bytes.fromhex("3B680000") + b"KIOSKTEC"
PIN_TRY_LIMIT = 3


class TechnicianState(enum.Enum):
    IDLE = "idle"
    SELECTED = "selected"
    VERIFIED = "verified"


class TechnicianTestCard:
    """One technician card: `technician_id`, and a PIN it never tells."""

    atr = ATR

    def __init__(self, technician_id: str = "T0042", pin: str = "1234") -> None:
        self.technician_id = technician_id
        self._pin = pin.encode("ascii")
        self.tries_left = PIN_TRY_LIMIT
        self.state = TechnicianState.IDLE
        self.powered = False
        self.declines = False  # the payment profiles' switch: means nothing to this card
        self.atc = 0

    @property
    def blocked(self) -> bool:
        return self.tries_left == 0

    def power_on(self) -> None:
        self.powered = True
        self.state = TechnicianState.IDLE

    def power_off(self) -> None:
        self.powered = False
        self.state = TechnicianState.IDLE

    def reset(self) -> None:
        self.power_on()

    def process(self, raw: bytes) -> bytes:
        try:
            command = CommandApdu.from_bytes(raw)
        except ApduError:
            return ResponseApdu.status(0x6700).to_bytes()
        if command.cla != 0x00:
            return ResponseApdu.status(0x6E00).to_bytes()
        if command.ins == 0xA4:
            return self._select(command).to_bytes()
        if self.state is TechnicianState.IDLE:
            return ResponseApdu.status(0x6985).to_bytes()  # conditions of use not satisfied: nothing selected
        if command.ins == INS_GET_DATA:
            return self._get_data(command).to_bytes()
        if command.ins == INS_VERIFY:
            return self._verify(command).to_bytes()
        return ResponseApdu.status(0x6D00).to_bytes()

    def _select(self, command: CommandApdu) -> ResponseApdu:
        if command.p1 != 0x04 or command.p2 != 0x00:
            return ResponseApdu.status(0x6A86)
        if command.data != TECHNICIAN_AID:
            self.state = TechnicianState.IDLE
            return ResponseApdu.status(0x6A82)
        self.state = TechnicianState.SELECTED
        fci = Tlv.build(0x6F, Tlv(0x84, TECHNICIAN_AID), Tlv.build(0xA5, Tlv(0x50, b"KIOSK TECHNICIAN")))
        return ResponseApdu(fci.to_bytes(), 0x90, 0x00)

    def _get_data(self, command: CommandApdu) -> ResponseApdu:
        if (command.p1 << 8) | command.p2 != TAG_TECHNICIAN_ID:
            return ResponseApdu.status(0x6A88)  # referenced data not found
        return ResponseApdu(Tlv(TAG_TECHNICIAN_ID, self.technician_id.encode("ascii")).to_bytes(), 0x90, 0x00)

    def _verify(self, command: CommandApdu) -> ResponseApdu:
        if command.p1 != 0x00 or command.p2 != P2_PLAINTEXT_PIN:
            return ResponseApdu.status(0x6A86)
        if self.blocked:
            return ResponseApdu.status(SW_AUTH_BLOCKED)
        if not command.data:  # how things stand, no PIN tried
            if self.state is TechnicianState.VERIFIED:
                return ResponseApdu.status(0x9000)
            return ResponseApdu.status(0x63C0 | self.tries_left)
        try:
            typed = pin_from_block(command.data)
        except ApduError:
            return ResponseApdu.status(SW_WRONG_DATA)
        if hmac.compare_digest(bytes(typed), self._pin):
            self.tries_left = PIN_TRY_LIMIT
            self.state = TechnicianState.VERIFIED
            return ResponseApdu.status(0x9000)
        self.tries_left -= 1
        self.state = TechnicianState.SELECTED
        return ResponseApdu.status(0x63C0 | self.tries_left)

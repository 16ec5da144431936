"""The technician card: its applet's APDUs, the PIN block, and what the card's answers mean.

A technician card is a contact smart card holding one applet of this project, selected by a
proprietary AID. After SELECT, GET DATA reads the technician's id; VERIFY checks the PIN on the card
itself (the booth never holds a PIN to compare with), counting wrong tries and blocking after three.

- AID ``F0 4B 49 4F 53 4B 01``: category 'F' (ISO/IEC 7816-5 §5.2: a proprietary AID, not
  registered, 5 to 16 bytes), then "KIOSK" in ASCII and the applet's version (01). A payment card
  answers its SELECT with '6A82' (file not found): that is how the booth tells the two apart.
- GET DATA ``00 CA DF 01 00`` (ISO/IEC 7816-4:2013 §11.4.3, P1-P2 the tag of the data object): the
  card answers the whole data object ``DF 01 len id`` (private-class tag 'DF01', as EMV Book 3
  §6.5.7 answers GET DATA with tag, length and value), the id in printable ASCII, 1 to 16 characters.
- VERIFY ``00 20 00 80 08 <PIN block>`` (ISO/IEC 7816-4:2013 §11.5.6; EMV 4.3 Book 3 §6.5.12: P2
  '80' is the plaintext PIN), the PIN in an ISO 9564-1 format-2 PIN block (8 bytes: control nibble
  2, the PIN length 4..12, the digits, 'F' filler). Answers: '9000' right; '63Cx' wrong, x tries left
  (ISO/IEC 7816-4 Table 6); '6983' authentication method blocked (EMV 4.3 Book 3 §6.5.12.4).
  VERIFY with no data (case 1) asks the card how things stand without trying a PIN: '63Cx' tries
  left, '6983' blocked, '9000' already verified in this session (ISO/IEC 7816-4 §11.5.6).

Pure: builders and parsers only; `read_technician` and `verify_pin` run them over a transmit
function, as `drivers.card.emv.run_payment` does. Nothing here logs a PIN or a PIN block.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from drivers.card.apdu import CLA_ISO, SW_FILE_NOT_FOUND, SW_OK, CommandApdu, ResponseApdu, select
from drivers.card.errors import ApduError, CardProtocolError, CardStatusError, TlvError
from drivers.card.tlv import parse

TECHNICIAN_AID = bytes.fromhex("F04B494F534B01")
INS_VERIFY = 0x20
INS_GET_DATA = 0xCA
P2_PLAINTEXT_PIN = 0x80  # EMV 4.3 Book 3 §6.5.12.2: plaintext PIN, format as in §6.5.12.3
TAG_TECHNICIAN_ID = 0xDF01
SW1_COUNTER = 0x63  # '63Cx': verification failed, x further tries allowed
SW_AUTH_BLOCKED = 0x6983
SW_REFERENCE_INVALIDATED = 0x6984
SW_WRONG_DATA = 0x6A80  # incorrect parameters in the command data field (a malformed PIN block)
MIN_PIN, MAX_PIN = 4, 12  # ISO 9564-1 format 2: N is 4..C (12)
PIN_BLOCK_LENGTH = 8
MAX_ID_LENGTH = 16
_ID = re.compile(r"[\x21-\x7e]{1,16}")  # printable ASCII, no spaces

Transmit = Callable[[bytes], Awaitable[bytes]]


@dataclass(frozen=True)
class PinStatus:
    """What the card said to a VERIFY: right, or the tries left, or blocked."""

    verified: bool
    tries_left: int | None = None  # None when the card did not say (verified, or blocked)
    blocked: bool = False


@dataclass(frozen=True)
class TechnicianCardInfo:
    """A technician card, read: its id and how many PIN tries it still allows."""

    technician_id: str
    tries_left: int | None
    blocked: bool


# -- PIN block (ISO 9564-1 format 2) --------------------------------------------------------------

def pin_block(pin: bytes | bytearray) -> bytearray:
    """The 8-byte format-2 PIN block of `pin` (ASCII digits). A bytearray, so the caller can wipe it."""
    if not MIN_PIN <= len(pin) <= MAX_PIN or not all(0x30 <= b <= 0x39 for b in pin):
        raise ValueError(f"a PIN is {MIN_PIN} to {MAX_PIN} digits")
    nibbles = [0x2, len(pin), *(b - 0x30 for b in pin)]
    nibbles += [0xF] * (2 * PIN_BLOCK_LENGTH - len(nibbles))
    block = bytearray(PIN_BLOCK_LENGTH)
    for i in range(PIN_BLOCK_LENGTH):
        block[i] = (nibbles[2 * i] << 4) | nibbles[2 * i + 1]
    nibbles.clear()
    return block


def pin_from_block(block: bytes | bytearray) -> bytearray:
    """The PIN digits (ASCII) of a format-2 PIN block; `ApduError` when it is not one (the card's side)."""
    if len(block) != PIN_BLOCK_LENGTH:
        raise ApduError(f"a PIN block is {PIN_BLOCK_LENGTH} bytes, got {len(block)}")
    nibbles = [n for b in block for n in (b >> 4, b & 0x0F)]
    control, length = nibbles[0], nibbles[1]
    if control != 0x2 or not MIN_PIN <= length <= MAX_PIN:
        raise ApduError("not an ISO 9564 format-2 PIN block")
    digits, filler = nibbles[2:2 + length], nibbles[2 + length:]
    if any(d > 9 for d in digits) or any(f != 0xF for f in filler):
        raise ApduError("not an ISO 9564 format-2 PIN block")
    return bytearray(0x30 + d for d in digits)


# -- commands ----------------------------------------------------------------------------------------

def select_technician() -> CommandApdu:
    return select(TECHNICIAN_AID)


def get_technician_id() -> CommandApdu:
    """GET DATA of the technician id ('DF01')."""
    return CommandApdu(CLA_ISO, INS_GET_DATA, TAG_TECHNICIAN_ID >> 8, TAG_TECHNICIAN_ID & 0xFF, le=256)


def verify_pin(pin: bytes | bytearray) -> CommandApdu:
    """VERIFY of a plaintext PIN (P2 '80'), in its format-2 block."""
    block = pin_block(pin)
    try:
        return CommandApdu(CLA_ISO, INS_VERIFY, 0x00, P2_PLAINTEXT_PIN, bytes(block))
    finally:
        block[:] = bytes(len(block))


def pin_status() -> CommandApdu:
    """VERIFY with no data: the tries left, without trying a PIN."""
    return CommandApdu(CLA_ISO, INS_VERIFY, 0x00, P2_PLAINTEXT_PIN)


# -- answers -----------------------------------------------------------------------------------------

def parse_verify_response(raw: bytes) -> PinStatus:
    """The card's answer to VERIFY: `PinStatus`, or `CardStatusError` for any other status word, or
    `ApduError` for bytes that are no response (VERIFY answers carry no data)."""
    response = ResponseApdu.from_bytes(raw)
    if response.data:
        raise ApduError(f"VERIFY answers no data, got {len(response.data)} bytes")
    if response.sw == SW_OK:
        return PinStatus(verified=True)
    if response.sw in (SW_AUTH_BLOCKED, SW_REFERENCE_INVALIDATED):
        return PinStatus(verified=False, tries_left=0, blocked=True)
    if response.sw1 == SW1_COUNTER and response.sw2 & 0xF0 == 0xC0:
        tries = response.sw2 & 0x0F
        return PinStatus(verified=False, tries_left=tries, blocked=tries == 0)
    raise CardStatusError("VERIFY", response.sw)


def parse_technician_id(raw: bytes) -> str:
    """The technician id from the card's answer to GET DATA 'DF01'."""
    response = ResponseApdu.from_bytes(raw)
    if not response.ok:
        raise CardStatusError("GET DATA", response.sw)
    try:
        objects = parse(response.data)
    except TlvError as exc:
        raise CardProtocolError(f"GET DATA answered no data object: {exc}") from exc
    if len(objects) != 1 or objects[0].tag != TAG_TECHNICIAN_ID:
        raise CardProtocolError("GET DATA answered another data object than the technician id")
    try:
        text = objects[0].value.decode("ascii")
    except UnicodeDecodeError as exc:
        raise CardProtocolError("the technician id is not ASCII") from exc
    if not _ID.fullmatch(text):
        raise CardProtocolError("the technician id is not 1 to 16 printable characters")
    return text


# -- the flows ---------------------------------------------------------------------------------------

async def _select(transmit: Transmit) -> bool:
    """SELECT the technician applet: True when the card has it, False for a card without it."""
    response = ResponseApdu.from_bytes(await transmit(select_technician().to_bytes()))
    if response.ok:
        return True
    if response.sw in (SW_FILE_NOT_FOUND, 0x6D00, 0x6E00, 0x6A86):  # no such applet, or a card that knows no SELECT
        return False
    raise CardStatusError("SELECT", response.sw)


async def read_technician(transmit: Transmit) -> TechnicianCardInfo | None:
    """SELECT, GET DATA, VERIFY-status: the card's technician id and tries left, or None for a card
    that is no technician card (a payment card)."""
    if not await _select(transmit):
        return None
    technician_id = parse_technician_id(await transmit(get_technician_id().to_bytes()))
    status = parse_verify_response(await transmit(pin_status().to_bytes()))
    return TechnicianCardInfo(technician_id, status.tries_left, status.blocked)


async def check_pin(transmit: Transmit, pin: bytes | bytearray) -> PinStatus:
    """SELECT, then VERIFY `pin` on the card."""
    if not await _select(transmit):
        raise CardProtocolError("the card in the reader is no technician card")
    return parse_verify_response(await transmit(verify_pin(pin).to_bytes()))

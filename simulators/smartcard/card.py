"""A synthetic EMV contact payment card: the card's half of a kiosk fee payment.

It answers SELECT PPSE, SELECT AID, GET PROCESSING OPTIONS, READ RECORD and the first GENERATE AC
as EMV 4.3 Book 3 describes, with BER-TLV built by `drivers.card.tlv` (the one piece shared with the
driver: encoding rules, not behaviour). All card data is synthetic: the PAN is from Visa's published
test range and passes the Luhn check; the cryptogram is an HMAC under a test key, so a test playing
the issuer can verify it (`issuer_verify`).
"""

from __future__ import annotations

import enum
import hashlib
import hmac

from drivers.card import tlv
from drivers.card.apdu import CommandApdu, ResponseApdu
from drivers.card.errors import ApduError, TlvError
from drivers.card.tlv import Tlv

# EMV 4.3 Book 1 §8.3.2 basic ATR for T=0: TS '3B', T0 '6x' (TB1, TC1, x historical bytes),
# TB1 '00' (no VPP), TC1 '00' (no extra guard time); historical bytes are free ("KIOSKEMV").
ATR = bytes.fromhex("3B680000") + b"KIOSKEMV"

PPSE = b"2PAY.SYS.DDF01"
TEST_AID = bytes.fromhex("A0000000031010")
TEST_LABEL = b"KIOSK TEST CARD"
# Visa test-range PAN (Visa ADVT test cards), Luhn-valid; synthetic, never a real account.
TEST_PAN = "4761739001010010"
TEST_EXPIRY = "281231"  # YYMMDD
TEST_EFFECTIVE = "230101"
TEST_NAME = b"TEST/CARDHOLDER"
# A test-only key shared with the simulated issuer; real cards derive per-card keys from an issuer master key.
TEST_CARD_KEY = b"civil-kiosk simulated card key (test only)"

# PDOL: amount, terminal country, currency, date, type, unpredictable number (Book 3 Annex A tags).
PDOL = bytes.fromhex("9F0206" "9F1A02" "5F2A02" "9A03" "9C01" "9F3704")
# CDOL1 as common debit/credit cards define it: amount, other amount, country, TVR, currency,
# date, type, unpredictable number (29 bytes of data).
CDOL1 = bytes.fromhex("9F0206" "9F0306" "9F1A02" "9505" "5F2A02" "9A03" "9C01" "9F3704")
CDOL2 = bytes.fromhex("8A02") + CDOL1
# AIP: no offline data authentication, no cardholder verification (unattended kiosk, No CVM).
AIP = bytes.fromhex("0000")
# AFL: SFI 1, records 1 to 2, none used for offline data authentication (Book 3 §10.2).
AFL = bytes.fromhex("08010200")
IAD_CVN = bytes.fromhex("06010A03")  # Issuer Application Data: length, key index, CVN, CVR length

SW_OK = 0x9000


class CardState(enum.Enum):
    IDLE = "idle"
    PPSE_SELECTED = "ppse-selected"
    APP_SELECTED = "app-selected"
    OPTIONS_GIVEN = "options-given"
    CRYPTOGRAM_GIVEN = "cryptogram-given"


def _bcd_pan(pan: str) -> bytes:
    return bytes.fromhex(pan + "F" * (len(pan) % 2))


def _track2(pan: str, expiry_yymm: str) -> bytes:
    # Track 2 equivalent data (Book 3 Annex A '57'): PAN, 'D', YYMM, service code 201 (chip), discretionary.
    digits = f"{pan}D{expiry_yymm}201" + "0000000000"
    return bytes.fromhex(digits + "F" * (len(digits) % 2))


def dol_length(dol: bytes) -> int:
    return sum(length for _, length in tlv.parse_dol(dol))


def compute_ac(key: bytes, cdol_data: bytes, aip: bytes, atc: int, cid: int) -> bytes:
    """The simulated Application Cryptogram: 8 bytes of HMAC-SHA-256 over what the card signs."""
    message = cdol_data + aip + atc.to_bytes(2, "big") + bytes([cid])
    return hmac.new(key, message, hashlib.sha256).digest()[:8]


def issuer_verify(icc_data: bytes, key: bytes = TEST_CARD_KEY) -> bool:
    """What the issuer does with field 55: rebuild the CDOL1 data from its tags and check the AC."""
    values = tlv.primitives(tlv.parse(icc_data))
    try:
        cdol_data = b"".join(values[tag] for tag, _ in tlv.parse_dol(CDOL1))
        atc = int.from_bytes(values[0x9F36], "big")
        ac = compute_ac(key, cdol_data, values[0x82], atc, values[0x9F27][0])
    except (KeyError, IndexError):
        return False
    return hmac.compare_digest(ac, values.get(0x9F26, b""))


class EmvTestCard:
    """One card: answers command APDUs; `declines` makes it answer AAC to every GENERATE AC."""

    def __init__(self, *, pan: str = TEST_PAN, expiry: str = TEST_EXPIRY, key: bytes = TEST_CARD_KEY,
                 atc: int = 0x0010) -> None:
        self.pan = pan
        self.expiry = expiry
        self.key = key
        self.atc = atc
        self.declines = False
        self.state = CardState.IDLE
        self.powered = False

    def power_on(self) -> None:
        self.powered = True
        self.state = CardState.IDLE

    def power_off(self) -> None:
        self.powered = False
        self.state = CardState.IDLE

    def reset(self) -> None:
        self.power_on()

    # -- data ---------------------------------------------------------------------------------------

    def _records(self) -> dict[tuple[int, int], bytes]:
        record1 = Tlv.build(0x70, Tlv(0x57, _track2(self.pan, self.expiry[:4])), Tlv(0x5F20, TEST_NAME))
        record2 = Tlv.build(
            0x70,
            Tlv(0x5A, _bcd_pan(self.pan)),
            Tlv(0x5F24, bytes.fromhex(self.expiry)),
            Tlv(0x5F25, bytes.fromhex(TEST_EFFECTIVE)),
            Tlv(0x5F28, bytes.fromhex("0410")),  # issuer country: Korea
            Tlv(0x5F34, b"\x01"),  # PAN sequence number
            Tlv(0x8C, CDOL1),
            Tlv(0x8D, CDOL2),
            Tlv(0x9F07, bytes.fromhex("FF00")),  # application usage control: valid everywhere
        )
        return {(1, 1): record1.to_bytes(), (1, 2): record2.to_bytes()}

    def _ppse_fci(self) -> bytes:
        entry = Tlv.build(0x61, Tlv(0x4F, TEST_AID), Tlv(0x50, TEST_LABEL), Tlv(0x87, b"\x01"))
        return Tlv.build(0x6F, Tlv(0x84, PPSE), Tlv.build(0xA5, Tlv.build(0xBF0C, entry))).to_bytes()

    def _application_fci(self) -> bytes:
        return Tlv.build(
            0x6F,
            Tlv(0x84, TEST_AID),
            Tlv.build(0xA5, Tlv(0x50, TEST_LABEL), Tlv(0x87, b"\x01"), Tlv(0x9F38, PDOL),
                      Tlv(0x5F2D, b"koen")),
        ).to_bytes()

    # -- commands -----------------------------------------------------------------------------------

    def process(self, raw: bytes) -> bytes:
        """The response APDU (data + SW1 SW2) to one command APDU."""
        try:
            command = CommandApdu.from_bytes(raw)
        except ApduError:
            return ResponseApdu.status(0x6700).to_bytes()  # wrong length
        if command.cla not in (0x00, 0x80):
            return ResponseApdu.status(0x6E00).to_bytes()
        handler = {
            (0x00, 0xA4): self._select,
            (0x80, 0xA8): self._get_processing_options,
            (0x00, 0xB2): self._read_record,
            (0x80, 0xAE): self._generate_ac,
        }.get((command.cla, command.ins))
        if handler is None:
            return ResponseApdu.status(0x6D00).to_bytes()
        return handler(command).to_bytes()

    def _select(self, command: CommandApdu) -> ResponseApdu:
        if command.p1 != 0x04 or command.p2 not in (0x00, 0x02):
            return ResponseApdu.status(0x6A86)
        if command.data == PPSE and command.p2 == 0x00:
            self.state = CardState.PPSE_SELECTED
            return ResponseApdu(self._ppse_fci(), 0x90, 0x00)
        if len(command.data) >= 5 and TEST_AID.startswith(command.data) and command.p2 == 0x00:
            self.state = CardState.APP_SELECTED
            return ResponseApdu(self._application_fci(), 0x90, 0x00)
        self.state = CardState.IDLE
        return ResponseApdu.status(0x6A82)

    def _get_processing_options(self, command: CommandApdu) -> ResponseApdu:
        if self.state is not CardState.APP_SELECTED:
            return ResponseApdu.status(0x6985)
        try:
            objects = tlv.parse(command.data)
        except TlvError:
            return ResponseApdu.status(0x6700)
        if len(objects) != 1 or objects[0].tag != 0x83 or len(objects[0].value) != dol_length(PDOL):
            return ResponseApdu.status(0x6700)
        self.state = CardState.OPTIONS_GIVEN
        self.atc = (self.atc + 1) & 0xFFFF  # Book 3 Annex A '9F36': counted once per transaction
        return ResponseApdu(Tlv.build(0x77, Tlv(0x82, AIP), Tlv(0x94, AFL)).to_bytes(), 0x90, 0x00)

    def _read_record(self, command: CommandApdu) -> ResponseApdu:
        if self.state not in (CardState.OPTIONS_GIVEN, CardState.CRYPTOGRAM_GIVEN):
            return ResponseApdu.status(0x6985)
        if command.p2 & 0x07 != 0x04:
            return ResponseApdu.status(0x6A86)
        record = self._records().get((command.p2 >> 3, command.p1))
        if record is None:
            return ResponseApdu.status(0x6A83)
        return ResponseApdu(record, 0x90, 0x00)

    def _generate_ac(self, command: CommandApdu) -> ResponseApdu:
        if self.state is not CardState.OPTIONS_GIVEN:
            return ResponseApdu.status(0x6985)  # only the first GENERATE AC is simulated
        requested = command.p1 & 0xC0
        if requested == 0xC0:
            return ResponseApdu.status(0x6A86)
        if len(command.data) != dol_length(CDOL1):
            return ResponseApdu.status(0x6700)
        # Card risk management: this card always wants the issuer to see a payment (TC → ARQC),
        # and the decline profile refuses offline (AAC).
        cid = 0x00 if self.declines or requested == 0x00 else 0x80
        self.state = CardState.CRYPTOGRAM_GIVEN
        ac = compute_ac(self.key, command.data, AIP, self.atc, cid)
        cvr = bytes.fromhex("900000" if cid == 0x00 else "A00000")
        body = Tlv.build(0x77, Tlv(0x9F27, bytes([cid])), Tlv(0x9F36, self.atc.to_bytes(2, "big")),
                         Tlv(0x9F26, ac), Tlv(0x9F10, IAD_CVN + cvr))
        return ResponseApdu(body.to_bytes(), 0x90, 0x00)

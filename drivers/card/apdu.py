"""Command and response APDUs (ISO/IEC 7816-4:2013 §5.1) and the EMV commands a payment needs.

Pure: builders return `CommandApdu`, parsers take bytes and raise only `ApduError`. Short APDUs only
(EMV 4.3 Book 1 §9.4: EMV cards use short Lc/Le).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from drivers.card.errors import ApduError
from drivers.card.tlv import Tlv

# ISO/IEC 7816-4:2013 §5.1: with short length fields, Nc is 1..255 and Ne is 1..256 (Le '00' = 256).
MAX_SHORT_NC = 255
MAX_SHORT_NE = 256

# Status words (ISO/IEC 7816-4:2013 §5.1.3 Tables 5–6; EMV 4.3 Book 3 §6.3.5 / Book 1 §9.3.1.1).
SW_OK = 0x9000
SW1_MORE_DATA = 0x61  # '61xx': xx bytes are waiting; fetch them with GET RESPONSE (T=0)
SW1_WRONG_LE = 0x6C  # '6Cxx': wrong Le; reissue the command with Le = xx (T=0)
SW_SELECTED_FILE_INVALIDATED = 0x6283  # application blocked
SW_WRONG_LENGTH = 0x6700
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_FILE_NOT_FOUND = 0x6A82
SW_RECORD_NOT_FOUND = 0x6A83
SW_INCORRECT_P1P2 = 0x6A86
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00

CLA_ISO = 0x00
CLA_EMV = 0x80  # proprietary class for GPO and GENERATE AC (EMV 4.3 Book 3 §6.3.2)
INS_SELECT = 0xA4
INS_READ_RECORD = 0xB2
INS_GET_RESPONSE = 0xC0
INS_GET_PROCESSING_OPTIONS = 0xA8
INS_GENERATE_AC = 0xAE

COMMAND_NAMES = {
    INS_SELECT: "SELECT",
    INS_READ_RECORD: "READ RECORD",
    INS_GET_RESPONSE: "GET RESPONSE",
    INS_GET_PROCESSING_OPTIONS: "GET PROCESSING OPTIONS",
    INS_GENERATE_AC: "GENERATE AC",
}


class CryptogramType(enum.IntEnum):
    """GENERATE AC P1 b8–b7 and Cryptogram Information Data b8–b7 (EMV 4.3 Book 3 Tables 12 and 14)."""

    AAC = 0x00  # application authentication cryptogram: the card declines
    TC = 0x40  # transaction certificate: approved offline
    ARQC = 0x80  # authorisation request cryptogram: go online

    @classmethod
    def from_cid(cls, cid: int) -> CryptogramType:
        bits = cid & 0xC0
        if bits == 0xC0:
            raise ApduError(f"CID {cid:02X}: cryptogram type 11 is reserved for future use")
        return cls(bits)


@dataclass(frozen=True)
class CommandApdu:
    """CLA INS P1 P2 [Lc data] [Le]; `le` is Ne (1..256) or None for no response data expected."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            value = getattr(self, name)
            if not 0 <= value <= 0xFF:
                raise ApduError(f"{name} {value} is not a byte")
        if len(self.data) > MAX_SHORT_NC:
            raise ApduError(f"{len(self.data)} data bytes do not fit a short APDU")
        if self.le is not None and not 1 <= self.le <= MAX_SHORT_NE:
            raise ApduError(f"Le {self.le} is outside 1..256")

    @property
    def name(self) -> str:
        return COMMAND_NAMES.get(self.ins, f"INS {self.ins:02X}")

    def to_bytes(self) -> bytes:
        out = bytes([self.cla, self.ins, self.p1, self.p2])
        if self.data:
            out += bytes([len(self.data)]) + self.data
        if self.le is not None:
            out += bytes([self.le % 256])  # 256 is encoded as '00'
        return out

    def with_le(self, le: int) -> CommandApdu:
        return CommandApdu(self.cla, self.ins, self.p1, self.p2, self.data, le)

    @classmethod
    def from_bytes(cls, raw: bytes) -> CommandApdu:
        """Decode cases 1, 2S, 3S and 4S (ISO/IEC 7816-4:2013 §5.1, Table 3)."""
        raw = bytes(raw)
        if len(raw) < 4:
            raise ApduError(f"a command APDU has at least 4 bytes, got {len(raw)}")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:  # case 1
            return cls(cla, ins, p1, p2)
        if len(body) == 1:  # case 2S
            return cls(cla, ins, p1, p2, le=body[0] or 256)
        if body[0] == 0:
            raise ApduError("extended length APDUs are not supported")
        nc = body[0]
        if len(body) == 1 + nc:  # case 3S
            return cls(cla, ins, p1, p2, body[1:])
        if len(body) == 2 + nc:  # case 4S
            return cls(cla, ins, p1, p2, body[1:1 + nc], body[-1] or 256)
        raise ApduError(f"Lc {nc} does not match {len(body) - 1} following bytes")


@dataclass(frozen=True)
class ResponseApdu:
    """[data] SW1 SW2."""

    data: bytes
    sw1: int
    sw2: int

    @property
    def sw(self) -> int:
        return (self.sw1 << 8) | self.sw2

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK

    def to_bytes(self) -> bytes:
        return self.data + bytes([self.sw1, self.sw2])

    @classmethod
    def from_bytes(cls, raw: bytes) -> ResponseApdu:
        raw = bytes(raw)
        if len(raw) < 2:
            raise ApduError(f"a response APDU has at least SW1 SW2, got {len(raw)} bytes")
        return cls(raw[:-2], raw[-2], raw[-1])

    @classmethod
    def status(cls, sw: int, data: bytes = b"") -> ResponseApdu:
        return cls(data, sw >> 8, sw & 0xFF)


def select(aid: bytes, *, next_occurrence: bool = False) -> CommandApdu:
    """SELECT by DF name (EMV 4.3 Book 1 §11.3.2): P1 '04', P2 '00' first / '02' next occurrence."""
    if not 5 <= len(aid) <= 16:  # EMV 4.3 Book 1 §12.2.1: an AID is 5–16 bytes
        raise ApduError(f"an AID is 5 to 16 bytes, got {len(aid)}")
    return CommandApdu(CLA_ISO, INS_SELECT, 0x04, 0x02 if next_occurrence else 0x00, bytes(aid), 256)


def get_processing_options(pdol_data: bytes) -> CommandApdu:
    """GET PROCESSING OPTIONS (EMV 4.3 Book 3 §6.5.8): data is tag '83' wrapping the PDOL-related data."""
    data = Tlv(0x83, bytes(pdol_data)).to_bytes()
    return CommandApdu(CLA_EMV, INS_GET_PROCESSING_OPTIONS, 0x00, 0x00, data, 256)


def read_record(sfi: int, record: int) -> CommandApdu:
    """READ RECORD (EMV 4.3 Book 3 §6.5.11): P1 record number, P2 = SFI << 3 | '100' (P1 is a number)."""
    if not 1 <= sfi <= 30:
        raise ApduError(f"SFI {sfi} is outside 1..30")
    if not 1 <= record <= 0xFE:
        raise ApduError(f"record {record} is outside 1..254")
    return CommandApdu(CLA_ISO, INS_READ_RECORD, record, (sfi << 3) | 0x04, le=256)


def generate_ac(kind: CryptogramType, cdol_data: bytes, *, cda: bool = False) -> CommandApdu:
    """GENERATE AC (EMV 4.3 Book 3 §6.5.5): P1 b8–b7 cryptogram type, b5 CDA signature requested."""
    p1 = int(kind) | (0x10 if cda else 0)
    return CommandApdu(CLA_EMV, INS_GENERATE_AC, p1, 0x00, bytes(cdol_data), 256)


def get_response(length: int) -> CommandApdu:
    """GET RESPONSE (ISO/IEC 7816-4:2013 §11.4.1 / EMV 4.3 Book 1 §9.3.1.3) for a '61xx' answer."""
    return CommandApdu(CLA_ISO, INS_GET_RESPONSE, 0x00, 0x00, le=length or 256)

"""The EMV contact payment flow as pure steps over a transmit function.

Each step sends commands through ``transmit(apdu_bytes) -> response_bytes`` and parses the answer; no
step knows about PC/SC, threads or clocks, so the same code runs against pcscd, a card object in a
test, or a certified module's pass-through. The flow (EMV 4.3 Book 3 §10, Book 1 §12):

    SELECT PPSE → SELECT AID → GET PROCESSING OPTIONS → READ RECORD × AFL → GENERATE AC (ARQC)

The kiosk is an online-only unattended terminal with no PIN pad (Book 4 Annex A1 type '24'): it
performs no offline data authentication and always asks the card for an ARQC; the issuer decides.
Directory selection uses the PPSE (``2PAY.SYS.DDF01``); a card without one is tried with the
terminal's own AID list (Book 1 §12.3.3, "list of AIDs" method).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field

from drivers.card import apdu, tlv
from drivers.card.apdu import CommandApdu, CryptogramType, ResponseApdu
from drivers.card.errors import ApduError, CardDeclinedOffline, CardProtocolError, CardStatusError

Transmit = Callable[[bytes], Awaitable[bytes]]

PPSE = b"2PAY.SYS.DDF01"

# Tags (EMV 4.3 Book 3 Annex A, Book 1 §11.3.4 / §12.2.3).
TAG_FCI = 0x6F
TAG_DF_NAME = 0x84
TAG_FCI_PROPRIETARY = 0xA5
TAG_FCI_DISCRETIONARY = 0xBF0C
TAG_DIRECTORY_ENTRY = 0x61
TAG_AID = 0x4F
TAG_LABEL = 0x50
TAG_PRIORITY = 0x87
TAG_PDOL = 0x9F38
TAG_RESPONSE_FORMAT_1 = 0x80
TAG_RESPONSE_FORMAT_2 = 0x77
TAG_AIP = 0x82
TAG_AFL = 0x94
TAG_RECORD = 0x70
TAG_TRACK2 = 0x57
TAG_PAN = 0x5A
TAG_EXPIRY = 0x5F24
TAG_PAN_SEQUENCE = 0x5F34
TAG_CDOL1 = 0x8C
TAG_CID = 0x9F27
TAG_ATC = 0x9F36
TAG_AC = 0x9F26
TAG_IAD = 0x9F10
TAG_AMOUNT = 0x9F02
TAG_OTHER_AMOUNT = 0x9F03
TAG_COUNTRY = 0x9F1A
TAG_CURRENCY = 0x5F2A
TAG_TVR = 0x95
TAG_DATE = 0x9A
TAG_TYPE = 0x9C
TAG_UNPREDICTABLE_NUMBER = 0x9F37
TAG_TERMINAL_TYPE = 0x9F35
TAG_TERMINAL_CAPABILITIES = 0x9F33
TAG_CVM_RESULTS = 0x9F34

# Book 3 §5.4: numeric (n) data is truncated on the left and padded with leading zeros.
NUMERIC_TAGS = frozenset({TAG_AMOUNT, TAG_OTHER_AMOUNT, TAG_COUNTRY, TAG_CURRENCY, TAG_DATE, TAG_TYPE,
                          TAG_TERMINAL_TYPE})

# What an acquirer needs from the chip for online authorisation (ISO 8583 field 55 as card schemes
# define it): never the PAN or track 2, which travel in their own field.
ONLINE_TAGS = (TAG_AC, TAG_CID, TAG_IAD, TAG_UNPREDICTABLE_NUMBER, TAG_ATC, TAG_TVR, TAG_DATE, TAG_TYPE,
               TAG_AMOUNT, TAG_CURRENCY, TAG_AIP, TAG_COUNTRY, TAG_OTHER_AMOUNT, TAG_TERMINAL_CAPABILITIES,
               TAG_CVM_RESULTS, TAG_TERMINAL_TYPE, TAG_DF_NAME, TAG_PAN_SEQUENCE)

# ISO/IEC 7816-4 allows a '61xx' chain of any length; an EMV response is at most 256 bytes, so more
# rounds than this is a card looping, not data.
MAX_GET_RESPONSE_ROUNDS = 8

# TVR bits (Book 3 Annex C5).
TVR_OFFLINE_AUTH_NOT_PERFORMED = (0, 0x80)
TVR_EXPIRED_APPLICATION = (1, 0x40)
TVR_NOT_YET_EFFECTIVE = (1, 0x20)

# Largest amount an n12 field holds.
MAX_AMOUNT = 10**12 - 1


@dataclass(frozen=True)
class TerminalConfig:
    """What the kiosk tells the card about itself."""

    country_code: int = 410  # ISO 3166-1 numeric: Republic of Korea
    currency_code: int = 410  # ISO 4217 numeric: KRW, exponent 0, so amounts are whole won
    terminal_type: int = 0x24  # Book 4 Annex A1: merchant-controlled, unattended, online only
    # Book 4 Annex A2: IC with contacts; no CVM required; no offline data authentication.
    capabilities: bytes = bytes.fromhex("200800")
    # Book 3 Annex A '9F34' CVM Results: '1F' no CVM performed, '00', '02' successful.
    cvm_results: bytes = bytes.fromhex("1F0002")
    supported_aids: tuple[bytes, ...] = (
        bytes.fromhex("A0000000031010"),  # Visa credit/debit (test cards use the same AID)
        bytes.fromhex("A0000000041010"),  # Mastercard credit/debit
        bytes.fromhex("D4100000011010"),  # Korean domestic (KLSC) debit/credit
    )

    def supports(self, aid: bytes) -> bool:
        """Partial AID match (Book 1 §12.3.1): the card's AID may extend the terminal's."""
        return any(aid.startswith(known) for known in self.supported_aids)


@dataclass(frozen=True)
class TransactionData:
    """One payment's terminal-side data."""

    amount: int
    date: dt.date
    unpredictable_number: bytes
    transaction_type: int = 0x00  # Book 3 Annex A '9C': goods and services
    other_amount: int = 0

    def __post_init__(self) -> None:
        for name in ("amount", "other_amount"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_AMOUNT:
                raise ValueError(f"{name} {value} does not fit n12")
        if len(self.unpredictable_number) != 4:
            raise ValueError("the unpredictable number is 4 bytes (Book 3 Annex A '9F37')")


@dataclass(frozen=True)
class Candidate:
    """One application the card lists in its PPSE directory."""

    aid: bytes
    label: str
    priority: int  # 1 highest … 15 lowest; 15 when the card gave none


@dataclass(frozen=True)
class ApplicationFci:
    aid: bytes
    label: str
    pdol: bytes  # b"" when the card asks for no PDOL data


@dataclass(frozen=True)
class AflEntry:
    """Four AFL bytes (Book 3 §10.2): SFI, first record, last record, records used for offline auth."""

    sfi: int
    first: int
    last: int
    offline_auth_records: int


@dataclass(frozen=True)
class ProcessingOptions:
    aip: bytes
    afl: tuple[AflEntry, ...]


@dataclass(frozen=True)
class Cryptogram:
    kind: CryptogramType
    cid: int
    atc: int
    ac: bytes
    iad: bytes


@dataclass(frozen=True)
class EmvTransaction:
    """Everything the flow learnt. `records` holds the card's data, PAN included: keep it short-lived."""

    application: ApplicationFci
    options: ProcessingOptions
    records: Mapping[int, bytes] = field(repr=False)
    terminal_values: Mapping[int, bytes]
    cryptogram: Cryptogram

    def online_data(self) -> bytes:
        """BER-TLV of `ONLINE_TAGS` for the online authorisation request (no PAN, no track 2)."""
        values: dict[int, bytes] = {**self.terminal_values}
        values[TAG_AIP] = self.options.aip
        values[TAG_DF_NAME] = self.application.aid
        values[TAG_AC] = self.cryptogram.ac
        values[TAG_CID] = bytes([self.cryptogram.cid])
        values[TAG_ATC] = self.cryptogram.atc.to_bytes(2, "big")
        if self.cryptogram.iad:
            values[TAG_IAD] = self.cryptogram.iad
        if TAG_PAN_SEQUENCE in self.records:
            values[TAG_PAN_SEQUENCE] = self.records[TAG_PAN_SEQUENCE]
        return tlv.encode(tlv.Tlv(tag, values[tag]) for tag in ONLINE_TAGS if tag in values)


def bcd(number: int, length: int) -> bytes:
    """`number` as packed BCD, right-aligned in `length` bytes (format n, Book 3 §4.3)."""
    digits = str(number)
    if number < 0 or len(digits) > 2 * length:
        raise ValueError(f"{number} does not fit n{2 * length}")
    return bytes.fromhex(digits.zfill(2 * length))


def terminal_values(terminal: TerminalConfig, txn: TransactionData,
                    tvr: bytes = bytes(5)) -> dict[int, bytes]:
    """The terminal data objects a PDOL or CDOL may ask for."""
    return {
        TAG_AMOUNT: bcd(txn.amount, 6),
        TAG_OTHER_AMOUNT: bcd(txn.other_amount, 6),
        TAG_COUNTRY: bcd(terminal.country_code, 2),
        TAG_CURRENCY: bcd(terminal.currency_code, 2),
        TAG_DATE: bytes.fromhex(txn.date.strftime("%y%m%d")),
        TAG_TYPE: bcd(txn.transaction_type, 1),
        TAG_UNPREDICTABLE_NUMBER: txn.unpredictable_number,
        TAG_TERMINAL_TYPE: bytes([terminal.terminal_type]),
        TAG_TERMINAL_CAPABILITIES: terminal.capabilities,
        TAG_CVM_RESULTS: terminal.cvm_results,
        TAG_TVR: tvr,
    }


def build_dol_data(dol: bytes, values: Mapping[int, bytes]) -> bytes:
    """Concatenate the values a DOL asks for, fitted to its lengths (Book 3 §5.4)."""
    out = b""
    for tag, length in tlv.parse_dol(dol):
        value = values.get(tag)
        if value is None:
            out += bytes(length)  # unknown to the terminal: hexadecimal zeros
        elif len(value) == length:
            out += value
        elif tag in NUMERIC_TAGS:
            out += value[-length:] if len(value) > length else bytes(length - len(value)) + value
        else:
            out += value[:length] if len(value) > length else value + bytes(length - len(value))
    return out


def parse_afl(data: bytes) -> tuple[AflEntry, ...]:
    """Validate the AFL as Book 3 §10.2 requires; any fault terminates the transaction."""
    if not data or len(data) % 4:
        raise CardProtocolError(f"AFL of {len(data)} bytes is not a non-empty multiple of 4")
    entries = []
    for i in range(0, len(data), 4):
        sfi_byte, first, last, offline = data[i:i + 4]
        sfi = sfi_byte >> 3
        if sfi_byte & 0x07 or not 1 <= sfi <= 30 or first == 0 or last < first or offline > last - first + 1:
            raise CardProtocolError(f"invalid AFL entry {data[i:i + 4].hex().upper()}")
        entries.append(AflEntry(sfi, first, last, offline))
    return tuple(entries)


def expiry_date(value: bytes) -> dt.date:
    """'5F24' Application Expiration Date YYMMDD (n6) as a date."""
    try:
        text = value.hex()
        return dt.date(2000 + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError as exc:
        raise CardProtocolError("expiry date is not a YYMMDD date") from exc


async def exchange(transmit: Transmit, command: CommandApdu) -> ResponseApdu:
    """Send `command`; follow '6Cxx' (reissue with Le) and '61xx' (GET RESPONSE) as Book 1 §9.3.1 says."""
    response = ResponseApdu.from_bytes(await transmit(command.to_bytes()))
    if response.sw1 == apdu.SW1_WRONG_LE:
        response = ResponseApdu.from_bytes(await transmit(command.with_le(response.sw2 or 256).to_bytes()))
    data = response.data
    rounds = 0
    while response.sw1 == apdu.SW1_MORE_DATA:
        rounds += 1
        if rounds > MAX_GET_RESPONSE_ROUNDS:
            raise CardProtocolError(f"{command.name}: over {MAX_GET_RESPONSE_ROUNDS} GET RESPONSE rounds")
        response = ResponseApdu.from_bytes(await transmit(apdu.get_response(response.sw2).to_bytes()))
        data += response.data
    return ResponseApdu(data, response.sw1, response.sw2)


async def _command(transmit: Transmit, command: CommandApdu) -> bytes:
    response = await exchange(transmit, command)
    if not response.ok:
        raise CardStatusError(command.name, response.sw)
    return response.data


def _template(data: bytes, tag: int, what: str) -> tlv.Tlv:
    objects = tlv.parse(data)
    if not objects or objects[0].tag != tag:
        raise CardProtocolError(f"{what}: expected template {tag:X}")
    return objects[0]


def _text(value: bytes | None) -> str:
    return (value or b"").decode("ascii", errors="replace")


async def select_ppse(transmit: Transmit) -> list[Candidate]:
    """The applications the PPSE directory lists, best priority first; [] if the card has no PPSE."""
    response = await exchange(transmit, apdu.select(PPSE))
    if response.sw in (apdu.SW_FILE_NOT_FOUND, 0x6A81):  # no PPSE / function not supported
        return []
    if not response.ok:
        raise CardStatusError("SELECT PPSE", response.sw)
    fci = _template(response.data, TAG_FCI, "PPSE FCI")
    out = []
    for entry in tlv.walk(fci.children):
        if entry.tag != TAG_DIRECTORY_ENTRY:
            continue
        values = tlv.primitives(entry.children)
        aid = values.get(TAG_AID)
        if aid is None or not 5 <= len(aid) <= 16:
            continue  # Book 1 §12.3.2: skip a malformed entry, keep the others
        priority = values.get(TAG_PRIORITY) or b"\x0f"
        out.append(Candidate(aid, _text(values.get(TAG_LABEL)), (priority[0] & 0x0F) or 15))
    return sorted(out, key=lambda c: c.priority)


async def select_application(transmit: Transmit, aid: bytes) -> ApplicationFci:
    """SELECT the application and read its FCI (Book 1 §11.3.4 Table 45)."""
    data = await _command(transmit, apdu.select(aid))
    fci = _template(data, TAG_FCI, "application FCI")
    values = tlv.primitives(fci.children)
    df_name = values.get(TAG_DF_NAME, aid)
    if not df_name.startswith(aid):
        raise CardProtocolError("the card selected a different application")
    return ApplicationFci(df_name, _text(values.get(TAG_LABEL)), values.get(TAG_PDOL, b""))


async def get_processing_options(transmit: Transmit, pdol: bytes,
                                 values: Mapping[int, bytes]) -> ProcessingOptions:
    """GPO with the PDOL data; accepts response format 1 ('80') and 2 ('77') (Book 3 §6.5.8.4)."""
    data = await _command(transmit, apdu.get_processing_options(build_dol_data(pdol, values)))
    objects = tlv.parse(data)
    if objects and objects[0].tag == TAG_RESPONSE_FORMAT_1:
        raw = objects[0].value
        if len(raw) < 2:
            raise CardProtocolError("GPO format 1 response too short")
        return ProcessingOptions(raw[:2], parse_afl(raw[2:]))
    if objects and objects[0].tag == TAG_RESPONSE_FORMAT_2:
        found = tlv.primitives(objects[0].children)
        aip, afl = found.get(TAG_AIP), found.get(TAG_AFL)
        if aip is None or len(aip) != 2 or afl is None:
            raise CardProtocolError("GPO response lacks AIP or AFL")
        return ProcessingOptions(aip, parse_afl(afl))
    raise CardProtocolError("GPO response is neither format 1 nor format 2")


async def read_application_data(transmit: Transmit, afl: Iterable[AflEntry]) -> dict[int, bytes]:
    """READ RECORD every record the AFL names; each must be a '70' template (Book 3 §10.2)."""
    found: dict[int, bytes] = {}
    for entry in afl:
        for record in range(entry.first, entry.last + 1):
            data = await _command(transmit, apdu.read_record(entry.sfi, record))
            template = _template(data, TAG_RECORD, f"record {record} of SFI {entry.sfi}")
            for tag, value in tlv.primitives(template.children).items():
                found.setdefault(tag, value)
    return found


async def generate_ac(transmit: Transmit, cdol1: bytes, values: Mapping[int, bytes],
                      kind: CryptogramType = CryptogramType.ARQC) -> Cryptogram:
    """First GENERATE AC (Book 3 §6.5.5); the card may answer with a lower type, never a higher one."""
    data = await _command(transmit, apdu.generate_ac(kind, build_dol_data(cdol1, values)))
    objects = tlv.parse(data)
    if objects and objects[0].tag == TAG_RESPONSE_FORMAT_1:
        raw = objects[0].value
        if len(raw) < 11:
            raise CardProtocolError("GENERATE AC format 1 response too short")
        cid, atc, ac, iad = raw[0], raw[1:3], raw[3:11], raw[11:]
    elif objects and objects[0].tag == TAG_RESPONSE_FORMAT_2:
        found = tlv.primitives(objects[0].children)
        cid_b, atc_b, ac_b = found.get(TAG_CID), found.get(TAG_ATC), found.get(TAG_AC)
        if not cid_b or atc_b is None or len(atc_b) != 2 or ac_b is None or len(ac_b) != 8:
            raise CardProtocolError("GENERATE AC response lacks CID, ATC or AC")
        cid, atc, ac, iad = cid_b[0], atc_b, ac_b, found.get(TAG_IAD, b"")
    else:
        raise CardProtocolError("GENERATE AC response is neither format 1 nor format 2")
    try:
        answered = CryptogramType.from_cid(cid)
    except ApduError as exc:
        raise CardProtocolError(str(exc)) from exc
    # Book 3 §6.5.5.4 Table 13: AAC < ARQC < TC; a card may only lower the terminal's request.
    order = [CryptogramType.AAC, CryptogramType.ARQC, CryptogramType.TC]
    if order.index(answered) > order.index(kind):
        raise CardProtocolError(f"asked for {kind.name}, card answered {answered.name}")
    return Cryptogram(answered, cid, int.from_bytes(atc, "big"), ac, iad)


def _tvr(records: Mapping[int, bytes], today: dt.date) -> bytes:
    tvr = bytearray(5)
    byte, bit = TVR_OFFLINE_AUTH_NOT_PERFORMED
    tvr[byte] |= bit
    if expiry_date(records[TAG_EXPIRY]) < today:
        byte, bit = TVR_EXPIRED_APPLICATION
        tvr[byte] |= bit
    if 0x5F25 in records and len(records[0x5F25]) == 3 and expiry_date(records[0x5F25]) > today:
        byte, bit = TVR_NOT_YET_EFFECTIVE
        tvr[byte] |= bit
    return bytes(tvr)


async def choose_application(transmit: Transmit, terminal: TerminalConfig) -> ApplicationFci:
    """PPSE directory first, then the terminal's own AID list; blocked or absent AIDs are skipped."""
    listed = [c.aid for c in await select_ppse(transmit) if terminal.supports(c.aid)]
    for aid in listed or list(terminal.supported_aids):
        try:
            return await select_application(transmit, aid)
        except CardStatusError as exc:
            if exc.sw not in (apdu.SW_FILE_NOT_FOUND, apdu.SW_SELECTED_FILE_INVALIDATED):
                raise
    raise CardProtocolError("the card has no application this terminal supports")


async def run_payment(transmit: Transmit, terminal: TerminalConfig, txn: TransactionData) -> EmvTransaction:
    """The whole flow up to the first GENERATE AC; raises `CardDeclinedOffline` on an AAC."""
    application = await choose_application(transmit, terminal)
    values = terminal_values(terminal, txn)
    options = await get_processing_options(transmit, application.pdol, values)
    records = await read_application_data(transmit, options.afl)
    if TAG_PAN not in records and TAG_TRACK2 not in records:
        raise CardProtocolError("the card's records hold no PAN")
    for tag in (TAG_EXPIRY, TAG_CDOL1):
        if tag not in records:
            raise CardProtocolError(f"the card's records lack mandatory tag {tag:X}")
    values[TAG_TVR] = _tvr(records, txn.date)
    cryptogram = await generate_ac(transmit, records[TAG_CDOL1], values, CryptogramType.ARQC)
    if cryptogram.kind is CryptogramType.AAC:
        raise CardDeclinedOffline(f"the card answered an AAC (ATC {cryptogram.atc})")
    return EmvTransaction(application, options, records, values, cryptogram)

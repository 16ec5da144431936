"""Every field the kiosk sends or reads, checked: answers are hostile until typed field by field.

Outgoing values the kiosk built itself (idempotency keys, pickup codes, cash counts) are checked
before they leave; incoming answers are mapped to the error tree by status (`interpret_answer`) and
read into models.py's dataclasses one bounded field at a time, so a broken or hostile server raises
ServerProtocolError instead of putting a wrong type or an unmasked card number into the journal.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

import httpx

from drivers.issuance_server.errors import ServerError, ServerProtocolError, ServerRejected, ServerUnavailable
from drivers.issuance_server.models import Building, CatalogDocument, Parcel, ServerPayment

# A Retry-After longer than a day is nonsense; keep the number, cap it.
_MAX_RETRY_AFTER_S = 86_400.0
_REASON_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_HOURS_RE = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
_PICKUP_CODE_RE = re.compile(r"^[0-9]{8}$")
_DENOMINATION_RE = re.compile(r"^(coin|bill):[1-9][0-9]{0,5}$")
# First six and last four digits at most (docs/protocol.md "Card payment"): anything else from the
# server might be a whole card number, which must never reach the journal or a log.
_MASKED_PAN_RE = re.compile(r"^([0-9]{6})?[*]{2,13}[0-9]{4}$")
# A screen name (kiosk/presenter.py SCREEN_OF_STATE) and a language code, as a help request carries them.
_SCREEN_RE = re.compile(r"^[a-z][a-z_]{0,31}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
_PAYMENT_STATES = ("approved", "declined", "voided")
MAX_WON = 100_000_000  # a settlement of more than 100 million won is a broken answer


# --- what the kiosk sends -------------------------------------------------------------------------


def check_key(key: str) -> str:
    if not KEY_RE.match(key):
        raise ValueError("idempotency key: 8..128 characters of A-Z a-z 0-9 . _ : -")
    return key


def check_pickup_code(code: str) -> str:
    if not _PICKUP_CODE_RE.match(code):
        raise ValueError("pickup code: 8 digits")
    return code


def check_screen(screen: str) -> str:
    if not _SCREEN_RE.match(screen):
        raise ValueError("screen: 1..32 characters of a-z and _, starting with a letter")
    return screen


def check_language(language: str) -> str:
    if not _LANGUAGE_RE.match(language):
        raise ValueError("language: a two-letter ISO 639-1 code in lower case")
    return language


def check_counts(counts: Mapping[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for denomination, count in counts.items():
        if not _DENOMINATION_RE.match(denomination):
            raise ValueError(f"denomination {denomination!r}: coin:<won> or bill:<won>")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValueError(f"count of {denomination}: a whole number >= 0")
        out[denomination] = count
    return out


def won_of_counts(counts: Mapping[str, int]) -> int:
    return sum(int(d.partition(":")[2]) * n for d, n in counts.items())


# --- what the server answers ----------------------------------------------------------------------


def interpret_answer(status: int, headers: httpx.Headers, data: bytes) -> dict[str, Any]:
    if 200 <= status < 300:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise ServerProtocolError("wrong-content-type", f"expected application/json, got {content_type!r:.60}")
        body = parse_json_object(data)
        if body is None:
            raise ServerProtocolError("bad-json", "the answer is not a JSON object")
        return body
    error = parse_json_object(data) or {}
    reason = reason_code(error.get("error"), fallback=f"http-{status}")
    message = error.get("message") if isinstance(error.get("message"), str) else ""
    message = str(message)[:200]
    if status == 503 or status >= 500 or status in (408, 429):
        retry_after = retry_after_seconds(headers.get("retry-after"))
        # A maintenance window lasts minutes: retrying within the call would only delay the resident.
        retryable = reason != "maintenance" and retry_after is None
        return_error: ServerError = ServerUnavailable(reason, message, retry_after=retry_after, retryable=retryable)
        raise return_error
    if 400 <= status < 500:
        raise ServerRejected(status, reason, message)
    raise ServerProtocolError("unexpected-status", f"HTTP {status}")


def parse_json_object(data: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def retry_after_seconds(value: str | None) -> float | None:
    if value is None or not value.strip().isdigit() or len(value.strip()) > 9:
        return None
    return min(float(value.strip()), _MAX_RETRY_AFTER_S)


def reason_code(value: object, fallback: str = "unspecified") -> str:
    return value if isinstance(value, str) and _REASON_RE.match(value) else fallback


def expect_state(body: Mapping[str, Any], state: str) -> None:
    if body.get("state") != state:
        raise ServerProtocolError("bad-field", f"expected state {state!r}")


def list_of_dicts(body: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = body.get(key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ServerProtocolError("bad-field", f"{key} must be a list of objects")
    return value


def text_field(body: Mapping[str, Any], key: str, *, max_len: int = 256, allow_empty: bool = False) -> str:
    value = body.get(key)
    if not isinstance(value, str) or len(value) > max_len or (not value and not allow_empty):
        raise ServerProtocolError("bad-field", f"{key} must be a string of at most {max_len} characters")
    return value


def bool_field(body: Mapping[str, Any], key: str) -> bool:
    value = body.get(key)
    if not isinstance(value, bool):
        raise ServerProtocolError("bad-field", f"{key} must be true or false")
    return value


def int_field(body: Mapping[str, Any], key: str, *, low: int, high: int) -> int:
    value = body.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ServerProtocolError("bad-field", f"{key} must be an integer in {low}..{high}")
    return value


def opt_int_field(body: Mapping[str, Any], key: str, *, low: int, high: int) -> int | None:
    return None if body.get(key) is None else int_field(body, key, low=low, high=high)


def opt_seconds_field(body: Mapping[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 86_400:
        raise ServerProtocolError("bad-field", f"{key} must be a number of seconds")
    return float(value)


def b64_field(body: Mapping[str, Any], key: str, *, max_len: int) -> bytes:
    value = text_field(body, key, max_len=max_len)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ServerProtocolError("bad-field", f"{key} is not base64") from exc


def parse_catalog_document(raw: Mapping[str, Any]) -> CatalogDocument:
    options = raw.get("options", [])
    if not isinstance(options, list) or not all(isinstance(o, str) and 0 < len(o) <= 64 for o in options):
        raise ServerProtocolError("bad-field", "options must be a list of short strings")
    hours = raw.get("hours")
    span = ("00:00", "24:00")
    if hours is not None:
        if not isinstance(hours, dict):
            raise ServerProtocolError("bad-field", "hours must be an object")
        start, end = text_field(hours, "start", max_len=5), text_field(hours, "end", max_len=5)
        if not (_HOURS_RE.match(start) and _HOURS_RE.match(end)):
            raise ServerProtocolError("bad-field", "hours must be HH:MM")
        span = (start, end)
    return CatalogDocument(
        code=text_field(raw, "code", max_len=64),
        title_ko=text_field(raw, "title_ko"),
        title_en=text_field(raw, "title_en"),
        fee=int_field(raw, "fee", low=0, high=1_000_000),
        needs_identity=bool_field(raw, "needs_identity"),
        options=tuple(options),
        max_copies=int_field(raw, "max_copies", low=1, high=100),
        hours=span,
        maintenance=parse_windows(raw.get("maintenance")),
        delivery_fee=opt_int_field(raw, "delivery_fee", low=0, high=1_000_000) or 0,
    )


# A central system has a window or two a day; more is a malformed answer, not a schedule.
MAX_MAINTENANCE_WINDOWS = 8


def parse_windows(raw: Any) -> tuple[tuple[str, str], ...]:
    """The catalog's `maintenance`: a list of {start, end} in HH:MM (absent: none)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_MAINTENANCE_WINDOWS:
        raise ServerProtocolError("bad-field", f"maintenance must be a list of at most {MAX_MAINTENANCE_WINDOWS}")
    windows = []
    for item in raw:
        if not isinstance(item, dict):
            raise ServerProtocolError("bad-field", "maintenance windows must be objects")
        start, end = text_field(item, "start", max_len=5), text_field(item, "end", max_len=5)
        if not (_HOURS_RE.match(start) and _HOURS_RE.match(end)) or start == end:
            raise ServerProtocolError("bad-field", "maintenance windows must be HH:MM to a different HH:MM")
        windows.append((start, end))
    return tuple(windows)


def parse_server_payment(raw: Mapping[str, Any]) -> ServerPayment:
    reference = text_field(raw, "reference", max_len=128)
    if not KEY_RE.match(reference):
        raise ServerProtocolError("bad-field", "reference: 8..128 characters of A-Z a-z 0-9 . _ : -")
    state = raw.get("state")
    if state not in _PAYMENT_STATES:
        raise ServerProtocolError("bad-field", "state must be approved, declined or voided")
    masked = raw.get("masked_pan")
    if not isinstance(masked, str) or not _MASKED_PAN_RE.match(masked):
        # Never echo the value: it may be a whole card number.
        raise ServerProtocolError("bad-field", "masked_pan must be masked (first six and last four digits at most)")
    return ServerPayment(reference=reference, state=str(state), amount=int_field(raw, "amount", low=1, high=MAX_WON),
                         masked_pan=masked)


def parse_parcel(raw: Mapping[str, Any]) -> Parcel:
    area = raw.get("area_m2")
    if not isinstance(area, int | float) or isinstance(area, bool) or not 0 < area <= 100_000_000:
        raise ServerProtocolError("bad-field", "area_m2 must be a positive number")
    buildings = raw.get("buildings", [])
    if not isinstance(buildings, list) or not all(isinstance(b, dict) for b in buildings) or len(buildings) > 1000:
        raise ServerProtocolError("bad-field", "buildings must be a list of objects")
    return Parcel(
        parcel_id=text_field(raw, "parcel_id", max_len=64),
        district=text_field(raw, "district", max_len=200),
        lot=text_field(raw, "lot", max_len=9),
        address=text_field(raw, "address", max_len=200),
        land_category=text_field(raw, "land_category", max_len=32),
        area_m2=float(area),
        buildings=tuple(
            Building(
                building_id=text_field(b, "building_id", max_len=64),
                name=text_field(b, "name", max_len=200),
                floors=int_field(b, "floors", low=0, high=300),
            )
            for b in buildings
        ),
    )

"""What every resource of the simulated server shares: error answers, JSON in and out, who is asking.

app.py (catalog, identity, issuances, heartbeats) and the resource modules beside it (parcels,
payments, pickups, settlements) all answer kiosks the same way, so the pieces they share live here,
below all of them: the imports go one way, app -> resources -> api, and no module reaches into
another's private helpers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from simulators.residents import Resident
from simulators.server.catalog import Document

_KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


class ApiError(Exception):
    """An answer with an error body: {"error": code, "message": text}."""

    def __init__(self, status: int, code: str, message: str = "") -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message or code


@dataclass(frozen=True)
class IssueSpec:
    """What one reservation renders and signs (checked and priced by the caller)."""

    document: Document
    options: tuple[str, ...]
    copies: int
    person: Resident | None
    parcel: str | None
    fee_total: int


def kiosk_id_of(request: web.Request) -> str:
    """The kiosk id is the CN of the client certificate the TLS layer already verified."""
    ssl_object = request.transport.get_extra_info("ssl_object") if request.transport else None
    cert = ssl_object.getpeercert() if ssl_object is not None else None
    for rdn in (cert or {}).get("subject", ()):
        for name, value in rdn:
            if name == "commonName":
                return str(value)
    raise ApiError(403, "no-client-certificate", "a kiosk client certificate is required")


async def read_body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported-media-type", "send application/json")
    try:
        body = await request.json()
    except ValueError as exc:
        raise ApiError(400, "bad-json", "request body is not JSON") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "bad-json", "request body must be a JSON object")
    return body


def json_integer(value: object) -> int | None:
    """A JSON integer; 2.0 counts as one (JSON Schema "integer", as docs/openapi.yaml declares it)."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def idempotency_key(value: object) -> str:
    if not isinstance(value, str) or not _KEY_RE.match(value):
        raise ApiError(400, "bad-idempotency-key", "idempotency_key: 8..128 of A-Z a-z 0-9 . _ : -")
    return value


def json_answer(payload: Mapping[str, Any], status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def own_kiosk_id(body: Mapping[str, Any], kiosk_id: str) -> None:
    """The body's `kiosk_id` must name the booth of the client certificate (403 if another)."""
    claimed = body.get("kiosk_id")
    if not isinstance(claimed, str) or len(claimed) > 128:
        raise ApiError(400, "bad-request", "kiosk_id must be a string of at most 128 characters")
    if claimed != kiosk_id:
        raise ApiError(403, "kiosk-id-mismatch", "kiosk_id is not the booth of the client certificate")


def aware_time(body: Mapping[str, Any], name: str) -> str:
    """The body's `name`: an ISO 8601 date-time with a UTC offset (a booth's clock says which zone), as sent."""
    text = body.get(name)
    if isinstance(text, str) and len(text) <= 64:
        try:
            if dt.datetime.fromisoformat(text).tzinfo is not None:
                return text
        except ValueError:
            pass
    raise ApiError(400, "bad-request", f"{name} must be an ISO 8601 date-time with a UTC offset")

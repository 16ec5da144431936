"""Support bundles: a booth sends what its operators asked for (heartbeat command `upload_bundle`).

POST /v1/support-bundles {idempotency_key, kiosk_id, reason, made_at, bundle_base64}: the booth (the
client certificate's CN; the body's `kiosk_id` must name the same booth), who asked ("server",
"technician"), when it was made, and the bundle itself, a tar.gz in base64 (config without secrets,
logs, a journal extract, device statuses, versions, the last screens; nothing personal). The answer is
the bundle's id, when it was received and its size in bytes. Idempotent by the kiosk's key; another
bundle under the same key is 409 "idempotency-key-reused". A body that is not a gzip file is 400.
Bundles live in memory; the control `support_bundles()` lists them (with the bytes, base64) for tests.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from common.clock import KST
from simulators.server.api import ApiError, idempotency_key, json_answer, kiosk_id_of, read_body

REASON_RE = re.compile(r"^[a-z][a-z_]{0,31}$")
GZIP_MAGIC = b"\x1f\x8b"
# Bundles are kept for the rig; a booth that uploads hundreds is a broken booth: the oldest are forgotten.
MAX_KEPT = 50


@dataclass
class SupportBundle:
    bundle_id: str
    kiosk_id: str
    key: str
    reason: str
    made_at: str
    received_at: str
    data: bytes

    def answer(self) -> dict[str, Any]:
        return {"bundle_id": self.bundle_id, "received_at": self.received_at, "size": len(self.data)}


class SupportBundles:
    """Support bundles by (kiosk id, idempotency key), oldest first."""

    def __init__(self, api: str) -> None:
        self._api = api
        self._by_key: dict[tuple[str, str], SupportBundle] = {}

    def routes(self) -> list[web.RouteDef]:
        return [web.post(f"{self._api}/support-bundles", self._receive)]

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"support_bundles": self.support_bundles}

    def support_bundles(self) -> list[dict[str, Any]]:
        """Every support bundle received, oldest first: kiosk id, reason, size, and the tar.gz in base64."""
        return [{"bundle_id": b.bundle_id, "kiosk_id": b.kiosk_id, "reason": b.reason, "made_at": b.made_at,
                 "received_at": b.received_at, "size": len(b.data),
                 "bundle_base64": base64.b64encode(b.data).decode("ascii")} for b in self._by_key.values()]

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        key = idempotency_key(body.get("idempotency_key"))
        claimed = body.get("kiosk_id")
        if not isinstance(claimed, str) or len(claimed) > 128:
            raise ApiError(400, "bad-request", "kiosk_id must be a string of at most 128 characters")
        if claimed != kiosk_id:
            raise ApiError(403, "kiosk-id-mismatch", "kiosk_id is not the booth of the client certificate")
        reason = body.get("reason")
        if not isinstance(reason, str) or not REASON_RE.match(reason):
            raise ApiError(400, "bad-request", "reason: 1..32 characters of a-z and _, starting with a letter")
        made_at = body.get("made_at")
        if not isinstance(made_at, str) or len(made_at) > 64 or _timestamp(made_at) is None:
            raise ApiError(400, "bad-request", "made_at must be an ISO 8601 date-time with a UTC offset")
        encoded = body.get("bundle_base64")
        if not isinstance(encoded, str) or not encoded:
            raise ApiError(400, "bad-request", "bundle_base64 must be a non-empty base64 string")
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(400, "bad-request", "bundle_base64 is not base64") from exc
        if not data.startswith(GZIP_MAGIC):
            raise ApiError(400, "bad-request", "the bundle is not a gzip file")
        existing = self._by_key.get((kiosk_id, key))
        if existing is not None:
            if existing.data != data or existing.reason != reason:
                raise ApiError(409, "idempotency-key-reused", "this key was used for another bundle")
            response = json_answer(existing.answer())
            response.headers["Idempotent-Replayed"] = "true"
            return response
        record = SupportBundle(bundle_id=f"BDL-{secrets.token_hex(8).upper()}", kiosk_id=kiosk_id, key=key,
                               reason=reason, made_at=made_at, received_at=dt.datetime.now(KST).isoformat(),
                               data=data)
        self._by_key[(kiosk_id, key)] = record
        while len(self._by_key) > MAX_KEPT:
            del self._by_key[next(iter(self._by_key))]
        return json_answer(record.answer())


def _timestamp(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None

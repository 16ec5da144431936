"""Support bundles: a booth sends what its operators asked for (heartbeat command `upload_bundle`).

POST /v1/support-bundles {idempotency_key, kiosk_id, reason, made_at, bundle_base64}: the booth (the
client certificate's CN; the body's `kiosk_id` must name the same booth), who asked ("server",
"technician"), when it was made, and the bundle itself, a tar.gz in base64 (config without secrets,
logs, a journal extract, device statuses, versions, the last screens; nothing personal). The answer is
the bundle's id, when it was received and its size in bytes. Idempotent by the kiosk's key
(simulators/server/idempotent_store.py); another bundle under the same key is 409
"idempotency-key-reused". A body that is not a gzip file is 400. Bundles live in memory; the control
`support_bundles()` lists them (with the bytes, base64) for tests.
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
from simulators.server.api import ApiError, aware_time, idempotency_key, kiosk_id_of, own_kiosk_id, read_body
from simulators.server.idempotent_store import IdempotentStore

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
        self._store: IdempotentStore[SupportBundle] = IdempotentStore(
            "this key was used for another bundle", max_kept=MAX_KEPT)

    def routes(self) -> list[web.RouteDef]:
        return [web.post(f"{self._api}/support-bundles", self._receive)]

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"support_bundles": self.support_bundles}

    def support_bundles(self) -> list[dict[str, Any]]:
        """Every support bundle received, oldest first: kiosk id, reason, size, and the tar.gz in base64."""
        return [{"bundle_id": b.bundle_id, "kiosk_id": b.kiosk_id, "reason": b.reason, "made_at": b.made_at,
                 "received_at": b.received_at, "size": len(b.data),
                 "bundle_base64": base64.b64encode(b.data).decode("ascii")} for b in self._store.records()]

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        key = idempotency_key(body.get("idempotency_key"))
        own_kiosk_id(body, kiosk_id)
        reason = body.get("reason")
        if not isinstance(reason, str) or not REASON_RE.match(reason):
            raise ApiError(400, "bad-request", "reason: 1..32 characters of a-z and _, starting with a letter")
        made_at = aware_time(body, "made_at")
        encoded = body.get("bundle_base64")
        if not isinstance(encoded, str) or not encoded:
            raise ApiError(400, "bad-request", "bundle_base64 must be a non-empty base64 string")
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(400, "bad-request", "bundle_base64 is not base64") from exc
        if not data.startswith(GZIP_MAGIC):
            raise ApiError(400, "bad-request", "the bundle is not a gzip file")
        return self._store.upload(kiosk_id, key, (reason, data), lambda: SupportBundle(
            bundle_id=f"BDL-{secrets.token_hex(8).upper()}", kiosk_id=kiosk_id, key=key, reason=reason,
            made_at=made_at, received_at=dt.datetime.now(KST).isoformat(), data=data))

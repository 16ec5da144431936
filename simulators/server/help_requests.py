"""Help requests: a resident at a booth pressed help, and the city's staff should call back or come.

POST /v1/help-requests {idempotency_key, kiosk_id, screen, language, requested_at}: the booth (the
client certificate's CN; the body's `kiosk_id` must name the same booth), the screen the resident is
stuck on, the language they read, and when. Nothing personal: a help request is about a booth, not
a resident. The answer is the request's id and when it was received. Idempotent by the kiosk's key
(simulators/server/idempotent_store.py), so a retried request pages staff once; another request under
the same key is 409 "idempotency-key-reused". Requests live in memory, like payments; the control
`help_requests()` lists them for the rig.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

from common.clock import KST
from simulators.server.api import ApiError, aware_time, idempotency_key, kiosk_id_of, own_kiosk_id, read_body
from simulators.server.idempotent_store import IdempotentStore

# The kiosk's screen names (kiosk/presenter.py) and ISO 639-1 language codes, as the kiosk sends them.
SCREEN_RE = re.compile(r"^[a-z][a-z_]{0,31}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
# A booth whose residents press help a thousand times is a broken booth: the oldest are forgotten.
MAX_KEPT = 1000


@dataclass
class HelpRequest:
    help_request_id: str
    kiosk_id: str
    key: str
    screen: str
    language: str
    requested_at: str
    received_at: str

    def answer(self) -> dict[str, Any]:
        return {"help_request_id": self.help_request_id, "received_at": self.received_at, "state": "received"}


class HelpRequests:
    """Help requests by (kiosk id, idempotency key), oldest first."""

    def __init__(self, api: str) -> None:
        self._api = api
        self._store: IdempotentStore[HelpRequest] = IdempotentStore(
            "this key was used for another help request", max_kept=MAX_KEPT)

    def routes(self) -> list[web.RouteDef]:
        return [web.post(f"{self._api}/help-requests", self._request_help)]

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"help_requests": self.help_requests}

    def help_requests(self) -> list[dict[str, Any]]:
        """Every help request on record, oldest first: kiosk id, screen, language, when."""
        return [asdict(r) for r in self._store.records()]

    async def _request_help(self, request: web.Request) -> web.StreamResponse:
        kiosk_id = kiosk_id_of(request)
        body = await read_body(request)
        key = idempotency_key(body.get("idempotency_key"))
        own_kiosk_id(body, kiosk_id)
        screen, language = body.get("screen"), body.get("language")
        if not isinstance(screen, str) or not SCREEN_RE.match(screen):
            raise ApiError(400, "bad-request", "screen: 1..32 characters of a-z and _, starting with a letter")
        if not isinstance(language, str) or not LANGUAGE_RE.match(language):
            raise ApiError(400, "bad-request", "language: a two-letter lower-case code")
        requested_at = aware_time(body, "requested_at")
        return self._store.upload(kiosk_id, key, (screen, language, requested_at), lambda: HelpRequest(
            help_request_id=f"HLP-{secrets.token_hex(8).upper()}", kiosk_id=kiosk_id, key=key, screen=screen,
            language=language, requested_at=requested_at, received_at=dt.datetime.now(KST).isoformat()))

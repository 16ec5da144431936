"""Uploads kept once per booth and idempotency key: the shape support bundles, help requests and
settlements share.

A booth retries an upload whose answer it did not get (a timeout, a connection cut after the server
kept it), so the server must keep each one once: the same upload again under its key is answered
with the first's answer (header `Idempotent-Replayed: true`, the record unchanged, so a help request
pages staff once and a settlement is counted once); another upload under a used key is refused,
409 "idempotency-key-reused". What counts as "the same upload" is each resource's to say (a bundle's
bytes and reason, a settlement's counts, not the time it was made): the caller hands `request`, any
value compared with ==, and `make`, which builds the record only for a key not seen before.

Keys are per booth (the client certificate's CN): two booths never share a key's record. A store
may forget its oldest records past `max_kept` (a booth that uploads thousands is a broken booth).
Lookup and keeping run without an await between them, so two concurrent uploads under one key on
the server's single loop cannot both be kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from aiohttp import web

from simulators.server.api import ApiError, json_answer


class Answering(Protocol):
    def answer(self) -> dict[str, Any]:
        """What the booth is told of this record, the first time and at every replay."""


R = TypeVar("R", bound=Answering)


class IdempotentStore(Generic[R]):
    """Records by (kiosk id, idempotency key), oldest first, each with the request it was kept for."""

    def __init__(self, reused: str, *, max_kept: int | None = None) -> None:
        self._reused = reused  # the 409's message: what the key was used for ("another bundle")
        self._max_kept = max_kept
        self._by_key: dict[tuple[str, str], tuple[object, R]] = {}

    def records(self) -> list[R]:
        """Every record kept, oldest first."""
        return [record for _, record in self._by_key.values()]

    def upload(self, kiosk_id: str, key: str, request: object, make: Callable[[], R]) -> web.Response:
        """The answer to an upload: the first's again for the same `request`, 409 for another, else
        `make` a record (it may refuse with an ApiError: nothing is kept then), keep it and answer it."""
        kept = self._by_key.get((kiosk_id, key))
        if kept is not None:
            first, record = kept
            if first != request:
                raise ApiError(409, "idempotency-key-reused", self._reused)
            response = json_answer(record.answer())
            response.headers["Idempotent-Replayed"] = "true"
            return response
        record = make()
        self._by_key[(kiosk_id, key)] = (request, record)
        while self._max_kept is not None and len(self._by_key) > self._max_kept:
            del self._by_key[next(iter(self._by_key))]
        return json_answer(record.answer())

"""The city's alert receiver: the other end of the booth's `[alerts] webhook_url` (plain HTTP on loopback).

It keeps every JSON body POSTed to it, in order, for a scenario or a test to read (`events`), and can
be told to refuse the next posts (`fail_next`) so the booth's retries are seen to work.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from simulators.process import base_parser, run

# An alert is a few hundred bytes; anything past 16 KiB is not one.
MAX_BODY_BYTES = 16384


class WebhookReceiver:
    """The city's alert receiver: keeps every alert the booth POSTs, in order."""

    name = "webhook"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._events: list[dict[str, Any]] = []
        self._fail = 0
        self.refused = 0
        self.url = ""

    async def start(self) -> str:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_post("/alerts", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://{self._host}:{port}/alerts"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"events": self.events, "fail_next": self.fail_next}

    def events(self) -> list[dict[str, Any]]:
        """Every alert body received, oldest first."""
        return list(self._events)

    def fail_next(self, count: int = 1) -> None:
        """Answer the next `count` posts 503, as a receiver being restarted would."""
        self._fail = max(0, int(count))

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        if self._fail > 0:
            self._fail -= 1
            self.refused += 1
            return web.json_response({"error": "unavailable"}, status=503)
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"error": "not-json"}, status=400)
        if not isinstance(body, dict):
            return web.json_response({"error": "not-an-object"}, status=400)
        self._events.append(body)
        return web.json_response({"ok": True})


def main() -> int:
    """``python -m simulators.webhook [--port N]``: the receiver on loopback."""
    parser = base_parser("webhook", "The city's alert receiver (HTTP on loopback).")
    parser.add_argument("--port", type=int, default=0, help="HTTP port (default 0: any)")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")

    def factory(args: argparse.Namespace) -> WebhookReceiver:
        return WebhookReceiver(port=args.port)

    return run(factory, parser)


if __name__ == "__main__":
    sys.exit(main())

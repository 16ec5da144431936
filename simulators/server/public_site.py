"""The server's public listener: the live feed (`GET /feed.json`) and the status page beside it.

Plain HTTP on the simulator's host, no client certificate: what a city puts behind its public web
front. Only the feed (public_feed.py, already reduced to what a resident may read) and the page's
static files (status_page/) are served; the kiosk API stays on the mutual-TLS listener. Answers carry
a strict Content-Security-Policy (the page loads nothing from elsewhere) and the feed may be read by
any site (CORS `*`: it is public data, as the national open data set is).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from common.clock import KST
from simulators.server.public_feed import PublicFeed

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATUS_PAGE = Path(__file__).with_name("status_page")
FEED_PATH = "/feed.json"
# A phone refreshing the page every few seconds must not hammer the server; heartbeats come every 30 s.
FEED_MAX_AGE_S = 10
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "geolocation=(self)",
}


@web.middleware
async def _headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.update(_SECURITY_HEADERS)
    return response


async def start_public_site(feed: PublicFeed, host: str, port: int) -> tuple[web.AppRunner, str]:
    """Serve the feed and the page on `host:port` (0: any free port); returns the runner and its base URL."""

    async def feed_json(_request: web.Request) -> web.StreamResponse:
        body = json.dumps(feed.feed(dt.datetime.now(KST)), ensure_ascii=False)
        return web.Response(text=body, content_type="application/json", headers={
            "Cache-Control": f"public, max-age={FEED_MAX_AGE_S}", "Access-Control-Allow-Origin": "*"})

    async def index(_request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATUS_PAGE / "index.html", headers={"Cache-Control": "no-cache"})

    app = web.Application(middlewares=[_headers])
    app.router.add_get(FEED_PATH, feed_json)
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATUS_PAGE)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    return runner, f"http://{host}:{bound}"

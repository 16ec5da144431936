"""The booth's Prometheus endpoint: `GET /metrics` on `[metrics] bind:port` (loopback by default).

Served by an aiohttp app on the kiosk's own event loop (prometheus_client's aiohttp handler): a
scrape is one more coroutine, no thread per scrape and no second loop, and the collector reads the
controller's state and the journal on the loop that writes them (SQLite's connection is never
touched from two threads). Everything but the server latency is read on scrape: sessions, outcomes
and money folded from the journal (kiosk/journal_tally.py), device states and supplies from the
controller's statuses, downtime from kiosk/service_time.py, alerts from kiosk/alerts.py. Only the
latency is observed as it happens, through the server driver's `on_call` hook.

The names are the dashboard's (docs/grafana/kiosk-dashboard.json): change one, change both
(tests/booth/test_metrics.py checks every name the dashboard queries is on a live scrape).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.aiohttp import make_aiohttp_handler
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from kiosk.journal_tally import JournalTally

if TYPE_CHECKING:
    from kiosk.controller import Kiosk

log = logging.getLogger(__name__)

# Seconds buckets for a call to the issuance server: a catalog or heartbeat answers in tens of
# milliseconds on a good link; a reservation renders PDFs (seconds); its deadline is 4 x 5 s.
SERVER_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0)
DEVICE_STATES = ("online", "offline", "powerOff", "noDevice", "hardwareError", "userError", "deviceBusy",
                 "fraudAttempt")


class KioskCollector(Collector):
    """Reads the controller on each scrape (prometheus_client calls `collect`)."""

    def __init__(self, kiosk: Kiosk) -> None:
        self.kiosk = kiosk
        self.tally = JournalTally(kiosk.journal)

    def collect(self) -> Iterator[Metric]:
        kiosk = self.kiosk
        yield from self._journal_metrics()
        info = GaugeMetricFamily("kiosk_info", "The booth: its id (1 while the controller runs)", labels=["kiosk_id"])
        info.add_metric([kiosk.config.kiosk.id], 1)
        yield info
        state = GaugeMetricFamily("kiosk_state", "The controller's state (1 for the current one)", labels=["state"])
        state.add_metric([getattr(kiosk, "state", "none")], 1)
        yield state
        devices = GaugeMetricFamily("kiosk_device_state", "Each device's XFS4IoT state (1 for the current one)",
                                    labels=["device", "state"])
        up = GaugeMetricFamily("kiosk_device_up", "1 while the device is usable", labels=["device"])
        supplies = GaugeMetricFamily("kiosk_supply_level", "Each supply's level (1 for the current one): paper, "
                                     "toner, hopper, bill stacker", labels=["device", "supply", "level"])
        statuses = {**kiosk.statuses, "server": kiosk.server.status}
        for name, status in sorted(statuses.items()):
            for word in DEVICE_STATES:
                devices.add_metric([name, word], 1 if status.state.value == word else 0)
            up.add_metric([name], 1 if status.usable else 0)
            for supply, level in sorted(status.supplies.items()):
                supplies.add_metric([name, supply, level.value], 1)
        yield from (devices, up, supplies)
        change = GaugeMetricFamily("kiosk_change_available_won", "Won of change the hopper can promise now")
        change.add_metric([], kiosk.change_available())
        yield change
        coins = GaugeMetricFamily("kiosk_hopper_coins", "Coins the journal counts in the hopper (-1: unknown)")
        won = kiosk.hopper.won()
        coin = kiosk.config.cash.hopper_coin
        coins.add_metric([], -1 if won is None else won // coin)
        yield coins
        oos = CounterMetricFamily("kiosk_out_of_service_seconds", "Seconds out of service since start, by reason",
                                  labels=["reason"])
        for reason, seconds in sorted(kiosk.service_time.seconds_by_reason().items()):
            oos.add_metric([reason], seconds)
        yield oos
        alerts = GaugeMetricFamily("kiosk_alert_active", "1 while the alert is raised", labels=["alert", "subject"])
        for alert in kiosk.alerts.active.values():
            alerts.add_metric([alert.name, alert.subject], 1)
        yield alerts

    def _journal_metrics(self) -> Iterator[Metric]:
        kiosk = self.kiosk
        try:
            self.tally.update()
        except Exception as exc:  # an unreadable journal: the figures so far, and the fault in kiosk_state
            log.warning("metrics: cannot read the journal: %r", exc)
        sessions = CounterMetricFamily("kiosk_sessions", "Sessions closed, by document and outcome",
                                       labels=["document", "outcome"])
        for (document, outcome), count in sorted(self.tally.sessions.items()):
            sessions.add_metric([document, outcome], count)
        yield sessions
        money = CounterMetricFamily("kiosk_money_won", "Won by flow: in, fees (kept), change, refunds, vouchers",
                                    labels=["flow"])
        for flow, amount in self.tally.money.items():
            money.add_metric([flow], amount)
        yield money
        pages = CounterMetricFamily("kiosk_pages_printed", "A4 pages printed")
        pages.add_metric([], self.tally.pages)
        yield pages
        path = Path(kiosk.journal.path)
        size = sum(_size(p) for p in (path, path.with_name(path.name + "-wal")))
        journal = GaugeMetricFamily("kiosk_journal_bytes", "The journal's size on disk (database and WAL)")
        journal.add_metric([], size)
        yield journal
        records = GaugeMetricFamily("kiosk_journal_records", "The journal's newest sequence number")
        records.add_metric([], self._last_seq())
        yield records

    def _last_seq(self) -> int:
        try:
            return self.kiosk.journal.last_seq()
        except Exception:  # an unreadable journal: its fault is told by kiosk_state and the heartbeat
            return 0


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


class BoothMetrics:
    """The registry, the server latency histogram (fed by the driver's hook) and the HTTP endpoint."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.server_seconds = Histogram(
            "kiosk_server_request_seconds", "Seconds per attempt of a call to the issuance server",
            ["call", "outcome"], buckets=SERVER_BUCKETS, registry=self.registry)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def observe_server_call(self, call: str, seconds: float, outcome: str) -> None:
        """The issuance client's `on_call` hook."""
        self.server_seconds.labels(call, outcome).observe(seconds)

    def watch(self, kiosk: Kiosk) -> None:
        """Read this controller on each scrape."""
        self.registry.register(KioskCollector(kiosk))

    async def serve(self, bind: str, port: int) -> str:
        """Serve `/metrics`; returns its URL. A port in use is logged, not fatal: a booth that cannot
        be scraped still serves residents."""
        app = web.Application()
        app.router.add_get("/metrics", make_aiohttp_handler(self.registry, disable_compression=True))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, bind, port)
            await site.start()
        except OSError as exc:
            log.warning("metrics endpoint not served on %s:%d: %s", bind, port, exc)
            await runner.cleanup()
            return ""
        self._runner = runner
        host, bound = runner.addresses[0][:2]
        self.url = f"http://{'[' + host + ']' if ':' in host else host}:{bound}/metrics"
        log.info("metrics on %s", self.url)
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

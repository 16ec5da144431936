"""The booth's Prometheus endpoint (kiosk/booth/metrics.py): a live scrape of a simulated booth over
HTTP shows what a city's dashboard reads, every metric docs/grafana/kiosk-dashboard.json queries exists,
and the figures are the journal's own (they cannot drift from the books)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from kiosk.journal import Journal
from kiosk.journal_tally import JournalTally
from kiosk.rig.scenario import ScenarioRun
from kiosk.views import Intent

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana" / "kiosk-dashboard.json"
PATIENCE = 15.0
# PromQL's own words and functions, which look like metric names to a regular expression.
PROMQL_WORDS = {"sum", "rate", "increase", "histogram_quantile", "label_values", "instance"}


async def _until(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(what)
        await asyncio.sleep(0.005)


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return sum(v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= set(ls))


def _dashboard_metrics() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    exprs += [v["query"] for v in dashboard["templating"]["list"] if v.get("type") == "query"]
    names = set()
    for expr in exprs:
        # Label matchers, strings, ranges and grouping clauses name labels, not metrics.
        without_labels = re.sub(r"\{[^}]*\}|\"[^\"]*\"|\[[^\]]*\]|\b(by|without)\s*\([^)]*\)", "", expr)
        names |= {w for w in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_labels)
                  if w not in PROMQL_WORDS and not w.isdigit()}
    return names


def test_a_live_scrape_shows_sessions_money_devices_downtime_latency_and_the_journal() -> None:
    work = Path(tempfile.mkdtemp(prefix="kiosk-metrics-"))
    run = ScenarioRun(work, None, {})

    async def scrape(http: aiohttp.ClientSession, url: str) -> str:
        async with http.get(url) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            return await response.text()

    async def play() -> None:
        await run.start()
        kiosk = run.kiosk
        try:
            await _until(lambda: kiosk.view.screen == "idle", "idle never came")
            assert run.app is not None and run.app.metrics is not None
            url = run.app.metrics.url
            assert url.startswith("http://127.0.0.1:"), url  # loopback unless [metrics] bind says otherwise
            await kiosk.handle_intent(Intent("start"))
            await _until(lambda: kiosk.view.screen == "choose_document", "no document list")
            await kiosk.handle_intent(Intent("cancel"))
            await _until(lambda: not kiosk.journal.open_sessions(), "the session never closed")
            await run.clock.advance(20)  # the result screen's 15 s, then idle
            await _until(lambda: kiosk.view.screen == "idle", "idle never came back")
            await run.booth.control("a4_printer", "empty_tray")
            await _until(lambda: kiosk.state == "out_of_service", "never out of service")
            await run.clock.advance(90)  # three heartbeats out of service
            async with aiohttp.ClientSession() as http:
                text = await scrape(http, url)
            samples = _samples(text)
            assert _value(samples, "kiosk_sessions_total", document="none") == 1
            for flow in ("in", "fees", "change", "refunds", "vouchers"):
                assert ("kiosk_money_won_total", frozenset({("flow", flow)})) in samples
            assert _value(samples, "kiosk_device_up", device="fingerprint") == 1
            assert _value(samples, "kiosk_device_up", device="server") == 1
            assert _value(samples, "kiosk_supply_level", device="a4_printer", supply="paper", level="out") == 1
            assert _value(samples, "kiosk_state", state="out_of_service") == 1
            assert 90 <= _value(samples, "kiosk_out_of_service_seconds_total", reason="a4-paper-out") < 100
            assert _value(samples, "kiosk_hopper_coins") == 200
            assert _value(samples, "kiosk_change_available_won") > 0
            assert _value(samples, "kiosk_server_request_seconds_count", call="catalog", outcome="ok") >= 1
            assert _value(samples, "kiosk_server_request_seconds_count", call="heartbeat", outcome="ok") == 3
            assert _value(samples, "kiosk_alert_active", alert="paper-low", subject="a4_printer") == 1
            assert _value(samples, "kiosk_journal_bytes") > 0
            assert _value(samples, "kiosk_journal_records") == kiosk.journal.last_seq()
            names = {name for name, _ in samples}
            queried = _dashboard_metrics()
            assert {"kiosk_sessions_total", "kiosk_server_request_seconds_bucket"} <= queried
            missing = sorted(m for m in queried if m not in names)
            assert not missing, f"the dashboard queries metrics no scrape has: {missing}"
        finally:
            await run.stop()

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(play())
    finally:
        loop.close()
        shutil.rmtree(work, ignore_errors=True)


def test_the_tally_is_the_journal_read_incrementally(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        tally = JournalTally(journal)
        at = "2026-12-06T10:00:00"
        journal.record("s1", "session_opened", at=at)
        journal.record("s1", "document_chosen", at=at, ref="resident_copy")
        journal.record("s1", "coin_credited", at=at, amount=500)
        journal.record("s1", "fee_kept", at=at, amount=200)
        tally.update()
        assert tally.sessions == {} and tally.money["in"] == 500
        journal.record("s1", "change_paid", at=at, amount=300)
        journal.record("s1", "pages_printed", at=at, amount=2)
        journal.record("s1", "session_closed", at=at, outcome="issued")
        journal.record("s2", "session_opened", at=at)
        journal.record("s2", "session_closed", at=at, outcome="cancelled")
        tally.update()
        tally.update()  # nothing new: nothing counted twice
        assert tally.sessions == {("resident_copy", "issued"): 1, ("none", "cancelled"): 1}
        totals = journal.totals()
        assert tally.money == {"in": totals["money_in"], "fees": totals["fees_kept"], "change": totals["change"],
                               "refunds": totals["refunds"], "vouchers": totals["vouchers"]}
        assert tally.pages == totals["pages_printed"] == 2
    finally:
        journal.close()

"""Alerts to the city's webhook (kiosk/booth/alert_webhook.py) against a real local receiver
(simulators/webhook.py): each edge POSTed once, in order, retried with backoff on the kiosk's clock
while the receiver refuses, and `send` never waits for the network."""

from __future__ import annotations

import asyncio
import time

from common.clock import VirtualClock
from kiosk.alerts import Alert, AlertEvent
from kiosk.booth.alert_webhook import AlertWebhook
from simulators.webhook import WebhookReceiver


async def _until_delivered(receiver: WebhookReceiver, count: int, clock: VirtualClock) -> None:
    deadline = time.monotonic() + 10
    while len(receiver.events()) < count:
        assert time.monotonic() < deadline, f"only {receiver.events()} arrived"
        await clock.advance(1)  # the retries' backoff runs on the kiosk's clock
        await asyncio.sleep(0.01)


async def test_edges_arrive_once_in_order_after_the_receiver_recovers(clock: VirtualClock) -> None:
    receiver = WebhookReceiver()
    url = await receiver.start()
    webhook = AlertWebhook(url, kiosk_id="KIOSK-0007", clock=clock)
    webhook.start()
    try:
        receiver.fail_next(2)  # a receiver being restarted: two refusals
        alert = Alert("paper-low", "a4_printer", "low", "2026-12-06T10:00:00+09:00")
        started = time.perf_counter()
        webhook.send(AlertEvent("raised", alert, alert.since))
        webhook.send(AlertEvent("cleared", alert, "2026-12-06T10:30:00+09:00"))
        assert time.perf_counter() - started < 0.01  # queued, not posted: a resident never waits on it
        await _until_delivered(receiver, 2, clock)
        events = receiver.events()
        assert [(e["event"], e["name"], e["subject"], e["kiosk_id"]) for e in events] == [
            ("raised", "paper-low", "a4_printer", "KIOSK-0007"), ("cleared", "paper-low", "a4_printer", "KIOSK-0007")]
        assert receiver.refused == 2 and webhook.delivered == 2
        await clock.advance(600)
        await asyncio.sleep(0.05)
        assert len(receiver.events()) == 2  # delivered ones are never sent again
    finally:
        await webhook.close()
        await receiver.stop()

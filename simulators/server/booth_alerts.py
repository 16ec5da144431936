"""The alerts booths report with their heartbeats (kiosk/alerts.py): which are up, and every edge.

A booth sends the alerts that are up with each heartbeat; the server keeps them per booth and logs an
edge when one appears ("raised") or goes ("cleared"), so the city's operators see each alert once,
however many heartbeats repeat it. The body is checked field by field: a heartbeat with a malformed
`alerts` list is refused (400), as any other malformed request is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from simulators.server.api import ApiError

MAX_ALERTS = 50  # a booth has a handful of alert kinds, a few subjects each
_LIMITS = {"name": 64, "subject": 64, "detail": 120, "since": 64}


def parse_alerts(value: Any) -> list[dict[str, str]]:
    """The heartbeat's `alerts`: a list of {name, subject, detail, since} strings (missing: "")."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ALERTS:
        raise ApiError(400, "bad-request", f"alerts must be a list of at most {MAX_ALERTS} objects")
    alerts = []
    for item in value:
        if not isinstance(item, dict):
            raise ApiError(400, "bad-request", "each alert must be an object")
        alert = {}
        for field, limit in _LIMITS.items():
            text = item.get(field, "")
            if not isinstance(text, str) or len(text) > limit:
                raise ApiError(400, "bad-request", f"alert {field} must be a string of at most {limit} characters")
            alert[field] = text
        if not alert["name"]:
            raise ApiError(400, "bad-request", "an alert needs a name")
        alerts.append(alert)
    return alerts


class BoothAlerts:
    def __init__(self) -> None:
        self._up: dict[str, dict[tuple[str, str], dict[str, str]]] = {}
        self._events: list[dict[str, str]] = []

    def update(self, kiosk_id: str, alerts: list[dict[str, str]], at: str) -> None:
        before = self._up.get(kiosk_id, {})
        now = {(a["name"], a["subject"]): a for a in alerts}
        for key, alert in before.items():
            if key not in now:
                self._events.append({"kiosk_id": kiosk_id, "event": "cleared", "at": at, **alert})
        for key, alert in now.items():
            if key not in before:
                self._events.append({"kiosk_id": kiosk_id, "event": "raised", "at": at, **alert})
        self._up[kiosk_id] = now

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {"alerts": self.alerts, "alert_events": self.alert_events}

    def alerts(self) -> dict[str, list[dict[str, str]]]:
        """The alerts up, per booth."""
        return {kiosk: list(up.values()) for kiosk, up in self._up.items()}

    def alert_events(self) -> list[dict[str, str]]:
        """Every raise and clear the server saw, oldest first."""
        return list(self._events)

"""printer-state and printer-state-reasons (RFC 8011 §5.4.11-12) as the kiosk's status words."""

from __future__ import annotations

import pytest

from common.status import DeviceState, SupplyLevel
from drivers.a4_printer.client import http_url
from drivers.a4_printer.reasons import base_reasons, printer_status

IDLE, PROCESSING, STOPPED = 3, 4, 5


D, S = DeviceState, SupplyLevel


@pytest.mark.parametrize(("state", "reasons", "expected"), [
    (IDLE, ["none"], (D.ONLINE, "", S.FULL, S.FULL)),
    (PROCESSING, ["none"], (D.DEVICE_BUSY, "", S.FULL, S.FULL)),
    (IDLE, ["media-empty-report"], (D.ONLINE, "media-empty", S.OUT, S.FULL)),
    (PROCESSING, ["media-empty-warning", "media-needed-warning"],
     (D.DEVICE_BUSY, "media-empty", S.OUT, S.FULL)),
    (STOPPED, ["media-empty-error"], (D.USER_ERROR, "media-empty", S.OUT, S.FULL)),
    (STOPPED, ["media-jam-error"], (D.HARDWARE_ERROR, "media-jam", S.JAMMED, S.FULL)),
    (IDLE, ["media-jam-report"], (D.HARDWARE_ERROR, "media-jam", S.JAMMED, S.FULL)),
    (STOPPED, ["door-open-error"], (D.USER_ERROR, "door-open", S.FULL, S.FULL)),
    (IDLE, ["toner-low-report", "media-low-report"], (D.ONLINE, "media-low", S.LOW, S.LOW)),
    (STOPPED, ["toner-empty-error"], (D.HARDWARE_ERROR, "toner-empty", S.FULL, S.OUT)),
    (IDLE, ["marker-supply-low-warning"], (D.ONLINE, "marker-supply-low", S.FULL, S.LOW)),
    (STOPPED, ["other-error"], (D.HARDWARE_ERROR, "other", S.FULL, S.FULL)),
    (STOPPED, [], (D.HARDWARE_ERROR, "stopped", S.FULL, S.FULL)),
])
def test_reasons_become_device_state_and_supplies(
        state: int, reasons: list[str], expected: tuple[DeviceState, str, SupplyLevel, SupplyLevel]) -> None:
    status = printer_status(state, reasons)
    assert status.device == "a4_printer"
    assert (status.state, status.reason, status.supplies["paper"], status.supplies["toner"]) == expected


def test_a_printer_that_does_not_say_its_state_is_not_online() -> None:
    assert printer_status(None, ["none"]).state is DeviceState.OFFLINE


def test_a_printer_not_accepting_jobs_cannot_serve() -> None:
    status = printer_status(IDLE, ["none"], accepting=False)
    assert status.state is DeviceState.HARDWARE_ERROR
    assert status.reason == "not-accepting-jobs"
    assert not status.usable


def test_suffixes_are_stripped_once_and_none_dropped() -> None:
    assert base_reasons(["none"]) == ()
    keywords = ["toner-low-report", "toner-low-warning", "media-jam-error"]
    assert base_reasons(keywords) == ("toner-low", "media-jam")


@pytest.mark.parametrize(("uri", "url"), [
    ("ipp://localhost:8631/ipp/print", "http://localhost:8631/ipp/print"),
    ("ipp://printer.example.com/ipp/print", "http://printer.example.com:631/ipp/print"),  # RFC 8010 §5
    ("ipps://printer.example.com/ipp/print", "https://printer.example.com:631/ipp/print"),
])
def test_ipp_uris_map_to_http_urls(uri: str, url: str) -> None:
    assert http_url(uri) == url


def test_not_an_ipp_uri_is_refused() -> None:
    with pytest.raises(ValueError, match="IPP"):
        http_url("lpd://printer/queue")

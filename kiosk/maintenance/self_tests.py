"""Self-tests a technician runs one device at a time: an A4 test page, a test receipt, a fingerprint
capture with its quality score, and the server (round trip, and the client certificate's days to
expiry). Each answers ``{"ok", "device", "detail"}`` and is journaled (`selftest_run`); a failing one
says what to do next (``todo``, a board.todo.* code). Pages printed here count against the paper
(`selftest_printed`, kiosk.maintenance.paper).

A fingerprint test waits for a finger (`FINGER_SECONDS`): the technician places one on the glass
(the simulator's ``place_finger``); the template is wiped at once and never leaves the booth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509

from drivers.receipt_printer import Receipt, ReceiptLine
from kiosk.maintenance.a4_test_page import one_page_pdf
from kiosk.maintenance.paper import SELFTEST_PRINTED
from kiosk.views import ScreenData, SelfTestView, TestResult

if TYPE_CHECKING:
    from kiosk.maintenance.context import MaintenanceContext
    from kiosk.maintenance.part import Answer, Handler, TechnicianLog

DEVICES = ("a4", "receipt", "fingerprint", "server")
FINGER_SECONDS = 30.0  # the technician has this long to place a finger
PRINT_SECONDS = 90.0  # a test page that is not out by then has failed
SERVER_SECONDS = 15.0
CERT_WARN_DAYS = 30  # fewer days than this to the certificate's expiry: renew it now
CERT_FILE = "kiosk-cert.pem"


def cert_days_left(pem: bytes, now: dt.datetime) -> int:
    """Whole days from `now` to the certificate's notAfter (negative once expired)."""
    cert = x509.load_pem_x509_certificate(pem)
    after = cert.not_valid_after_utc
    moment = now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
    return (after - moment).days


def _failure(device: str, error: str, todo: str, **detail: Any) -> Answer:
    return {"ok": False, "device": device, "error": error, "detail": {"code": error, "todo": todo, **detail}}


class SelfTests:
    def __init__(self, kiosk: MaintenanceContext, workshop: TechnicianLog) -> None:
        self.kiosk = kiosk
        self.workshop = workshop
        self.results: dict[str, Answer] = {}  # device -> its last answer in this run
        self.when: dict[str, str] = {}
        self.running = ""  # the test under way: the page says so (a fingerprint test waits for a finger)

    def actions(self) -> Mapping[str, Handler]:
        return {"selftest": self.selftest}

    def queries(self) -> Mapping[str, Handler]:
        return {}

    def page_views(self) -> Mapping[str, Callable[[], ScreenData]]:
        return {"selftest": self.view}

    async def selftest(self, device: str = "all") -> Answer:
        if device == "all":
            answers = [await self._one(name) for name in DEVICES]
            return {"ok": all(a["ok"] for a in answers), "device": "all",
                    "detail": {a["device"]: a for a in answers}}
        if device not in DEVICES:
            return {"ok": False, "device": device, "error": "unknown-device", "detail": {}}
        return await self._one(device)

    async def _one(self, device: str) -> Answer:
        test = {"a4": self._a4, "receipt": self._receipt, "fingerprint": self._fingerprint,
                "server": self._server}[device]
        self.running = device
        self.kiosk.publish()
        try:
            answer = await test()
        except Exception as exc:  # a test that broke says so; the booth goes on
            answer = _failure(device, str(getattr(exc, "reason", "") or type(exc).__name__), "call-service")
        finally:
            self.running = ""
        self.results[device] = answer
        self.when[device] = self.kiosk.clock.now().strftime("%H:%M")
        self.workshop.record("selftest_run", 0, device, ok=bool(answer["ok"]), error=str(answer.get("error", "")),
                             **{k: v for k, v in answer["detail"].items() if isinstance(v, int | str)})
        return answer

    async def _a4(self) -> Answer:
        when = self.kiosk.clock.now().strftime("%Y-%m-%d %H:%M")
        pdf = one_page_pdf(f"{self.kiosk.config.kiosk.id} A4 test page {when}")
        try:
            outcome = await self.kiosk.clock.wait_for(
                self.kiosk.devices.a4.print_pdf(pdf, job_name=f"selftest-{when}", expected_pages=1),
                PRINT_SECONDS)
        except TimeoutError:
            return _failure("a4", "print-timeout", "refill-a4-tray")
        except Exception as exc:
            reason = str(getattr(exc, "reason", "") or type(exc).__name__)
            todo = {"media-empty": "refill-a4-tray", "media-jam": "clear-a4-jam"}.get(reason, "restart-a4")
            return _failure("a4", reason, todo)
        self.workshop.record(SELFTEST_PRINTED, outcome.pages, "a4")
        return {"ok": outcome.pages >= 1, "device": "a4", "detail": {"code": "printed", "pages": outcome.pages,
                                                                      "job": outcome.job_id}}

    async def _receipt(self) -> Answer:
        printer = self.kiosk.devices.receipt
        if printer is None:
            return _failure("receipt", "not-fitted", "")
        when = self.kiosk.clock.now().strftime("%Y-%m-%d %H:%M")
        receipt = Receipt(lines=[ReceiptLine("TEST RECEIPT", "center", bold=True, large=True),
                                 ReceiptLine(f"{self.kiosk.config.kiosk.id}  {when}", "center"),
                                 ReceiptLine("0123456789 ABCDEFGHIJ", "center")])
        try:
            await self.kiosk.clock.wait_for(printer.print_receipt(receipt), PRINT_SECONDS)
        except TimeoutError:
            return _failure("receipt", "print-timeout", "power-cycle-receipt")
        except Exception as exc:
            name = type(exc).__name__
            code, todo = {"ReceiptPaperOut": ("paper-out", "refill-receipt-roll"),
                          "ReceiptCoverOpen": ("cover-open", "close-receipt-cover"),
                          "ReceiptHardwareError": ("hardware-error", "power-cycle-receipt")}.get(
                              name, ("not-answering", "check-power-and-cable"))
            return _failure("receipt", code, todo)
        self.workshop.record(SELFTEST_PRINTED, 1, "receipt")
        return {"ok": True, "device": "receipt", "detail": {"code": "printed"}}

    async def _fingerprint(self) -> Answer:
        reader = self.kiosk.devices.fingerprint
        if reader is None:
            return _failure("fingerprint", "not-fitted", "")
        try:
            captured = await self.kiosk.clock.wait_for(reader.capture(lambda _: None), FINGER_SECONDS)
        except TimeoutError:
            await reader.cancel()
            return _failure("fingerprint", "no-finger", "place-finger")
        except Exception as exc:
            name = type(exc).__name__
            code, todo = {"PoorImage": ("poor-image", "clean-glass"), "FakeFinger": ("fake-finger", "place-finger"),
                          }.get(name, ("not-answering", "check-fingerprint-cable"))
            return _failure("fingerprint", code, todo)
        quality = captured.quality
        captured.wipe()  # a template never stays in memory longer than needed, never leaves the booth
        return {"ok": True, "device": "fingerprint", "detail": {"code": "captured", "quality": quality}}

    async def _server(self) -> Answer:
        clock = self.kiosk.clock
        start = clock.monotonic()
        try:
            await clock.wait_for(self.kiosk.server.catalog(), SERVER_SECONDS)
        except Exception as exc:
            reason = str(getattr(exc, "reason", "") or type(exc).__name__)
            return _failure("server", "unreachable", "check-network", reason=reason)
        round_trip = round((clock.monotonic() - start) * 1000)
        path = Path(self.kiosk.config.server.pki_dir) / CERT_FILE
        try:
            days = cert_days_left(path.read_bytes(), clock.now())
        except (OSError, ValueError):
            return _failure("server", "certificate-unreadable", "install-certificate", round_trip_ms=round_trip)
        detail = {"code": "reachable", "round_trip_ms": round_trip, "cert_days_left": days}
        if days < CERT_WARN_DAYS:
            return {"ok": False, "device": "server", "error": "certificate-expiring",
                    "detail": {**detail, "code": "certificate-expiring", "todo": "renew-certificate"}}
        return {"ok": True, "device": "server", "detail": detail}

    def view(self) -> SelfTestView:
        results = []
        for device in DEVICES:
            answer = self.results.get(device)
            if answer is None:
                results.append(TestResult(device))
                continue
            detail = answer.get("detail", {})
            value = ""
            if "quality" in detail:
                value = f"quality:{detail['quality']}"
            elif "cert_days_left" in detail:
                value = f"ms:{detail['round_trip_ms']}|days:{detail['cert_days_left']}"
            elif "pages" in detail:
                value = f"pages:{detail['pages']}"
            results.append(TestResult(device, bool(answer["ok"]), str(detail.get("code", answer.get("error", ""))),
                                      value, str(detail.get("todo", "")), self.when.get(device, "")))
        return SelfTestView(results=results, running=self.running, last=dict(self.workshop.last_answer))

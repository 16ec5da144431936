"""Fixtures for the receipt printer: a simulator per test, drivers wired to it, fixed receipts."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from common.backoff import Backoff
from common.clock import VirtualClock
from common.fonts import BOLD, REGULAR
from drivers.receipt_printer import Receipt, ReceiptLine, ReceiptPrinter
from simulators.receipt_printer import ReceiptPrinterSimulator

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"


def _load_backend_module() -> Any:
    # Tests are not a package (--import-mode=importlib), so the helper module is loaded by path.
    path = HERE / "usb_printer_backend.py"
    spec = importlib.util.spec_from_file_location("receipt_usb_printer_backend", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


usb_printer_backend = _load_backend_module()

# The receipts the golden images show: fixed text, no clock, so the pixels never change.
KOREAN_RECEIPT = Receipt(
    lines=[
        ReceiptLine("무인민원발급기 영수증", align="center", bold=True, large=True),
        ReceiptLine("세종특별자치시 한누리대로 2130", align="center"),
        ReceiptLine("발급일시 2026-11-23 14:00", align="left"),
        ReceiptLine("주민등록표 등본 1통", align="left"),
        ReceiptLine("수수료 200원", align="right", bold=True),
        ReceiptLine("KIOSK-0001  No. 000123", align="center"),
        ReceiptLine("문서확인번호 1234-5678-9012", align="left"),
    ],
    qr="https://gov.example.kr/verify/1234-5678-9012",
)
ENGLISH_RECEIPT = Receipt(
    lines=[
        ReceiptLine("CIVIL DOCUMENT KIOSK", align="center", bold=True, large=True),
        ReceiptLine("Resident registration copy x1"),
        ReceiptLine("Fee: 200 KRW", align="right", bold=True),
        ReceiptLine("Paid: 500 KRW  Change: 300 KRW", align="right"),
        ReceiptLine("KIOSK-0001  No. 000124", align="center"),
    ],
)


def fast_backoff() -> Backoff:
    """Reconnect backoff shrunk for tests (production: common.backoff defaults)."""
    return Backoff(base=0.01, factor=1.5, cap=0.05)


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[ReceiptPrinterSimulator]:
    simulator = ReceiptPrinterSimulator(out_dir=tmp_path / "receipts")
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()


PrinterFactory = Callable[..., ReceiptPrinter]


@pytest.fixture
async def make_printer(clock: VirtualClock) -> AsyncIterator[PrinterFactory]:
    """Build ReceiptPrinters on the virtual clock; every one is closed after the test."""
    made: list[ReceiptPrinter] = []

    def factory(endpoint: str, **kwargs: Any) -> ReceiptPrinter:
        kwargs.setdefault("backoff", fast_backoff())
        printer = ReceiptPrinter(endpoint, clock=clock, font_regular=REGULAR, font_bold=BOLD, **kwargs)
        made.append(printer)
        return printer

    try:
        yield factory
    finally:
        for printer in made:
            await printer.close()


@pytest.fixture
async def printer(sim: ReceiptPrinterSimulator, make_printer: PrinterFactory) -> ReceiptPrinter:
    """A started driver connected to `sim` over TCP, rasterizing Korean."""
    driver = make_printer(f"tcp://{sim.host}:{sim.port}")
    await driver.start()
    return driver


@pytest.fixture
def korean_receipt() -> Receipt:
    return KOREAN_RECEIPT


@pytest.fixture
def english_receipt() -> Receipt:
    return ENGLISH_RECEIPT


@pytest.fixture
def usb_backend(sim: ReceiptPrinterSimulator) -> Any:
    """A pyusb backend with one printer (04b8:0202) whose bulk pipes reach `sim`."""
    return usb_printer_backend.BridgedPrinterBackend(sim.host, sim.port)


@pytest.fixture
def golden_dir() -> Path:
    return GOLDEN

"""One real ippeveprinter per test module, reset to a serviced printer before each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from fpdf import FPDF

from common.clock import VirtualClock
from drivers.a4_printer import A4Printer
from simulators.a4_printer import A4PrinterSimulator


def make_pdf(pages: int = 2, text: str = "Resident registration (sample)") -> bytes:
    """A small A4 PDF with `pages` pages, as the kiosk's document renderer would send."""
    pdf = FPDF(format="A4")
    pdf.set_font("helvetica", size=14)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"{text} - page {page}/{pages}")
    return bytes(pdf.output())


@pytest.fixture
def pdf_of() -> Callable[[int], bytes]:
    """`pdf_of(pages)`: a small A4 PDF."""
    return make_pdf


@pytest.fixture(scope="module")
def printer_sim() -> Iterator[A4PrinterSimulator]:
    """ippeveprinter + dbus-daemon for the whole module (they start in ~50 ms, but once is enough)."""
    simulator = A4PrinterSimulator()
    simulator.start_blocking()
    try:
        yield simulator
    finally:
        simulator.stop_blocking()


@pytest.fixture
async def sim(printer_sim: A4PrinterSimulator) -> A4PrinterSimulator:
    """The module's printer, freshly serviced: full tray, toner ok, no jam, powered on."""
    await printer_sim.reset()
    return printer_sim


@pytest.fixture
async def printer(sim: A4PrinterSimulator, clock: VirtualClock) -> AsyncIterator[A4Printer]:
    """The driver, started against the simulator, polling fast (real-time cadences scaled down)."""
    client = A4Printer(sim.endpoint, clock=clock, poll_interval=0.02, monitor_interval=0.05)
    await client.start()
    try:
        yield client
    finally:
        await client.close()

"""The driver against the simulator over real TCP: receipts on paper (PNG), faults as a kiosk sees them."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from recording_backoff import RecordingBackoff

from common.clock import VirtualClock
from common.control_socket import send_control
from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.receipt_printer import (
    Receipt,
    ReceiptCoverOpen,
    ReceiptLine,
    ReceiptPaperOut,
    ReceiptPrinter,
    ReceiptPrinterOffline,
    ReceiptPrinterTimeout,
)
from simulators.receipt_printer import ReceiptPrinterSimulator

# Golden images may differ in this share of pixels (FreeType hinting changes between versions move a
# few edge dots); on one machine the match is exact.
GOLDEN_TOLERANCE = 0.002
UPDATE_GOLDEN = os.environ.get("RECEIPT_GOLDEN_UPDATE") == "1"
PrinterFactory = Callable[..., ReceiptPrinter]


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 3.0) -> None:
    """Poll `check` in real time (reconnects use real backoff sleeps) until it holds."""
    async with asyncio.timeout(within):
        while not await check():  # noqa: ASYNC110 - the driver's state has no event to wait on
            await asyncio.sleep(0.01)


async def until_waiting(clock: VirtualClock) -> None:
    """Let a request reach its deadline wait before moving virtual time (I/O runs in real time)."""
    async with asyncio.timeout(2):
        while clock.pending_sleepers == 0:  # noqa: ASYNC110 - VirtualClock offers no event for this
            await asyncio.sleep(0.001)


def assert_matches_golden(png: str, golden: Path) -> None:
    if UPDATE_GOLDEN:
        shutil.copyfile(png, golden)
        return
    assert golden.exists(), f"{golden.name} missing: run RECEIPT_GOLDEN_UPDATE=1 pytest tests/receipt_printer"
    got, want = Image.open(png).convert("L"), Image.open(golden).convert("L")
    assert got.size == want.size, f"receipt is {got.size}, golden {golden.name} is {want.size} (see {png})"
    differing = sum(ImageChops.difference(got, want).histogram()[1:])
    assert differing <= GOLDEN_TOLERANCE * got.width * got.height, (
        f"{differing} pixels differ from {golden.name}; look at {png}")


def ink_rows(png: str) -> int:
    image = Image.open(png).convert("L")
    return sum(1 for y in range(image.height) if image.crop((0, y, image.width, y + 1)).getextrema()[0] == 0)


async def test_korean_receipt_prints_and_matches_the_golden_image(
        printer: ReceiptPrinter, sim: ReceiptPrinterSimulator, korean_receipt: Receipt,
        golden_dir: Path) -> None:
    await printer.print_receipt(korean_receipt)
    [png] = await sim.wait_printed(1)
    assert await asyncio.to_thread(Path(png).is_file)
    assert_matches_golden(png, golden_dir / "korean.png")
    assert printer.status.state is DeviceState.ONLINE
    assert printer.status.supplies == {"paper": SupplyLevel.FULL}


async def test_english_receipt_matches_the_golden_image(
        printer: ReceiptPrinter, sim: ReceiptPrinterSimulator, english_receipt: Receipt,
        golden_dir: Path) -> None:
    await printer.print_receipt(english_receipt)
    [png] = await sim.wait_printed(1)
    assert_matches_golden(png, golden_dir / "english.png")


async def test_double_byte_mode_prints_korean_text(
        sim: ReceiptPrinterSimulator, make_printer: PrinterFactory, korean_receipt: Receipt) -> None:
    printer = make_printer(f"tcp://{sim.host}:{sim.port}", korean_mode="double_byte")
    await printer.start()
    await printer.print_receipt(korean_receipt)
    [png] = await sim.wait_printed(1)
    assert ink_rows(png) > 150  # seven lines of text and a QR code, not a blank strip


async def test_receipts_come_out_in_order(printer: ReceiptPrinter, sim: ReceiptPrinterSimulator) -> None:
    for n in range(3):
        await printer.print_receipt(Receipt([ReceiptLine("x" * (n + 1))]))
    paths = await sim.wait_printed(3)
    assert [Path(p).name for p in paths] == ["receipt-0001.png", "receipt-0002.png", "receipt-0003.png"]
    assert sim.last_receipt() == paths[-1]


async def test_paper_near_end_is_a_low_warning_and_still_prints(
        sim: ReceiptPrinterSimulator, make_printer: PrinterFactory, english_receipt: Receipt) -> None:
    seen: list[DeviceStatus] = []
    printer = make_printer(f"tcp://{sim.host}:{sim.port}", on_status=seen.append)
    await printer.start()
    sim.paper_near_end(True)
    await printer.print_receipt(english_receipt)
    assert await sim.wait_printed(1)
    assert printer.status.supplies["paper"] is SupplyLevel.LOW
    assert printer.status.warnings == ["paper"]
    assert printer.status.usable
    assert seen[-1].reason == "paper-near-end"


async def test_paper_end_refuses_before_sending_anything(
        printer: ReceiptPrinter, sim: ReceiptPrinterSimulator, korean_receipt: Receipt) -> None:
    sim.paper_end(True)
    with pytest.raises(ReceiptPaperOut):
        await printer.print_receipt(korean_receipt)
    assert printer.status.state is DeviceState.OFFLINE
    assert printer.status.supplies["paper"] is SupplyLevel.OUT
    state = sim.state()
    assert state["bytes_received"] == 12  # DLE EOT 1..4 only: no job reached the printer
    assert state["receipts"] == 0
    assert "paper end" in state["printing"]


async def test_a_job_sent_anyway_during_paper_end_prints_nothing(sim: ReceiptPrinterSimulator) -> None:
    sim.paper_end(True)
    reader, writer = await asyncio.open_connection(sim.host, sim.port)
    try:
        writer.write(b"\x1b@Hello\n\x1bd\x06\x1dV\x01\x10\x04\x04")
        assert await asyncio.wait_for(reader.readexactly(1), 2) == b"\x7e"  # near-end and end sensors
        await sim.stop()  # waits for the page to go through the print head
    finally:
        writer.close()
    assert sim.receipts() == []
    assert sim.state()["discarded_jobs"] == 1


async def test_cover_open_is_reported_and_refused(
        printer: ReceiptPrinter, sim: ReceiptPrinterSimulator, english_receipt: Receipt) -> None:
    sim.cover_open(True)
    with pytest.raises(ReceiptCoverOpen) as caught:
        await printer.print_receipt(english_receipt)
    assert isinstance(caught.value, ReceiptPrinterOffline)
    assert (printer.status.state, printer.status.reason) == (DeviceState.OFFLINE, "cover-open")
    sim.cover_open(False)
    await printer.print_receipt(english_receipt)
    assert await sim.wait_printed(1)


async def test_silent_printer_is_offline_no_answer_within_the_status_timeout(
        printer: ReceiptPrinter, sim: ReceiptPrinterSimulator, clock: VirtualClock) -> None:
    assert (await printer.query_status()).state is DeviceState.ONLINE
    sim.silent(True)
    query = asyncio.create_task(printer.query_status())
    await until_waiting(clock)
    await clock.advance(0.4)
    assert not query.done()  # still inside the 0.5 s deadline
    await clock.advance(0.1)
    status = await query
    assert (status.state, status.reason) == (DeviceState.OFFLINE, "no-answer")
    assert status.supplies["paper"] is SupplyLevel.UNKNOWN  # never "paper adequate"
    assert printer.status == status


async def test_printing_to_a_silent_printer_raises_a_timeout(
        printer: ReceiptPrinter, sim: ReceiptPrinterSimulator, clock: VirtualClock,
        english_receipt: Receipt) -> None:
    sim.silent(True)
    job = asyncio.create_task(printer.print_receipt(english_receipt))
    await until_waiting(clock)
    await clock.advance(0.5)
    with pytest.raises(ReceiptPrinterTimeout) as caught:
        await job
    assert isinstance(caught.value, TimeoutError)
    assert sim.state()["bytes_received"] == 3  # one unanswered DLE EOT 1, no job


async def test_status_is_answered_mid_job(sim: ReceiptPrinterSimulator) -> None:
    reader, writer = await asyncio.open_connection(sim.host, sim.port)
    try:
        writer.write(b"\x1b@\x1ba\x01Receipt No. 1\n\x1dv0\x00\x01\x00\x02\x00\xff\xff")  # no cut yet
        writer.write(b"\x10\x04\x01")
        assert await asyncio.wait_for(reader.readexactly(1), 2) == b"\x12"
        assert sim.receipts() == []
        writer.write(b"\x1bd\x02\x1dV\x01")
        assert len(await sim.wait_printed(1)) == 1
    finally:
        writer.close()


async def test_reconnects_after_the_printer_drops_the_connection(
        sim: ReceiptPrinterSimulator, make_printer: PrinterFactory, english_receipt: Receipt) -> None:
    seen: list[DeviceStatus] = []
    printer = make_printer(f"tcp://{sim.host}:{sim.port}", on_status=seen.append)
    await printer.start()
    await printer.query_status()
    assert sim.drop_connections() == 1

    async def reported_lost() -> bool:
        return any(s.reason == "disconnected" for s in seen)

    async def back_online() -> bool:
        return (await printer.query_status()).state is DeviceState.ONLINE

    await eventually(reported_lost)
    await eventually(back_online)
    await printer.print_receipt(english_receipt)
    assert await sim.wait_printed(1)


async def test_a_printer_that_hangs_up_at_once_is_redialled_ever_more_slowly_and_warned_of_once(
        sim: ReceiptPrinterSimulator, make_printer: PrinterFactory, english_receipt: Receipt,
        caplog: pytest.LogCaptureFixture) -> None:
    """The booth's printer accepts each connection and hangs up before a byte (its network card is alive,
    the printer behind it wedged). The kiosk must not redial five times a second all night nor warn the
    log each time: the wait grows to its cap and one warning is written. Once the printer answers again,
    a later loss starts again from the short wait, and is warned of again."""
    sim.hang_up(True)
    backoff = RecordingBackoff(base=0.01, factor=1.5, cap=0.05)
    printer = make_printer(f"tcp://{sim.host}:{sim.port}", backoff=backoff)
    caplog.set_level(logging.DEBUG, logger="drivers.receipt_printer.client")

    async def redialled(times: int) -> bool:
        return len(backoff.delays) >= times

    async def back_online() -> bool:
        return (await printer.query_status()).state is DeviceState.ONLINE

    def warnings() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]

    await printer.start()
    await eventually(lambda: redialled(7))
    assert backoff.delays[:7] == pytest.approx([0.01, 0.015, 0.0225, 0.03375, 0.05, 0.05, 0.05])
    assert len(warnings()) == 1, warnings()
    assert printer.status.state is DeviceState.OFFLINE

    sim.hang_up(False)
    await eventually(back_online)
    assert [r.levelno for r in caplog.records if "answering" in r.getMessage()] == [logging.INFO]
    await printer.print_receipt(english_receipt)
    assert await sim.wait_printed(1)

    backoff.delays.clear()
    assert sim.drop_connections() == 1
    await eventually(lambda: redialled(1))
    assert backoff.delays[0] == pytest.approx(0.01)
    assert len(warnings()) == 2, warnings()
    await eventually(back_online)


async def test_printer_missing_at_start_is_offline_then_found(
        tmp_path: Path, make_printer: PrinterFactory, english_receipt: Receipt) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = make_printer(f"tcp://127.0.0.1:{port}")
    await printer.start()  # does not raise: the link task keeps trying
    assert (printer.status.state, printer.status.reason) == (DeviceState.OFFLINE, "disconnected")
    with pytest.raises(ReceiptPrinterOffline):
        await printer.print_receipt(english_receipt)
    late = ReceiptPrinterSimulator(out_dir=tmp_path / "late", port=port)
    await late.start()
    try:
        async def online() -> bool:
            return (await printer.query_status()).state is DeviceState.ONLINE

        await eventually(online)
        await printer.print_receipt(english_receipt)
        assert await late.wait_printed(1)
    finally:
        await late.stop()


async def test_simulator_runs_as_a_process_with_controls(
        tmp_path: Path, make_printer: PrinterFactory, english_receipt: Receipt) -> None:
    control = tmp_path / "receipt.sock"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulators.receipt_printer", "--out", str(tmp_path / "out"), "--port", "0",
        "--control", str(control), stdout=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode().strip()
        assert line.startswith("READY tcp://127.0.0.1:")
        printer = make_printer(line.removeprefix("READY "))
        await printer.start()
        assert (await send_control(control, "paper_near_end", on=True))["ok"]
        assert (await printer.query_status()).supplies["paper"] is SupplyLevel.LOW
        await printer.print_receipt(english_receipt)
        answer = await send_control(control, "wait_printed", count=1)
        assert answer["ok"], answer
        assert await asyncio.to_thread(Path(answer["result"][0]).is_file)
        state = (await send_control(control, "state"))["result"]
        assert state["paper"] == "near_end"
    finally:
        if proc.returncode is None:
            proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 10) == 0

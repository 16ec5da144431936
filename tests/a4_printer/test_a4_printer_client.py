"""The A4 driver against a real IPP server (ippeveprinter), faults made through its own knobs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Generic, TypeVar

import httpx
import pytest

from common.clock import VirtualClock
from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.a4_printer import A4Printer, PrinterTimeout, PrinterUnavailable, PrintFailed, PrintTimedOut
from drivers.a4_printer.client import http_url
from drivers.a4_printer.ipp_codec import Attribute, AttributeGroup, GroupTag, IppMessage, Operation, ValueTag
from simulators.a4_printer import A4PrinterSimulator

T = TypeVar("T")
pytestmark = pytest.mark.timeout(20)
PdfOf = Callable[[int], bytes]


class Recorder(Generic[T]):
    """Collects what a callback reports and lets the test wait (real time) for a given one."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._changed = asyncio.Event()

    def __call__(self, item: T) -> None:
        self.items.append(item)
        self._changed.set()

    async def reached(self, predicate: Callable[[T], bool], seconds: float = 5.0) -> None:
        async with asyncio.timeout(seconds):
            while not any(predicate(item) for item in self.items):
                self._changed.clear()
                await self._changed.wait()

    async def word(self, word: T) -> None:
        await self.reached(lambda item: item == word)


async def _job_attributes(uri: str, job_id: int) -> IppMessage:
    """What the printer itself says about a job: Get-Job-Attributes, sent by the test."""
    request = IppMessage(Operation.GET_JOB_ATTRIBUTES, 99, (AttributeGroup(GroupTag.OPERATION, (
        Attribute.of("attributes-charset", ValueTag.CHARSET, "utf-8"),
        Attribute.of("attributes-natural-language", ValueTag.NATURAL_LANGUAGE, "en"),
        Attribute.of("printer-uri", ValueTag.URI, uri),
        Attribute.of("job-id", ValueTag.INTEGER, job_id),
        Attribute.of("requested-attributes", ValueTag.KEYWORD, "all"),
    )),))
    async with httpx.AsyncClient() as http:
        answer = await http.post(http_url(uri), content=request.to_bytes(),
                                 headers={"Content-Type": "application/ipp"})
    return IppMessage.from_bytes(answer.content)


async def _read(path: str) -> bytes:
    return await asyncio.to_thread(Path(path).read_bytes)


async def test_prints_a_pdf_and_the_printer_receives_exactly_those_bytes(
        printer: A4Printer, sim: A4PrinterSimulator, pdf_of: PdfOf) -> None:
    pdf = pdf_of(2)
    progress = Recorder[str]()
    outcome = await printer.print_pdf(pdf, job_name="deungbon-0001", expected_pages=2, on_progress=progress)
    assert outcome.state == "completed"
    assert outcome.pages == 2
    assert "job-completed-successfully" in outcome.reasons
    assert progress.items[0] == "queued"
    assert progress.items[-1] == "completed"
    assert await _read(sim.jobs()[-1]) == pdf
    job = await _job_attributes(sim.endpoint, outcome.job_id)
    media = job.find("media", GroupTag.JOB)
    assert media is not None
    assert media.value == "iso_a4_210x297mm"
    assert printer.status.state is DeviceState.ONLINE


async def test_three_copies_print_three_times_the_pages(
        printer: A4Printer, sim: A4PrinterSimulator, pdf_of: PdfOf) -> None:
    pdf = pdf_of(2)
    outcome = await printer.print_pdf(pdf, copies=3, job_name="chobon-copies", expected_pages=2)
    assert outcome.pages == 6  # impressions the printer counted: 2 pages x 3 copies
    job = await _job_attributes(sim.endpoint, outcome.job_id)
    copies = job.find("copies", GroupTag.JOB)
    assert copies is not None
    assert copies.value == 3
    assert await _read(sim.jobs()[-1]) == pdf


async def test_empty_tray_shows_paper_out_before_anyone_pays(
        printer: A4Printer, sim: A4PrinterSimulator) -> None:
    await sim.empty_tray()
    status = await printer.refresh_status()
    assert status.supplies["paper"] is SupplyLevel.OUT
    assert status.reason == "media-empty"
    assert not status.usable
    await sim.refill()
    status = await printer.refresh_status()
    assert status.supplies["paper"] is SupplyLevel.FULL
    assert status.usable


async def test_low_tray_is_a_warning_not_a_stop(printer: A4Printer, sim: A4PrinterSimulator) -> None:
    await sim.low_tray()
    status = await printer.refresh_status()
    assert status.supplies["paper"] is SupplyLevel.LOW
    assert status.usable
    assert status.warnings == ["paper"]


async def test_tray_runs_out_mid_job_and_the_job_finishes_after_a_refill(
        printer: A4Printer, sim: A4PrinterSimulator, pdf_of: PdfOf) -> None:
    sim.set_page_delay(0.4)
    progress = Recorder[str]()
    task = asyncio.create_task(printer.print_pdf(pdf_of(2), job_name="mid-job", on_progress=progress))
    try:
        await progress.word("printing")
        await sim.empty_tray()  # during the first sheet
        await progress.word("waiting-for-paper")
        assert printer.status.supplies["paper"] is SupplyLevel.OUT
        assert not task.done()
        await sim.refill()
        outcome = await asyncio.wait_for(task, 5)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    assert outcome.state == "completed"
    assert outcome.pages == 2
    assert progress.items == ["queued", "printing", "waiting-for-paper", "printing", "completed"]


async def test_no_paper_for_media_wait_times_out_and_cancels_the_job(
        printer: A4Printer, sim: A4PrinterSimulator, clock: VirtualClock, pdf_of: PdfOf) -> None:
    await sim.empty_tray()
    progress = Recorder[str]()
    task = asyncio.create_task(printer.print_pdf(pdf_of(1), job_name="never-refilled", on_progress=progress))
    try:
        await progress.word("waiting-for-paper")
        await clock.advance(119)
        await asyncio.sleep(0.1)
        assert not task.done()  # still waiting: 119 s < media_wait
        await clock.advance(2)
        with pytest.raises(PrintTimedOut) as caught:
            await asyncio.wait_for(task, 5)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.reason == "media-empty"
    job_id = caught.value.job_id
    assert job_id is not None
    job = await _job_attributes(sim.endpoint, job_id)
    state = job.find("job-state", GroupTag.JOB)
    job_reasons = job.find("job-state-reasons", GroupTag.JOB)
    assert state is not None
    assert job_reasons is not None
    # ippeveprinter marks a job cancelled while it waits for paper as stopping (RFC 8011 §5.3.8),
    # and canceled (7) once it gets paper back.
    assert state.value == 7 or "processing-to-stop-point" in job_reasons.strings()


async def test_giving_up_on_a_print_cancels_the_job_at_the_printer(
        printer: A4Printer, sim: A4PrinterSimulator, pdf_of: PdfOf) -> None:
    await sim.empty_tray()
    progress = Recorder[str]()
    task = asyncio.create_task(printer.print_pdf(pdf_of(1), job_name="given-up", on_progress=progress))
    await progress.word("waiting-for-paper")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    job = await _job_attributes(sim.endpoint, 1)  # reset() gave this test a fresh printer: job 1
    job_reasons = job.find("job-state-reasons", GroupTag.JOB)
    assert job_reasons is not None
    assert "processing-to-stop-point" in job_reasons.strings()


async def test_a_jam_fails_the_job_and_blocks_printing_until_cleared(
        printer: A4Printer, sim: A4PrinterSimulator, pdf_of: PdfOf) -> None:
    sim.jam_next_job()
    with pytest.raises(PrintFailed) as caught:
        await printer.print_pdf(pdf_of(1), job_name="jammed")
    assert caught.value.reason == "media-jam"
    status = await printer.refresh_status()
    assert status.supplies["paper"] is SupplyLevel.JAMMED
    assert status.state is DeviceState.HARDWARE_ERROR
    assert not status.usable
    with pytest.raises(PrinterUnavailable) as refused:
        await printer.print_pdf(pdf_of(1), job_name="after-jam")
    assert refused.value.reason == "media-jam"
    await sim.clear_jam()
    outcome = await printer.print_pdf(pdf_of(1), job_name="after-clear")
    assert outcome.state == "completed"


async def test_low_toner_is_reported_and_the_printer_still_prints(
        printer: A4Printer, sim: A4PrinterSimulator, pdf_of: PdfOf) -> None:
    await sim.toner_low()
    status = await printer.refresh_status()
    assert status.supplies["toner"] is SupplyLevel.LOW
    assert status.state is DeviceState.ONLINE
    assert status.usable
    assert status.warnings == ["toner"]
    outcome = await printer.print_pdf(pdf_of(1), job_name="toner-low")
    assert outcome.state == "completed"


async def test_empty_toner_is_reported_out(printer: A4Printer, sim: A4PrinterSimulator) -> None:
    await sim.toner_empty()
    status = await printer.refresh_status()
    assert status.supplies["toner"] is SupplyLevel.OUT
    assert not status.usable


async def test_a_stopped_printer_is_offline_connection_refused(
        printer: A4Printer, sim: A4PrinterSimulator, pdf_of: PdfOf) -> None:
    await sim.stop_printer()
    status = await printer.refresh_status()
    assert status.state is DeviceState.OFFLINE
    assert status.reason == "connection-refused"
    with pytest.raises(PrinterUnavailable) as caught:
        await printer.print_pdf(pdf_of(1), job_name="offline")
    assert caught.value.reason == "connection-refused"
    await sim.start_again()
    status = await printer.refresh_status()
    assert status.state is DeviceState.ONLINE


async def test_the_monitor_reports_the_printer_going_and_coming_back(
        sim: A4PrinterSimulator, clock: VirtualClock) -> None:
    seen = Recorder[DeviceStatus]()
    client = A4Printer(sim.endpoint, clock=clock, on_status=seen, monitor_interval=0.02)
    await client.start()
    try:
        assert client.status.state is DeviceState.ONLINE
        await sim.stop_printer()
        # Killed mid-request the first failure may read "connection-lost"; the retry is refused.
        await seen.reached(lambda status: status.reason == "connection-refused")
        assert client.status.state is DeviceState.OFFLINE
        await sim.start_again()
        # Reconnect attempts back off (common.backoff: 0.2 s, 0.36 s, ...): well within 5 s here.
        await seen.reached(lambda status: status is seen.items[-1] and status.state is DeviceState.ONLINE)
    finally:
        await client.close()
    states = [status.state for status in seen.items]
    assert states[0] is DeviceState.ONLINE
    assert DeviceState.OFFLINE in states
    assert states[-1] is DeviceState.ONLINE


@pytest.fixture
async def silent_printer() -> AsyncIterator[str]:
    """A TCP port that accepts connections and never answers: a hung printer."""
    held: list[asyncio.StreamWriter] = []

    async def swallow(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"ipp://127.0.0.1:{port}/ipp/print"
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_printer_that_never_answers_is_offline_after_request_timeout(
        silent_printer: str, clock: VirtualClock, pdf_of: PdfOf) -> None:
    client = A4Printer(silent_printer, clock=clock, request_timeout=5.0)
    try:
        refresh = asyncio.create_task(client.refresh_status())
        await asyncio.sleep(0.05)
        assert not refresh.done()
        await clock.advance(5)
        status = await asyncio.wait_for(refresh, 2)
        assert status.state is DeviceState.OFFLINE
        assert status.reason == "ipp-timeout"
        printing = asyncio.create_task(client.print_pdf(pdf_of(1), job_name="hung"))
        await asyncio.sleep(0.05)
        await clock.advance(5)
        with pytest.raises(PrinterTimeout):
            await asyncio.wait_for(printing, 2)
    finally:
        await client.close()


# -- after the kiosk died mid-job -------------------------------------------------------------------


async def test_a_job_the_previous_run_sent_is_found_by_name_and_followed_to_its_end(
        printer: A4Printer, sim: A4PrinterSimulator, clock: VirtualClock, pdf_of: PdfOf) -> None:
    sim.set_page_delay(0.3)
    # The previous run got as far as Print-Job and was killed: the job prints on, unwatched.
    job_id = await printer._submit(pdf_of(1), copies=1, job_name="a1b2c3d4-1of1", a4=True)
    after = A4Printer(sim.endpoint, clock=clock, poll_interval=0.02, monitor_interval=0.05)
    await after.start()
    try:
        found = await after.outcome_of("a1b2c3d4-1of1", expected_pages=1)
        assert found is not None
        assert (found.job_id, found.state, found.pages) == (job_id, "completed", 1)
        assert await after.outcome_of("never-sent-1of1") is None
    finally:
        await after.close()


async def test_a_completed_job_from_before_the_restart_counts_as_printed(
        printer: A4Printer, sim: A4PrinterSimulator, clock: VirtualClock, pdf_of: PdfOf) -> None:
    sent = await printer.print_pdf(pdf_of(2), job_name="deadbeef-1of1", expected_pages=2)
    after = A4Printer(sim.endpoint, clock=clock, poll_interval=0.02, monitor_interval=0.05)
    await after.start()
    try:
        found = await after.outcome_of("deadbeef-1of1", expected_pages=2)
        assert found is not None
        assert (found.job_id, found.state, found.pages) == (sent.job_id, "completed", 2)
        assert await after.outcome_of("deadbeef-2of2") is None
    finally:
        await after.close()


async def test_a_job_stuck_without_paper_after_the_restart_is_cancelled_not_left_to_print_later(
        printer: A4Printer, sim: A4PrinterSimulator, clock: VirtualClock, pdf_of: PdfOf) -> None:
    await sim.empty_tray()
    progress = Recorder[str]()
    stuck = asyncio.create_task(printer.print_pdf(pdf_of(1), job_name="0badf00d-1of1", on_progress=progress))
    await progress.word("waiting-for-paper")
    await printer.close()  # killed mid-wait: the job stays queued at the printer
    stuck.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await stuck
    delivered_before = sim.delivered()
    after = A4Printer(sim.endpoint, clock=clock, poll_interval=0.02, monitor_interval=0.05)
    await after.start()
    try:
        assert await after.outcome_of("0badf00d-1of1") is None
        await sim.refill()
        await asyncio.sleep(0.5)
        assert sim.delivered() == delivered_before  # refilled later, the cancelled job does not come out
    finally:
        await after.close()

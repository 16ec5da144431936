"""The A4 driver against a real IPP server (ippeveprinter), faults made through its own knobs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpx
import pytest

from common.clock import VirtualClock
from common.status import DeviceState, DeviceStatus, SupplyLevel
from drivers.a4_printer import (
    A4Printer,
    PrinterTimeout,
    PrinterUnavailable,
    PrintFailed,
    PrintOutcomeUnknown,
    PrintTimedOut,
)
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


# -- a printer that stops answering mid-job ----------------------------------------------------------


async def _until_a_request_hangs(clock: VirtualClock, sleepers: int, task: asyncio.Task[Any]) -> None:
    """Wait (real time) until the driver has a request in flight at the hung printer (its deadline is
    on the virtual clock beside the job's own: `sleepers` in all), or `task` has ended."""
    async with asyncio.timeout(5):
        while True:
            if clock.pending_sleepers >= sleepers or task.done():
                return
            await asyncio.sleep(0.005)


async def test_one_slow_answer_mid_job_does_not_fail_the_copy(
        sim: A4PrinterSimulator, clock: VirtualClock, pdf_of: PdfOf, caplog: pytest.LogCaptureFixture) -> None:
    """A printer busy with a page leaves one Get-Job-Attributes unanswered past the request timeout:
    the driver asks again and the resident gets the copy (before, the print failed and was refunded
    while the printer went on and delivered it)."""
    sim.set_page_delay(0.3)
    delivered_before = sim.delivered()
    client = A4Printer(sim.endpoint, clock=clock, poll_interval=0.02, monitor_interval=0.05)
    await client.start()
    progress = Recorder[str]()
    task = asyncio.create_task(client.print_pdf(pdf_of(2), job_name="slow-answer-1of1", expected_pages=2,
                                                on_progress=progress))
    try:
        await progress.word("printing")
        sim.hang(True)
        await _until_a_request_hangs(clock, 2, task)  # the job timeout and the poll that gets no answer
        await clock.advance(5)  # request_timeout: that poll times out
        await _until_a_request_hangs(clock, 2, task)  # ... and the driver asks again
        assert not task.done(), f"one slow answer ended the print: {task.exception()!r}"
        sim.hang(False)
        outcome = await asyncio.wait_for(task, 10)
    finally:
        sim.hang(False)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        await client.close()
    assert "ipp-timeout" in caplog.text  # the slow answer really timed out
    assert (outcome.state, outcome.pages) == ("completed", 2)
    assert progress.items[-1] == "completed"
    assert sim.delivered() == [*delivered_before, sim.jobs()[-1]]  # on paper, once


class CuttableLink:
    """The network between the kiosk and the printer, as a TCP relay that can be cut: while cut it
    takes the kiosk's connections and requests and passes nothing on, and nothing comes back (a cable
    pulled at the switch). The printer itself goes on printing and never hears what was sent then."""

    def __init__(self, printer_uri: str) -> None:
        parts = urlsplit(printer_uri)
        self._target = (parts.hostname or "localhost", parts.port or 631)
        self._path = parts.path
        self.cut = False
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"ipp://127.0.0.1:{port}{self._path}"

    async def __aexit__(self, *exc: object) -> None:
        for writer in self._writers:
            writer.close()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        if self.cut:
            with contextlib.suppress(OSError):
                while await reader.read(65536):
                    pass  # lost on the way
            return
        up_reader, up_writer = await asyncio.open_connection(*self._target)
        self._writers.append(up_writer)

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while chunk := await source.read(65536):
                    sink.write(chunk)
                    await sink.drain()
            with contextlib.suppress(OSError):
                sink.write_eof()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def test_a_printer_unreachable_mid_job_is_given_up_and_the_job_cancelled_when_it_answers(
        sim: A4PrinterSimulator, clock: VirtualClock, pdf_of: PdfOf) -> None:
    """The network to the printer goes mid-job for longer than the driver waits, Cancel-Job included,
    while the printer goes on printing: the driver says the outcome is unknown (not "not printed"),
    names the job, and cancels it as soon as the printer answers again, so the refunded document
    never comes out."""
    sim.set_page_delay(2)
    delivered_before = sim.delivered()
    link = CuttableLink(sim.endpoint)
    async with link as uri:
        client = A4Printer(uri, clock=clock, poll_interval=0.02, monitor_interval=0.05, poll_patience=10)
        await client.start()
        progress = Recorder[str]()
        task = asyncio.create_task(client.print_pdf(pdf_of(1), job_name="gone-1of1", expected_pages=1,
                                                    on_progress=progress))
        try:
            await progress.word("printing")
            link.cut = True
            async with asyncio.timeout(5):
                while not task.done():
                    # A request in flight (a poll beside the job's deadline, or the lone Cancel-Job).
                    await _until_a_request_hangs(clock, 1, task)
                    await clock.advance(5)
            with pytest.raises(PrintOutcomeUnknown) as caught:
                await task
            job_id = caught.value.job_id
            assert job_id is not None
            assert caught.value.job_name == "gone-1of1"
            assert caught.value.reason == "ipp-timeout"  # the screen says "printer unavailable"
            job = await _job_attributes(sim.endpoint, job_id)
            state, job_reasons = job.find("job-state", GroupTag.JOB), job.find("job-state-reasons", GroupTag.JOB)
            assert state is not None and state.value == 5  # still printing: the cancel never got there
            assert job_reasons is None or "processing-to-stop-point" not in job_reasons.strings()
            link.cut = False
            # Back: the monitor sends the Cancel-Job it owes; the sheet stops at the printer's stop point.
            async with asyncio.timeout(10):
                while True:
                    job = await _job_attributes(sim.endpoint, job_id)
                    state = job.find("job-state", GroupTag.JOB)
                    assert state is not None
                    assert state.value != 9, "the given-up job printed"
                    if state.value == 7:
                        break
                    await clock.advance(1)  # a request lost while the link was down times out meanwhile
                    await asyncio.sleep(0.05)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            await client.close()
    assert sim.delivered() == delivered_before

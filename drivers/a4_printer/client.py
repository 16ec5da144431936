"""The A4 document printer, spoken to in IPP (RFC 8011 operations, RFC 8010 bytes) over HTTP.

The controller needs three things from it: is it usable (paper, toner, jams) before a resident pays,
print this PDF and say when it is really on paper, and a typed reason when it is not. IPP printers
report everything through printer-state / printer-state-reasons and job-state / job-state-reasons,
so the client polls those while a job runs and a slower monitor keeps `status` fresh in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx

from common.backoff import Backoff
from common.clock import Clock
from common.status import DeviceState, DeviceStatus
from drivers.a4_printer import reasons as rs
from drivers.a4_printer.errors import (
    A4PrinterError,
    IppDecodeError,
    PrinterTimeout,
    PrinterUnavailable,
    PrintFailed,
    PrintOutcomeUnknown,
    PrintTimedOut,
)
from drivers.a4_printer.ipp_codec import (
    Attribute,
    AttributeGroup,
    GroupTag,
    IppMessage,
    JobState,
    Operation,
    ValueTag,
    status_name,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

A4_MEDIA = "iso_a4_210x297mm"  # PWG 5101.1 self-describing media name for ISO A4
USER_NAME = "kiosk"
# Status codes after which nothing was queued and the printer may take work again later
# (RFC 8011 §B.1.6): the kiosk tells the resident "not now", not "failed".
_NOT_NOW = {0x0502, 0x0505, 0x0506, 0x0507}
# Transport failures of one request (PrinterUnavailable reasons from `_request`) that say nothing about
# the job: a printer busy with a page answers late, a connection drops. A running job's polls are asked
# again after them, for up to `poll_patience`.
_TRANSIENT = {"ipp-timeout", "connection-lost", "connection-refused", "connect-failed", "http-error"}

_PRINTER_ATTRIBUTES = (
    "printer-state", "printer-state-reasons", "printer-state-message", "printer-is-accepting-jobs",
    "media-supported", "media-ready",
)
_JOB_ATTRIBUTES = (
    "job-id", "job-state", "job-state-reasons", "job-state-message", "job-impressions",
    "job-impressions-completed", "job-media-sheets-completed",
)


# What the technician's board shows of the printer's identity (A4Printer.identify).
_IDENTITY_ATTRIBUTES = (
    "printer-info", "printer-make-and-model", "printer-firmware-name", "printer-firmware-string-version",
)


@dataclass(frozen=True)
class PrintOutcome:
    """A job the printer reports completed."""

    job_id: int
    state: str
    pages: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _PrinterView:
    status: DeviceStatus
    reasons: tuple[str, ...]
    media_supported: frozenset[str]


@dataclass(frozen=True)
class _JobView:
    state: int
    reasons: tuple[str, ...]
    message: str
    impressions: int | None
    sheets: int | None


def http_url(uri: str) -> str:
    """``ipp://host[:port]/path`` -> ``http://host:port/path`` (RFC 8010 §5: port 631 by default)."""
    parts = urlsplit(uri)
    scheme = {"ipp": "http", "ipps": "https", "http": "http", "https": "https"}.get(parts.scheme)
    if scheme is None or not parts.hostname:
        raise ValueError(f"not an IPP printer URI: {uri!r}")
    netloc = parts.netloc if parts.port else f"{parts.netloc}:631"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


class A4Printer:
    """One IPP printer: status, Print-Job with the job followed to its end, Cancel-Job on give-up."""

    def __init__(
        self,
        uri: str,
        *,
        clock: Clock,
        on_status: Callable[[DeviceStatus], None] | None = None,
        request_timeout: float = 5.0,
        poll_interval: float = 0.25,
        media_wait: float = 120.0,
        monitor_interval: float = 2.0,
        job_timeout: float = 300.0,
        poll_patience: float = 30.0,
    ) -> None:
        # request_timeout 5 s: ippeveprinter answers in ~1 ms and an office printer on the LAN in
        # tens of ms; 5 s of silence means it is gone. poll_interval 0.25 s: a page takes ~6 s at
        # 10 ppm, so a quarter second shows progress promptly at 8 small requests a second.
        # media_wait 120 s: two minutes is what a technician on site needs to load a ream; longer
        # and the resident has walked away. monitor_interval 2 s: a paper-out shows on screen
        # before the next resident finishes choosing a document. job_timeout 300 s: the longest
        # kiosk document (a few pages) prints in well under a minute, plus media_wait. poll_patience
        # 30 s: how long a running job's printer may leave its polls unanswered (six request timeouts)
        # before the job is given up and cancelled; one slow answer while a page rasterises must not
        # fail a copy, and a printer gone for half a minute is not coming back for this resident.
        self._uri = uri
        self._url = http_url(uri)
        self._clock = clock
        self._on_status = on_status
        self._request_timeout = request_timeout
        self._poll_interval = poll_interval
        self._media_wait = media_wait
        self._monitor_interval = monitor_interval
        self._job_timeout = job_timeout
        self._poll_patience = poll_patience
        # Jobs given up on whose Cancel-Job did not reach the printer: job id -> job name. Sent again
        # as soon as the printer answers (the monitor, or the next print), so nothing prints later.
        self._owed_cancels: dict[int, str] = {}
        self._status = DeviceStatus.unknown(rs.DEVICE)
        self._request_ids = itertools.count(1)
        self._http: httpx.AsyncClient | None = None
        self._monitor: asyncio.Task[None] | None = None
        self._print_lock = asyncio.Lock()
        self._backoff = Backoff()

    async def start(self) -> None:
        """Open the HTTP client, read the status once, and keep it fresh in the background."""
        self._ensure_http()
        await self.refresh_status()
        if self._monitor is None:
            self._monitor = asyncio.create_task(self._monitor_loop(), name="a4-printer-monitor")

    async def close(self) -> None:
        if self._monitor is not None:
            self._monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor
            self._monitor = None
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> A4Printer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def status(self) -> DeviceStatus:
        return self._status

    async def refresh_status(self) -> DeviceStatus:
        """Ask the printer now (Get-Printer-Attributes); an unreachable printer is OFFLINE, not raised."""
        try:
            await self._poll_printer()
        except A4PrinterError as exc:
            self._set_status(self._offline(exc))
        return self._status

    async def print_pdf(
        self,
        pdf: bytes,
        *,
        copies: int = 1,
        job_name: str,
        expected_pages: int | None = None,
        on_progress: Callable[[str], None] | None = None,
    ) -> PrintOutcome:
        """Print `pdf` and return once the printer reports the job completed.

        `expected_pages` is the document's page count, used for `PrintOutcome.pages` (times
        `copies`) when the printer does not count impressions. Progress words: ``queued``,
        ``printing``, ``waiting-for-paper``, ``completed``.

        A poll of the running job that gets no answer (a printer busy with a page) is asked again for
        up to `poll_patience`. A job given up on (that long unanswered, or `job_timeout`) is cancelled:
        PrintFailed once the printer took the cancel or the job had ended, PrintOutcomeUnknown when the
        printer could not be reached even for that (the sheet may still come out; the cancel is sent
        again as soon as the printer answers), and its outcome if it completed after all.
        """
        if copies < 1:
            raise ValueError("copies must be at least 1")
        progress = _Progress(on_progress)
        async with self._print_lock:
            printer = await self._poll_printer()
            await self._send_owed_cancels()
            if rs.jammed(printer.reasons):
                raise PrinterUnavailable("media-jam", "the printer reports a paper jam")
            job_id = await self._submit(pdf, copies=copies, job_name=job_name,
                                        a4=A4_MEDIA in printer.media_supported)
            progress("queued")
            try:
                return await _within(
                    self._clock,
                    self._follow(job_id, job_name, copies=copies, expected_pages=expected_pages, progress=progress),
                    self._job_timeout,
                )
            except PrintFailed:
                raise  # the printer said how the job ended (and it was cancelled where it could go on)
            except PrinterUnavailable as exc:
                # Unanswered for poll_patience mid-job: the job may be printing on regardless.
                return await self._give_up(job_id, job_name, exc, copies=copies, expected_pages=expected_pages,
                                           progress=progress)
            except TimeoutError as exc:
                timed_out = PrintTimedOut("job-timeout", f"not done after {self._job_timeout:g} s", job_id=job_id)
                timed_out.__cause__ = exc
                return await self._give_up(job_id, job_name, timed_out, copies=copies,
                                           expected_pages=expected_pages, progress=progress)
            except asyncio.CancelledError:
                # Whoever gave up on this print does not want the sheets either.
                await asyncio.shield(self._cancel_quietly(job_id, job_name))
                raise

    async def outcome_of(self, job_name: str, *, expected_pages: int | None = None) -> PrintOutcome | None:
        """What became of a job a previous run of the kiosk sent under `job_name` and died before
        hearing the end of. A job still queued or printing is followed to its end (and cancelled if
        it does not end within the job timeout, so no sheet comes out after the kiosk gave up on it).
        None when the printer has no such job, or the job ended without a whole document.
        """
        async with self._print_lock:
            job_id = await self._job_named(job_name)
            if job_id is None:
                return None
            job, printer = await self._poll_job(job_id), await self._poll_printer()
            if not JobState(job.state).terminal and (rs.waiting_for_paper(printer.reasons)
                                                     or rs.jammed(printer.reasons)):
                # It cannot finish without a technician: stop it now, so nothing prints after the kiosk
                # has given the resident their money back.
                await self._cancel_quietly(job_id, job_name)
                log.warning("A4 job %d (%s) from before the restart is stuck (%s); cancelled", job_id, job_name,
                            ", ".join(printer.reasons))
                return None
            try:
                return await _within(
                    self._clock,
                    self._follow(job_id, job_name, copies=1, expected_pages=expected_pages, progress=_Progress(None)),
                    self._job_timeout,
                )
            except PrinterUnavailable as exc:
                # Unanswered for poll_patience: stop it, so it does not print after the resident's refund.
                await self._cancel_quietly(job_id, job_name)
                log.warning("A4 job %d (%s) from before the restart: the printer stopped answering (%s); "
                            "cancelled", job_id, job_name, exc)
                return None
            except A4PrinterError as exc:
                log.warning("A4 job %d (%s) from before the restart did not print: %s", job_id, job_name, exc)
                return None
            except TimeoutError:
                await self._cancel_quietly(job_id, job_name)
                log.warning("A4 job %d (%s) from before the restart did not finish; cancelled", job_id, job_name)
                return None

    async def _job_named(self, job_name: str) -> int | None:
        """The newest job called `job_name` among the printer's unfinished and finished jobs (Get-Jobs,
        RFC 8011 §4.2.6; a printer keeps finished jobs for a while, ippeveprinter for a minute)."""
        found: list[int] = []
        for which in ("not-completed", "completed"):
            answer = await self._request(Operation.GET_JOBS, [
                Attribute.of("requesting-user-name", ValueTag.NAME, USER_NAME),
                Attribute.of("which-jobs", ValueTag.KEYWORD, which),
                Attribute.of("requested-attributes", ValueTag.KEYWORD, "job-id", "job-name"),
            ])
            if not answer.status_ok:
                raise PrintFailed(status_name(answer.code), f"Get-Jobs ({which})")
            for group in answer.groups:
                if group.tag != GroupTag.JOB:
                    continue
                name, job_id = group.get("job-name"), group.get("job-id")
                if name is not None and job_id is not None and name.strings() == [job_name] and job_id.ints():
                    found.append(job_id.ints()[0])
        return max(found) if found else None

    # -- the job ----------------------------------------------------------------------------------

    async def _submit(self, pdf: bytes, *, copies: int, job_name: str, a4: bool) -> int:
        job_attrs = [Attribute.of("copies", ValueTag.INTEGER, copies)]
        if a4:
            job_attrs.append(Attribute.of("media", ValueTag.KEYWORD, A4_MEDIA))
        answer = await self._request(
            Operation.PRINT_JOB,
            [
                Attribute.of("requesting-user-name", ValueTag.NAME, USER_NAME),
                Attribute.of("job-name", ValueTag.NAME, job_name),
                Attribute.of("document-format", ValueTag.MIME_MEDIA_TYPE, "application/pdf"),
            ],
            job_attrs,
            data=pdf,
        )
        if not answer.status_ok:
            name = status_name(answer.code)
            detail = _text(answer, "status-message")
            if answer.code in _NOT_NOW:
                raise PrinterUnavailable(name, detail)
            raise PrintFailed(name, detail)
        job_id = answer.find("job-id")
        if job_id is None or not job_id.ints():
            raise PrintFailed("bad-response", "Print-Job answer without job-id")
        log.info("A4 job %d accepted (%s, %d copies, %d bytes)", job_id.ints()[0], job_name, copies, len(pdf))
        return job_id.ints()[0]

    async def _follow(self, job_id: int, job_name: str, *, copies: int, expected_pages: int | None,
                      progress: _Progress) -> PrintOutcome:
        while True:
            job, printer = await self._poll_running(job_id)
            if job.state == JobState.COMPLETED:
                pages = job.impressions or job.sheets or (expected_pages or 0) * copies
                progress("completed")
                log.info("A4 job %d completed, %d pages", job_id, pages)
                return PrintOutcome(job_id, "completed", pages, job.reasons)
            if job.state == JobState.CANCELED:
                raise PrintFailed("canceled", job.message or "cancelled at the printer", job_id=job_id)
            if job.state == JobState.ABORTED or rs.jammed(printer.reasons):
                reason = _failure_reason(job, printer)
                if job.state != JobState.ABORTED:
                    await self._cancel_quietly(job_id, job_name)
                log.warning("A4 job %d failed: %s (%s)", job_id, reason, job.message)
                raise PrintFailed(reason, job.message, job_id=job_id)
            if rs.waiting_for_paper(printer.reasons):
                progress("waiting-for-paper")
                try:
                    await _within(self._clock, self._until_paper(job_id), self._media_wait)
                except TimeoutError as exc:
                    await self._cancel_quietly(job_id, job_name)
                    raise PrintTimedOut("media-empty", f"no paper within {self._media_wait:g} s",
                                        job_id=job_id) from exc
                continue
            if job.state in (JobState.PROCESSING, JobState.PROCESSING_STOPPED):
                progress("printing")
            await asyncio.sleep(self._poll_interval)

    async def _poll_running(self, job_id: int) -> tuple[_JobView, _PrinterView]:
        """The job's and the printer's attributes. A transport failure (a slow answer while a page
        rasterises, a dropped connection) is asked again a poll interval later, for up to poll_patience
        on the clock; after that the last failure is raised (the caller gives the job up)."""
        first_failure: float | None = None
        while True:
            try:
                return await self._poll_job(job_id), await self._poll_printer()
            except PrinterUnavailable as exc:
                if exc.reason not in _TRANSIENT:
                    raise
                now = self._clock.monotonic()
                if first_failure is None:
                    first_failure = now
                    log.warning("A4 job %d: the printer did not answer a poll (%s); asking again", job_id, exc)
                elif now - first_failure >= self._poll_patience:
                    log.error("A4 job %d: the printer has not answered for %.0f s (%s)", job_id,
                              now - first_failure, exc)
                    raise
            await asyncio.sleep(self._poll_interval)

    async def _give_up(self, job_id: int, job_name: str, why: A4PrinterError, *, copies: int,
                       expected_pages: int | None, progress: _Progress) -> PrintOutcome:
        """Stop a job the driver can no longer wait for: Cancel-Job, then ask how it ended. A job that
        completed after all is returned (the resident has the document); one cancelled or ended raises
        PrintFailed (`why`'s reason); one the printer cannot be reached about, not even to cancel it,
        raises PrintOutcomeUnknown, and the cancel is sent again once the printer answers."""
        cancelled = await self._cancel_quietly(job_id, job_name)
        try:
            job: _JobView | None = await self._poll_job(job_id)
        except A4PrinterError as exc:
            log.info("A4 job %d: no state after Cancel-Job: %s", job_id, exc)
            job = None
        if job is not None and job.state >= JobState.CANCELED:
            self._owed_cancels.pop(job_id, None)  # it has ended: nothing left to cancel
        if job is not None and job.state == JobState.COMPLETED:
            pages = job.impressions or job.sheets or (expected_pages or 0) * copies
            progress("completed")
            log.warning("A4 job %d completed as it was given up (%s), %d pages", job_id, why, pages)
            return PrintOutcome(job_id, "completed", pages, job.reasons)
        reason = getattr(why, "reason", "") or "print-failed"
        detail = getattr(why, "detail", "") or str(why)
        if cancelled or (job is not None and job.state >= JobState.CANCELED):
            log.warning("A4 job %d given up (%s); cancelled at the printer", job_id, why)
            if isinstance(why, PrintFailed):
                raise why
            raise PrintFailed(reason, detail, job_id=job_id) from why
        self._owed_cancels[job_id] = job_name
        log.error("A4 job %d (%s) given up (%s), and the printer cannot be reached to cancel it: it may still "
                  "print; Cancel-Job will be sent again when the printer answers", job_id, job_name, why)
        raise PrintOutcomeUnknown(reason, detail, job_id=job_id, job_name=job_name) from why

    async def _send_owed_cancels(self) -> None:
        """Cancel-Job for the jobs given up on while the printer could not be reached, now that it may
        answer; each is checked by name first (a printer that restarted numbers its jobs from 1 again).
        Ones still unreachable stay owed; never raises."""
        for job_id, job_name in list(self._owed_cancels.items()):
            try:
                found = await self._job_named(job_name)
                if found != job_id:
                    # Gone from the printer (restarted, or long finished): nothing left to stop.
                    log.warning("A4 job %d (%s), given up on, is no longer at the printer", job_id, job_name)
                else:
                    job = await self._poll_job(job_id)
                    if job.state == JobState.COMPLETED:
                        log.error("A4 job %d (%s), given up on, printed before it could be cancelled",
                                  job_id, job_name)
                    elif job.state < JobState.CANCELED:
                        if not await self._cancel_quietly(job_id):
                            continue
                        log.warning("A4 job %d (%s), given up on, cancelled now the printer answers",
                                    job_id, job_name)
            except A4PrinterError as exc:
                log.debug("A4 job %d: owed Cancel-Job still not sent: %s", job_id, exc)
                continue
            del self._owed_cancels[job_id]

    async def _until_paper(self, job_id: int) -> None:
        """Return when the printer has paper again or the job ended anyway."""
        while True:
            await asyncio.sleep(self._poll_interval)
            try:
                printer = await self._poll_printer()
                if not rs.waiting_for_paper(printer.reasons):
                    return
                if (await self._poll_job(job_id)).state >= JobState.CANCELED:
                    return
            except PrinterTimeout:
                continue  # one slow answer while we wait anyway; the deadline is media_wait

    async def _cancel_quietly(self, job_id: int, owed_as: str | None = None) -> bool:
        """Cancel-Job (RFC 8011 §4.3.3), best effort: the outcome is already decided. True when the
        printer accepted it; a refusal (a job already ended) or no answer is logged, and False. A cancel
        that did not reach the printer is owed (sent again once it answers) when `owed_as`, the job's
        name, is given."""
        try:
            answer = await self._request(Operation.CANCEL_JOB, [
                Attribute.of("job-id", ValueTag.INTEGER, job_id),
                Attribute.of("requesting-user-name", ValueTag.NAME, USER_NAME),
            ])
        except A4PrinterError as exc:
            log.warning("A4 job %d: Cancel-Job failed: %s%s", job_id, exc,
                        "; owed until the printer answers" if owed_as is not None else "")
            if owed_as is not None:
                self._owed_cancels[job_id] = owed_as
            return False
        if not answer.status_ok:
            log.info("A4 job %d: Cancel-Job answered %s", job_id, status_name(answer.code))
        return answer.status_ok

    # -- status -----------------------------------------------------------------------------------

    async def _monitor_loop(self) -> None:
        """Refresh `status` forever; never raises (a vanished printer is a status, not a crash)."""
        while True:
            delay = self._monitor_interval
            try:
                if not self._print_lock.locked():  # a running job polls more often already
                    await self._poll_printer()
                    if self._owed_cancels:
                        async with self._print_lock:
                            await self._send_owed_cancels()
                self._backoff.reset()
            except asyncio.CancelledError:
                raise
            except A4PrinterError as exc:
                self._set_status(self._offline(exc))
                level = logging.WARNING if self._backoff.first_failure else logging.DEBUG
                log.log(level, "A4 printer %s unreachable: %s", self._uri, exc)
                delay = self._backoff.next_delay()
            except Exception:
                log.exception("A4 printer monitor: unexpected error")
                delay = self._backoff.next_delay()
            await asyncio.sleep(delay)

    async def _poll_printer(self) -> _PrinterView:
        answer = await self._request(Operation.GET_PRINTER_ATTRIBUTES, [
            Attribute.of("requesting-user-name", ValueTag.NAME, USER_NAME),
            Attribute.of("requested-attributes", ValueTag.KEYWORD, *_PRINTER_ATTRIBUTES),
        ])
        if not answer.status_ok:
            raise PrinterUnavailable(status_name(answer.code), _text(answer, "status-message"))
        state_attr = answer.find("printer-state")
        state = state_attr.ints()[0] if state_attr is not None and state_attr.ints() else None
        reasons_attr = answer.find("printer-state-reasons")
        reasons = tuple(reasons_attr.strings()) if reasons_attr is not None else ()
        accepting_attr = answer.find("printer-is-accepting-jobs")
        accepting = accepting_attr.value if accepting_attr is not None else None
        media = answer.find("media-supported")
        media_supported = frozenset(media.strings()) if media is not None else frozenset()
        status = rs.printer_status(
            state, reasons, message=_text(answer, "printer-state-message"),
            accepting=accepting if isinstance(accepting, bool) else None,
        )
        self._set_status(status)
        return _PrinterView(status, reasons, media_supported)

    async def identify(self) -> dict[str, str]:
        """What the printer says it is (RFC 8011 printer-info and printer-make-and-model, PWG 5100.13
        printer-firmware-name / printer-firmware-string-version), for the technician's board; an
        attribute the printer does not report is left out, a printer that does not answer gives {}."""
        try:
            answer = await self._request(Operation.GET_PRINTER_ATTRIBUTES, [
                Attribute.of("requesting-user-name", ValueTag.NAME, USER_NAME),
                Attribute.of("requested-attributes", ValueTag.KEYWORD, *_IDENTITY_ATTRIBUTES),
            ])
        except A4PrinterError:
            return {}
        if not answer.status_ok:
            return {}
        found = {name: _text(answer, name) for name in ("printer-info", "printer-make-and-model")}
        # PWG 5100.13: one firmware name and version per component (engine, network card, ...), in step.
        names_attr, versions_attr = answer.find("printer-firmware-name"), answer.find("printer-firmware-string-version")
        names = names_attr.strings() if names_attr is not None else []
        versions = versions_attr.strings() if versions_attr is not None else []
        if versions:
            names = [*names, *[""] * (len(versions) - len(names))]
            found["printer-firmware-string-version"] = ", ".join(
                f"{name} {version}".strip() for name, version in zip(names, versions, strict=False))
        return {name: value for name, value in found.items() if value}

    async def _poll_job(self, job_id: int) -> _JobView:
        answer = await self._request(Operation.GET_JOB_ATTRIBUTES, [
            Attribute.of("job-id", ValueTag.INTEGER, job_id),
            Attribute.of("requesting-user-name", ValueTag.NAME, USER_NAME),
            Attribute.of("requested-attributes", ValueTag.KEYWORD, *_JOB_ATTRIBUTES),
        ])
        if not answer.status_ok:
            raise PrintFailed(status_name(answer.code), f"Get-Job-Attributes for job {job_id}", job_id=job_id)
        state = answer.find("job-state", GroupTag.JOB)
        if state is None or not state.ints():
            raise PrintFailed("bad-response", "Get-Job-Attributes answer without job-state", job_id=job_id)
        job_reasons = answer.find("job-state-reasons", GroupTag.JOB)
        return _JobView(
            state=state.ints()[0],
            reasons=tuple(job_reasons.strings()) if job_reasons is not None else (),
            message=_text(answer, "job-state-message").strip(),
            impressions=_positive_int(answer, "job-impressions-completed"),
            sheets=_positive_int(answer, "job-media-sheets-completed"),
        )

    def _set_status(self, status: DeviceStatus) -> None:
        if status == self._status:
            return
        previous, self._status = self._status, status
        if previous.state != status.state or previous.supplies != status.supplies:
            log.info("A4 printer %s: %s %s %s", self._uri, status.state.value, status.reason,
                     {k: v.value for k, v in status.supplies.items()})
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                log.exception("A4 printer on_status callback failed")

    def _offline(self, exc: A4PrinterError) -> DeviceStatus:
        reason = getattr(exc, "reason", "") or type(exc).__name__
        return DeviceStatus(rs.DEVICE, DeviceState.OFFLINE, reason, str(exc))

    # -- the wire ---------------------------------------------------------------------------------

    def _ensure_http(self) -> httpx.AsyncClient:
        if self._http is None:
            # No keep-alive: a printer that restarted must not cost a request on a dead pooled
            # connection, and a refused connection must show at once as "connection-refused".
            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(self._request_timeout),
                limits=httpx.Limits(max_keepalive_connections=0),
            )
        return self._http

    async def _request(self, operation: Operation, operation_attrs: Sequence[Attribute],
                       job_attrs: Sequence[Attribute] = (), *, data: bytes = b"") -> IppMessage:
        """One IPP request/response over HTTP POST (RFC 8010 §4); transport failures become typed."""
        request_id = next(self._request_ids) & 0x7FFFFFFF or 1
        groups = [AttributeGroup(GroupTag.OPERATION, (
            Attribute.of("attributes-charset", ValueTag.CHARSET, "utf-8"),
            Attribute.of("attributes-natural-language", ValueTag.NATURAL_LANGUAGE, "en"),
            Attribute.of("printer-uri", ValueTag.URI, self._uri),
            *operation_attrs,
        ))]
        if job_attrs:
            groups.append(AttributeGroup(GroupTag.JOB, tuple(job_attrs)))
        body = IppMessage(code=operation, request_id=request_id, groups=tuple(groups), data=data).to_bytes()
        http = self._ensure_http()
        try:
            response = await _within(
                self._clock,
                http.post(self._url, content=body, headers={"Content-Type": "application/ipp"}),
                self._request_timeout,
            )
        except (TimeoutError, httpx.TimeoutException) as exc:
            detail = f"{operation.name} unanswered for {self._request_timeout:g} s"
            raise PrinterTimeout("ipp-timeout", detail) from exc
        except httpx.HTTPError as exc:
            raise PrinterUnavailable(_transport_reason(exc), str(exc)) from exc
        if response.status_code != 200:
            code = response.status_code
            raise PrinterUnavailable(f"http-{code}", f"{operation.name} got HTTP {code}")
        try:
            answer = IppMessage.from_bytes(response.content)
        except IppDecodeError as exc:
            raise PrinterUnavailable("bad-response", str(exc)) from exc
        if answer.request_id != request_id:
            raise PrinterUnavailable("bad-response", f"request-id {answer.request_id}, expected {request_id}")
        return answer


async def _within(clock: Clock, aw: Awaitable[T], seconds: float) -> T:
    """`aw`'s result, or TimeoutError after `seconds` on `clock` (and `aw` cancelled).

    `Clock.wait_for` semantics, but a cancellation of the caller that arrives while the losing
    future is being cancelled is never swallowed: common/clock.py's helper suppresses
    CancelledError there, which left close() waiting forever for a monitor that kept running.
    """
    work: asyncio.Future[T] = asyncio.ensure_future(aw)
    deadline = asyncio.ensure_future(clock.sleep(seconds))
    racers: set[asyncio.Future[Any]] = {work, deadline}
    try:
        await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)
        if work.done():
            return work.result()
        raise TimeoutError(f"no answer within {seconds:g} s")
    finally:
        work.cancel()
        deadline.cancel()
        # gather() re-raises our own CancelledError if we are cancelled while it waits.
        await asyncio.gather(work, deadline, return_exceptions=True)


class _Progress:
    """Calls `on_progress` once per change of word; a failing callback never stops the job."""

    def __init__(self, callback: Callable[[str], None] | None) -> None:
        self._callback = callback
        self._last = ""

    def __call__(self, word: str) -> None:
        if word == self._last:
            return
        self._last = word
        if self._callback is not None:
            try:
                self._callback(word)
            except Exception:
                log.exception("A4 on_progress callback failed")


def _failure_reason(job: _JobView, printer: _PrinterView) -> str:
    if rs.jammed(printer.reasons) or rs.jammed(job.reasons):
        return "media-jam"
    for reason in rs.base_reasons(job.reasons):
        if reason not in ("job-printing", "job-completed-with-errors", "processing-to-stop-point"):
            return reason
    return "aborted"


def _transport_reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "connection-refused"
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, httpx.ConnectError):
        return "connect-failed"
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return "connection-lost"  # the printer went away in the middle of an answer
    return "http-error"


def _text(message: IppMessage, name: str) -> str:
    attribute = message.find(name)
    if attribute is None:
        return ""
    strings = attribute.strings()
    if strings:
        return strings[0]
    value: Any = attribute.value
    return str(getattr(value, "text", "") or "")


def _positive_int(message: IppMessage, name: str) -> int | None:
    attribute = message.find(name)
    if attribute is None or not attribute.ints():
        return None
    value = attribute.ints()[0]
    return value if value > 0 else None

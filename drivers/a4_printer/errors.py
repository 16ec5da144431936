"""Typed failures of the A4 (IPP) printer driver, so the controller can tell a resident what happened.

Every error the driver raises is an `A4PrinterError`; those caused by another exception are raised
``from`` it. Timeouts are also `TimeoutError`s.
"""

from __future__ import annotations


class A4PrinterError(Exception):
    """Anything the A4 printer driver reports as failed."""


class IppDecodeError(A4PrinterError, ValueError):
    """Bytes that are not a well-formed RFC 8010 IPP message."""


class IppEncodeError(A4PrinterError, ValueError):
    """A message that cannot be put on the wire (a name or value too long, a value of the wrong type)."""


class PrinterUnavailable(A4PrinterError):
    """The printer cannot be reached or refuses work: nothing was printed by this call."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class PrinterTimeout(PrinterUnavailable, TimeoutError):
    """The printer did not answer one request within `request_timeout`."""


class PrintFailed(A4PrinterError):
    """The printer took the job but did not finish it (aborted, jammed, refused the document)."""

    def __init__(self, reason: str, detail: str = "", *, job_id: int | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.job_id = job_id


class PrintTimedOut(PrintFailed, TimeoutError):
    """The job did not finish in time (no paper within `media_wait`); it was cancelled."""


class PrintOutcomeUnknown(PrintFailed):
    """The printer took the job, then stopped answering for longer than the driver waits, even to
    Cancel-Job: the job may still be printing and the document may yet come out. Not "not printed":
    `job_id` and `job_name` name the job (`A4Printer.outcome_of(job_name)` tells its end once the
    printer answers), and the driver sends Cancel-Job again as soon as it does. `reason` is the
    transport's (``ipp-timeout``, ``connection-lost``, ...) or ``job-timeout``."""

    def __init__(self, reason: str, detail: str = "", *, job_id: int, job_name: str) -> None:
        super().__init__(reason, detail, job_id=job_id)
        self.job_name = job_name

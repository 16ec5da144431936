"""The A4 printer's far end: CUPS's own IPP Everywhere printer, ``ippeveprinter``, with its faults.

Nothing here speaks IPP: the driver talks to a real IPP server. This module starts it (with the
private D-Bus system bus it insists on), sets it to A4 through its /media web form, and turns the
kiosk's faults into ippeveprinter's own knobs:

- paper: the /media form's tray level (0 sheets -> ``media-empty``, under 25 -> ``media-low``);
- toner: the /supplies form (black toner under 10 % -> ``toner-low``, 0 -> ``toner-empty``);
- jams and printing time: the per-job command (``-c``), which reads flag files in the work
  directory, prints ``STATE: +media-jam`` and exits 1 to jam, waits while the tray is empty, and
  reports ``job-impressions-completed`` page by page;
- offline: the process is killed (ippeveprinter has no offline switch) and restarted on the same port.

Each ippeveprinter run gets its own spool directory (job ids restart at 1), kept with ``-k``, so
`jobs()` lists every document the printer ever received, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from common.control_socket import bounded
from simulators.process import die_with_parent, helper_environment

log = logging.getLogger(__name__)

IPPEVEPRINTER = "ippeveprinter"
DBUS_DAEMON = "dbus-daemon"
A4 = "iso_a4_210x297mm"
FULL_TRAY = 250  # sheets: the largest level ippeveprinter's /media form offers for the main tray
LOW_TRAY = 5  # sheets: under 25 ippeveprinter reports media-low
TONER_OK = 75  # percent: ippeveprinter's own default black toner level
TONER_LOW = 5  # percent: under 10 ippeveprinter reports toner-low
# Startup: ippeveprinter listens ~40 ms after exec, dbus-daemon in ~10 ms; 5 s means it is broken.
START_TIMEOUT = 5.0
# dbus-daemon exits on SIGTERM within milliseconds; after 2 s it gets SIGKILL.
STOP_GRACE = 2.0
FORM_TIMEOUT = 2.0  # the /media and /supplies forms answer in ~1 ms locally

# The per-job command. ippeveprinter runs it with the job's file as $1 and reads STATE:/ATTR:/ERROR:
# lines from its stderr (the same protocol as CUPS filters).
_JOB_SCRIPT = """#!/bin/sh
# Per-job command of simulators/a4_printer: $1 is the document ippeveprinter received.
flags={flags}
if [ -e "$flags/jam-next" ]; then
  rm -f "$flags/jam-next"
  echo "STATE: +media-jam" >&2
  echo "ERROR: Paper jam in the paper path" >&2
  exit 1
fi
pages=$(pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p')
[ -n "$pages" ] || pages=1
total=$((pages * ${{IPP_COPIES:-1}}))
echo "ATTR: job-impressions=$total" >&2
delay=$(cat "$flags/page-delay" 2>/dev/null || echo 0)
done=0
while [ "$done" -lt "$total" ]; do
  # An empty tray stops the printer between sheets until it is refilled (or ippeveprinter dies).
  while [ -e "$flags/tray-empty" ] && kill -0 "$PPID" 2>/dev/null; do sleep 0.05; done
  sleep "$delay"
  done=$((done + 1))
  echo "ATTR: job-impressions-completed=$done" >&2
done
# Every sheet is in the output tray: a resident can take this document away.
echo "$1" >> "$flags/delivered"
exit 0
"""


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class A4PrinterSimulator:
    """ippeveprinter plus a private dbus-daemon, with paper, toner, jam and power controls."""

    name = "a4_printer"

    def __init__(self, spool: Path | None = None, port: int | None = None) -> None:
        self._requested_spool = spool
        self._port = port
        self._workdir: Path | None = None
        self._own_workdir = False
        self._dbus: subprocess.Popen[bytes] | None = None
        self._printer: subprocess.Popen[bytes] | None = None
        self._runs = 0
        self._hung = False
        self.paper_sheets = FULL_TRAY
        self.toner_percent = TONER_OK

    # -- Simulator protocol -----------------------------------------------------------------------

    async def start(self) -> str:
        return await asyncio.to_thread(self.start_blocking)

    async def stop(self) -> None:
        await asyncio.to_thread(self.stop_blocking)

    def controls(self) -> Mapping[str, Callable[..., Any]]:
        return {
            "empty_tray": self.empty_tray,
            "low_tray": self.low_tray,
            "refill": self.refill,
            "jam_next_job": self.jam_next_job,
            "clear_jam": self.clear_jam,
            "toner_low": self.toner_low,
            "toner_empty": self.toner_empty,
            "toner_ok": self.toner_ok,
            "set_page_delay": self.set_page_delay,
            "hang": self.hang,
            "stop": self.stop_printer,
            "start_again": self.start_again,
            "reset": self.reset,
            "power_cycle": self.power_cycle,
            "jobs": self.jobs,
            "delivered": self.delivered,
            "state": self.state,
        }

    @property
    def endpoint(self) -> str:
        if self._port is None:
            raise RuntimeError("simulator not started")
        return f"ipp://localhost:{self._port}/ipp/print"

    # -- controls (JSON-able in and out) ----------------------------------------------------------

    async def empty_tray(self) -> None:
        """Take all paper out of the tray: the printer reports media-empty and waits."""
        self._flag("tray-empty").touch()
        await self._set_paper(0)

    async def low_tray(self) -> None:
        """Leave a few sheets in the tray: the printer reports media-low."""
        self._flag("tray-empty").unlink(missing_ok=True)
        await self._set_paper(LOW_TRAY)

    async def refill(self) -> None:
        """Fill the tray with a ream of A4: a job waiting for paper goes on."""
        self._flag("tray-empty").unlink(missing_ok=True)
        await self._set_paper(FULL_TRAY)

    def jam_next_job(self) -> None:
        """The next job jams: aborted, and the printer reports media-jam until clear_jam()."""
        self._flag("jam-next").touch()

    async def clear_jam(self) -> None:
        """A technician clears the paper path and power-cycles the printer (same port)."""
        self._flag("jam-next").unlink(missing_ok=True)
        await self.start_again()

    async def toner_low(self) -> None:
        """Black toner at 5 %: the printer reports toner-low and still prints."""
        await self._set_toner(TONER_LOW)

    async def toner_empty(self) -> None:
        """Black toner at 0 %: the printer reports toner-empty."""
        await self._set_toner(0)

    async def toner_ok(self) -> None:
        """A fresh toner cartridge."""
        await self._set_toner(TONER_OK)

    @bounded(seconds=(0, 600))  # a sheet slower than 10 min is a dead printer, not a slow one
    def set_page_delay(self, seconds: float) -> None:
        """How long each sheet takes to print (0 = instant), so a test can act mid-job."""
        self._flag("page-delay").write_text(f"{max(0.0, float(seconds)):.3f}\n")

    def hang(self, on: bool) -> None:
        """The printer's IPP server stops answering (on): connections are taken and requests heard, but
        no answer comes, as a printer busy rasterising a page may do for seconds; the engine goes on
        printing the sheets it has. Off: it answers again, every request it held included."""
        if self._printer is None or self._printer.poll() is not None:
            raise RuntimeError("the printer is not running")
        # Only ippeveprinter itself stops: its job command (another process) goes on printing.
        self._printer.send_signal(signal.SIGSTOP if on else signal.SIGCONT)
        self._hung = bool(on)

    async def stop_printer(self) -> None:
        """Power the printer off: its port refuses connections."""
        await asyncio.to_thread(self._kill_printer)

    async def start_again(self) -> None:
        """Power the printer on again, on the same port, with the same paper and toner."""
        await asyncio.to_thread(self._kill_printer)
        await asyncio.to_thread(self._spawn_printer)
        await self._apply_levels()

    async def power_cycle(self) -> None:
        """Power off and on: same port, paper and toner; a job not finished is lost.

        Sheets already out stay in the output tray."""
        await self.start_again()

    async def reset(self) -> None:
        """A freshly serviced printer: full tray, toner ok, no jam, no delay, powered on."""
        for name in ("jam-next", "tray-empty"):
            self._flag(name).unlink(missing_ok=True)
        self.set_page_delay(0)
        self.paper_sheets, self.toner_percent = FULL_TRAY, TONER_OK
        await self.start_again()

    def jobs(self) -> list[str]:
        """Paths of the documents the printer received, oldest first."""
        if self._workdir is None:
            return []
        found: list[tuple[int, int, str]] = []
        for run_dir in self._workdir.glob("run-*"):
            run = int(run_dir.name.removeprefix("run-"))
            for path in run_dir.glob("*.pdf"):
                match = re.match(r"(\d+)-", path.name)
                if match:
                    found.append((run, int(match.group(1)), str(path)))
        return [path for _, _, path in sorted(found)]

    def delivered(self) -> list[str]:
        """Paths of the documents whose every sheet reached the output tray, in order.

        A jammed job never gets there; nor does one cancelled while it waited for paper: ippeveprinter
        lets the job command run on, but a real printer stops such a job at its stop point (RFC 8011
        §5.3.8), so a job ippeveprinter reports canceled or aborted is not counted."""
        if self._workdir is None:
            return []
        log_file = self._flag("delivered")
        if not log_file.exists():
            return []
        # Job ids start again at 1 each time ippeveprinter starts (start_again, reset): only the
        # running one's jobs can be asked about.
        stopped = self._stopped_job_ids()
        current = self._workdir / f"run-{self._runs}"
        out = []
        for path in log_file.read_text().splitlines():
            match = re.match(r"(\d+)-", Path(path).name)
            if Path(path).parent != current or match is None or int(match.group(1)) not in stopped:
                out.append(path)
        return out

    def _stopped_job_ids(self) -> set[int]:
        """Jobs ippeveprinter holds as canceled or aborted (Get-Jobs, which-jobs=completed)."""
        from drivers.a4_printer.ipp_codec import Attribute, AttributeGroup, GroupTag, IppMessage, Operation, ValueTag

        request = IppMessage(code=Operation.GET_JOBS, request_id=1, groups=(AttributeGroup(GroupTag.OPERATION, (
            Attribute.of("attributes-charset", ValueTag.CHARSET, "utf-8"),
            Attribute.of("attributes-natural-language", ValueTag.NATURAL_LANGUAGE, "en"),
            Attribute.of("printer-uri", ValueTag.URI, self.endpoint),
            Attribute.of("which-jobs", ValueTag.KEYWORD, "completed"),
            Attribute.of("requested-attributes", ValueTag.KEYWORD, "job-id", "job-state"),
        )),))
        url = self.endpoint.replace("ipp://", "http://", 1)
        post = urllib.request.Request(url, data=request.to_bytes(), headers={"Content-Type": "application/ipp"})
        try:
            with urllib.request.urlopen(post, timeout=FORM_TIMEOUT) as answer:
                reply = IppMessage.from_bytes(answer.read())
        except OSError:
            return set()  # printer not running: nothing to say about its jobs
        stopped = set()
        for group in reply.groups:
            job_id, state = group.get("job-id"), group.get("job-state")
            if group.tag == GroupTag.JOB and job_id is not None and state is not None and state.ints() \
                    and state.ints()[0] in (7, 8):
                stopped.update(job_id.ints())
        return stopped

    def state(self) -> dict[str, Any]:
        """What the simulated printer is like right now."""
        return {
            "endpoint": self.endpoint if self._port is not None else None,
            "running": self._printer is not None and self._printer.poll() is None,
            "hung": self._hung,
            "paper_sheets": self.paper_sheets,
            "toner_percent": self.toner_percent,
            "jam_next_job": self._workdir is not None and self._flag("jam-next").exists(),
            "jobs": len(self.jobs()),
            "workdir": str(self._workdir) if self._workdir else None,
            "pids": {
                "ippeveprinter": self._printer.pid if self._printer is not None else None,
                "dbus-daemon": self._dbus.pid if self._dbus is not None else None,
            },
        }

    # -- processes --------------------------------------------------------------------------------

    def start_blocking(self) -> str:
        """Start dbus-daemon and ippeveprinter; return the printer URI. Cleans up if it fails."""
        for tool in (IPPEVEPRINTER, DBUS_DAEMON):
            if shutil.which(tool) is None:
                raise RuntimeError(f"{tool} not found: install cups-ipp-utils and dbus")
        try:
            if self._requested_spool is not None:
                self._workdir = self._requested_spool.resolve()
                self._workdir.mkdir(parents=True, exist_ok=True)
            else:
                self._workdir = Path(tempfile.mkdtemp(prefix="a4sim-"))
                self._own_workdir = True
            self._runs = max((int(p.name.removeprefix("run-")) for p in self._workdir.glob("run-*")
                              if p.name.removeprefix("run-").isdigit()), default=0)
            (self._workdir / "flags").mkdir(exist_ok=True)
            script = self._workdir / "print-job.sh"
            script.write_text(_JOB_SCRIPT.format(flags=shlex.quote(str(self._workdir / "flags"))))
            script.chmod(0o755)
            self._start_dbus()
            if self._port is None:
                self._port = free_port()
            self._spawn_printer()
            self._apply_levels_blocking()
        except BaseException:
            self.stop_blocking()
            raise
        return self.endpoint

    def stop_blocking(self) -> None:
        """Kill ippeveprinter (and its job commands) and dbus-daemon; remove a temporary workdir."""
        try:
            self._kill_printer()
        finally:
            if self._dbus is not None:
                _terminate(self._dbus, group=False)
                self._dbus = None
            if self._own_workdir and self._workdir is not None:
                shutil.rmtree(self._workdir, ignore_errors=True)
                self._workdir = None
                self._own_workdir = False

    def _start_dbus(self) -> None:
        assert self._workdir is not None
        bus = self._workdir / "bus"
        bus.unlink(missing_ok=True)
        with self._log("dbus.log") as log_file:
            self._dbus = subprocess.Popen(
                [DBUS_DAEMON, "--session", f"--address=unix:path={bus}", "--nofork", "--nopidfile"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log_file, env=helper_environment(),
                preexec_fn=die_with_parent(),  # noqa: PLW1509 - only prctl between fork and exec (see its docstring)
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not bus.exists():
            if self._dbus.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dbus-daemon did not start (see {self._workdir / 'dbus.log'})")
            time.sleep(0.005)

    def _spawn_printer(self) -> None:
        assert self._workdir is not None
        assert self._port is not None
        self._runs += 1
        spool = self._workdir / f"run-{self._runs}"
        spool.mkdir(exist_ok=True)
        env = helper_environment(DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={self._workdir / 'bus'}")
        # -n localhost: with 127.0.0.1 it fails creating its IPv6 listener (test-stacks.md).
        # start_new_session: the job command runs in ippeveprinter's process group, so killing
        # the group leaves no job script behind.
        with self._log("ippeveprinter.log") as log_file:
            self._printer = subprocess.Popen(
                [IPPEVEPRINTER, "-r", "off", "-n", "localhost", "-p", str(self._port), "-d", str(spool), "-k",
                 "-f", "application/pdf", "-c", str(self._workdir / "print-job.sh"),
                 "-M", "Kiosk", "-m", "A4Sim", "kiosk-a4"],
                stdin=subprocess.DEVNULL, stdout=log_file,
                stderr=subprocess.STDOUT, env=env, start_new_session=True,
                preexec_fn=die_with_parent(),  # noqa: PLW1509 - only prctl between fork and exec (see its docstring)
            )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._printer.poll() is not None:
                raise RuntimeError(f"ippeveprinter exited (see {self._workdir / 'ippeveprinter.log'})")
            with contextlib.suppress(OSError), socket.create_connection(("localhost", self._port), 0.1):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"ippeveprinter not listening on port {self._port}")
            time.sleep(0.005)

    def _kill_printer(self) -> None:
        self._hung = False  # a new process answers (SIGKILL ends a stopped one too)
        if self._printer is not None:
            _terminate(self._printer, group=True)
            self._printer = None

    def _log(self, name: str) -> BinaryIO:
        """A helper's log file, appended to across restarts; the child keeps its own copy of the fd,
        so the caller closes this one once the child is started (one fd per restart leaked before)."""
        assert self._workdir is not None
        return (self._workdir / name).open("ab")

    def _flag(self, name: str) -> Path:
        if self._workdir is None:
            raise RuntimeError("simulator not started")
        return self._workdir / "flags" / name

    # -- ippeveprinter's web forms ----------------------------------------------------------------

    async def _set_paper(self, sheets: int) -> None:
        self.paper_sheets = sheets
        await asyncio.to_thread(self._media_form)

    async def _set_toner(self, percent: int) -> None:
        self.toner_percent = percent
        await asyncio.to_thread(self._supplies_form)

    async def _apply_levels(self) -> None:
        await asyncio.to_thread(self._apply_levels_blocking)

    def _apply_levels_blocking(self) -> None:
        self._media_form()
        self._supplies_form()

    def _media_form(self) -> None:
        # Tray 1 is "main" in media-source-supported; tray 3 the by-pass tray, set to level -2
        # ("unknown") and no media so that it neither reports media-empty nor offers envelopes.
        self._get_form("/media", {"size1": A4, "type1": "stationery", "level1": str(self.paper_sheets),
                                  "size3": "", "type3": "", "level3": "-2"})

    def _supplies_form(self) -> None:
        # supply0 is the waste toner tank (25 % is ippeveprinter's default), supply1 the black toner;
        # the form replaces printer-supply, so both are always sent.
        self._get_form("/supplies", {"supply0": "25", "supply1": str(self.toner_percent)})

    def _get_form(self, path: str, fields: dict[str, str]) -> None:
        if self._printer is None or self._printer.poll() is not None:
            return  # a powered-off printer keeps its levels for start_again()
        url = f"http://localhost:{self._port}{path}?{urllib.parse.urlencode(fields)}"
        with urllib.request.urlopen(url, timeout=FORM_TIMEOUT) as answer:
            answer.read()


def _terminate(process: subprocess.Popen[bytes], *, group: bool) -> None:
    """Stop `process` and reap it.

    A group (ippeveprinter and its job commands) gets SIGKILL at once, while the unreaped leader
    still holds the group id: the spool files are already on disk, nothing needs a clean exit.
    A single process (dbus-daemon) gets SIGTERM, then SIGKILL after STOP_GRACE.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if group:
            os.killpg(process.pid, signal.SIGKILL)
        elif process.poll() is None:
            process.terminate()
    try:
        process.wait(STOP_GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

"""`kiosk diag serial-probe`: which device answers on which serial port, at which baud.

The first thing a technician needs when a booth is rewired (or a USB-serial adapter came back under
another name). For each port and each speed the probe sends every known protocol's harmless
question and reads the answer with the drivers' own codecs (one definition of the bytes):

- ESC/POS `DLE EOT 1` (a serial receipt printer: one status byte with its fixed bits), first, so a
  printer at the right speed answers before it is sent anything it could print;
- ZFM/R30x `ReadSysPara` (0x0F; the answer also names the sensor's configured baud);
- Suprema SFM `SS` (system status; 0x30 = normal);
- ccTalk simple poll (header 254) to the coin acceptor (2), bill validator (40) and hopper (3): a
  ccTalk bus echoes every byte, so the echo is cut off before the answer is decoded.

Nothing that moves, prints or changes a setting is ever sent. Each answer waits `timeout` seconds at
most. The port's line settings are put back as found when the probe is done, and ports are opened
exclusively (a port the kiosk's fingerprint driver holds is reported busy, not shared): stop the
kiosk first (`systemctl stop kiosk`) or it and the probe talk over each other. A receipt printer at
a wrong speed hears noise and may print a stray character or two.
"""

from __future__ import annotations

import contextlib
import os
import termios
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import serial
from serial.tools import list_ports

from drivers.cash.frames import (
    BILL_VALIDATOR_ADDRESS,
    COIN_ACCEPTOR_ADDRESS,
    HOPPER_ADDRESS,
    HOST_ADDRESS,
    Frame,
    FrameDecoder,
    Header,
)
from drivers.fingerprint import frames_sfm, frames_zfm
from drivers.receipt_printer import status as escpos_status

BAUDS = (9600, 19200, 57600, 115200)
DEFAULT_TIMEOUT = 0.15
# A read slice: short enough to stop as soon as the answer is whole.
READ_SLICE = 0.01


@dataclass(frozen=True)
class Finding:
    port: str
    baud: int
    protocol: str  # "escpos", "zfm", "sfm", "cctalk"
    device: str  # "receipt_printer", "fingerprint", "coin_acceptor", "bill_validator", "hopper"
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PortResult:
    port: str
    findings: tuple[Finding, ...] = ()
    error: str = ""  # "busy", "cannot open: ...": the port could not be probed

    def as_dict(self) -> dict[str, Any]:
        return {"port": self.port, "error": self.error, "findings": [f.as_dict() for f in self.findings]}


# --- the questions and how their answers are read (pure: test vectors in tests/diag) -----------------


def _after_echo(reply: bytes, request: bytes) -> bytes:
    """A single-wire bus (ccTalk) hands the host its own bytes back first: cut them off."""
    return reply[len(request):] if reply.startswith(request) else reply


def read_escpos(reply: bytes, request: bytes) -> str | None:
    answer = _after_echo(reply, request)
    if len(answer) == 1 and escpos_status.is_status_byte(answer[0]):
        return f"DLE EOT 1 status 0x{answer[0]:02X}"
    return None


def read_zfm(reply: bytes, request: bytes) -> str | None:
    with contextlib.suppress(Exception):
        packets, _ = frames_zfm.cut(_after_echo(reply, request))
        for packet in packets:
            if packet.pid == frames_zfm.PacketId.ACK and packet.payload[:1] == bytes([frames_zfm.Confirm.OK]):
                params = frames_zfm.SystemParameters.from_bytes(packet.payload[1:17])
                return (f"ReadSysPara: library {params.library_size}, security {params.security_level}, "
                        f"configured {params.baudrate} baud")
    return None


def read_sfm(reply: bytes, request: bytes) -> str | None:
    with contextlib.suppress(Exception):
        packets, _ = frames_sfm.cut(_after_echo(reply, request))
        for packet in packets:
            if packet.command == frames_sfm.Command.SS and packet.flag == frames_sfm.Flag.SUCCESS:
                state = "normal" if packet.param == frames_sfm.SYSTEM_STATUS_NORMAL else f"0x{packet.param:02X}"
                return f"system status {state}"
    return None


def read_cctalk(address: int) -> Callable[[bytes, bytes], str | None]:
    def read(reply: bytes, request: bytes) -> str | None:
        decoder = FrameDecoder("simple")
        for frame in decoder.feed(_after_echo(reply, request)):
            if frame.dest == HOST_ADDRESS and frame.src == address and frame.header == Header.ACK:
                return f"simple poll answered (address {address})"
        return None

    return read


@dataclass(frozen=True)
class Probe:
    protocol: str
    device: str
    request: bytes
    read: Callable[[bytes, bytes], str | None]


def probes() -> list[Probe]:
    """Every question, in the order asked at each speed (the printer's first: see the module's doc)."""
    def poll(address: int) -> bytes:
        return Frame(dest=address, src=HOST_ADDRESS, header=Header.SIMPLE_POLL).to_bytes("simple")

    return [
        Probe("escpos", "receipt_printer", escpos_status.request(escpos_status.StatusKind.PRINTER), read_escpos),
        Probe("zfm", "fingerprint", frames_zfm.command(frames_zfm.Instruction.READ_SYS_PARA).to_bytes(), read_zfm),
        Probe("sfm", "fingerprint", frames_sfm.Packet(frames_sfm.Command.SS).to_bytes(), read_sfm),
        Probe("cctalk", "coin_acceptor", poll(COIN_ACCEPTOR_ADDRESS), read_cctalk(COIN_ACCEPTOR_ADDRESS)),
        Probe("cctalk", "bill_validator", poll(BILL_VALIDATOR_ADDRESS), read_cctalk(BILL_VALIDATOR_ADDRESS)),
        Probe("cctalk", "hopper", poll(HOPPER_ADDRESS), read_cctalk(HOPPER_ADDRESS)),
    ]


# --- the wire ----------------------------------------------------------------------------------------


def serial_ports() -> list[str]:
    """The serial ports this machine has (USB adapters, ACM devices, real UARTs that exist)."""
    return sorted(p.device for p in list_ports.comports())


@contextlib.contextmanager
def _restored(port: str) -> Iterator[None]:
    """Put the port's line settings back as they were found, whatever the probe set."""
    try:
        fd = os.open(port, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        yield
        return
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        saved = None
    try:
        yield
    finally:
        if saved is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(fd, termios.TCSANOW, saved)
        os.close(fd)


def _exchange(conn: serial.Serial, probe: Probe, timeout: float) -> str | None:
    conn.reset_input_buffer()
    conn.write(probe.request)
    conn.flush()
    reply = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        chunk = conn.read(max(1, conn.in_waiting))
        if chunk:
            reply += chunk
            detail = probe.read(bytes(reply), probe.request)
            if detail is not None:
                return detail
    return None


def probe_port(port: str, *, bauds: Sequence[int] = BAUDS, timeout: float = DEFAULT_TIMEOUT,
               on_step: Callable[[str, int], None] | None = None) -> PortResult:
    """Ask every question at every speed until something answers; every device that answers at that
    speed (a ccTalk bus has three) is reported. `on_step(port, baud)` after each speed (progress)."""
    findings: list[Finding] = []
    with _restored(port):
        try:
            conn = serial.Serial(port, baudrate=bauds[0] if bauds else 9600, timeout=READ_SLICE,
                                 write_timeout=max(timeout, 0.5), exclusive=True)
        except serial.SerialException as exc:
            busy = "lock" in str(exc).lower() or "busy" in str(exc).lower()
            return PortResult(port, error="busy (held by another program: the kiosk?)" if busy
                              else f"cannot open: {exc}")
        try:
            for baud in bauds:
                conn.baudrate = baud
                for probe in probes():
                    detail = _exchange(conn, probe, timeout)
                    if detail is not None:
                        findings.append(Finding(port, baud, probe.protocol, probe.device, detail))
                if on_step is not None:
                    on_step(port, baud)
                if findings:
                    break
            conn.reset_input_buffer()
            conn.reset_output_buffer()
        except (serial.SerialException, OSError) as exc:
            return PortResult(port, tuple(findings), error=f"failed: {exc}")
        finally:
            conn.close()
    return PortResult(port, tuple(findings))

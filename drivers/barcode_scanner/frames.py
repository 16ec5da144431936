"""The bytes of a serial 2D barcode scanner of the Honeywell family (Xenon, Voyager, N86xx engines; the
same command set is also spoken by several compatible engines), in USB-COM or RS-232 mode. Pure code,
shared by the driver and the simulator (simulators/barcode_scanner).

Host to scanner (the family's user guides, "Serial Programming Commands" and "Trigger Commands"):

- a menu command: the prefix SYN M CR (22, 77, 13), then Tag SubTag Data (e.g. ``TRGMOD0``), further
  commands after ``,`` (same tag) or ``;`` (another tag), then the storage character: ``!`` for the
  volatile table (lost at power-off), ``.`` for the non-volatile one;
- the serial trigger: SYN T CR (22, 84, 13) activates, SYN U CR (22, 85, 13) deactivates. In manual /
  serial trigger mode (``TRGMOD0``) the scanner reads until one code is read, the deactivate command
  comes, or the serial read time-out (``TRGSTO``, ms, 0: none) runs out.

Scanner to host:

- a menu reply: the command echoed with a status byte right before each punctuation mark: ACK (6, done),
  ENQ (5, unknown tag or subtag), NAK (21, value out of range): ``TRGMOD0<ACK>!``;
- a read: the code's characters, then the configured suffix; the kiosk sets CR for every symbology
  (``SUFBK2990D``: suffix, all symbologies (99), hex 0D), so a read is ``20261123<CR>``.

A read holds no control characters (the kiosk reads digits and URLs); one that does, or that runs
past MAX_READ bytes without a CR (a QR code holds at most 7,089 digits), is reported as garbage and
skipped up to the next CR, so one bad read never swallows the next. A read torn on the wire (half a
code, then silence: a pulled cable, a brown-out) never becomes a code by itself: it has no CR, so the
framer only holds it (`pending`); the driver drops it as garbage (`drop_partial`) once the line has been
silent for longer than any read takes, so it cannot glue itself to the front of the next read either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SYN, CR, ACK, ENQ, NAK = 0x16, 0x0D, 0x06, 0x05, 0x15
MENU_PREFIX = bytes((SYN, ord("M"), CR))
TRIGGER_ON = bytes((SYN, ord("T"), CR))
TRIGGER_OFF = bytes((SYN, ord("U"), CR))
STORAGE = (b"!", b".")
STATUS = {ACK: "ack", ENQ: "enq", NAK: "nak"}
MAX_READ = 8192
# What the kiosk sets at start: serial trigger mode, no read time-out (the kiosk deactivates), and a
# CR after every symbology.
SETUP_COMMANDS = ("TRGMOD0", "TRGSTO0", "SUFBK2990D")
_COMMAND_RE = re.compile(r"^[0-9A-Za-z]{6}[0-9A-Za-z]*$")


def menu_command(command: str, storage: str = "!") -> bytes:
    """One menu command (Tag SubTag Data, e.g. ``TRGMOD0``) framed for the wire."""
    if not _COMMAND_RE.match(command):
        raise ValueError(f"not a menu command: {command!r}")
    if storage not in ("!", "."):
        raise ValueError("storage is '!' (volatile) or '.' (non-volatile)")
    return MENU_PREFIX + command.encode("ascii") + storage.encode("ascii")


@dataclass(frozen=True)
class Read:
    """A code the scanner read (its characters without the suffix)."""

    text: str


@dataclass(frozen=True)
class MenuReply:
    """The scanner's answer to a menu command: the command echoed, and each command's status."""

    command: str
    statuses: tuple[str, ...]  # "ack" / "enq" / "nak", one per command in the message

    @property
    def ok(self) -> bool:
        return bool(self.statuses) and all(s == "ack" for s in self.statuses)


@dataclass(frozen=True)
class Garbage:
    """Bytes that are neither a read nor a reply (line noise, an over-long or binary read)."""

    reason: str
    length: int


Frame = Read | MenuReply | Garbage


class ScannerFramer:
    """Cuts the scanner's byte stream into reads, menu replies and garbage, as bytes arrive."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._skipping = False  # after an over-long read: drop bytes up to the next CR

    @property
    def pending(self) -> int:
        """Bytes held of a frame whose end has not arrived (0: the framer is between frames)."""
        return len(self._buf) + (1 if self._skipping else 0)

    def drop_partial(self) -> Garbage | None:
        """Forget a frame whose end never came (the line fell silent mid-read): the bytes held, as
        garbage "torn"; None when nothing was held."""
        if not self.pending:
            return None
        length = len(self._buf)
        self._buf.clear()
        self._skipping = False
        return Garbage("torn", length)

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        frames: list[Frame] = []
        while True:
            frame = self._next()
            if frame is None:
                break
            frames.append(frame)
        return frames

    def _next(self) -> Frame | None:
        buf = self._buf
        if self._skipping:
            end = buf.find(CR)
            if end < 0:
                buf.clear()
                return None
            del buf[: end + 1]
            self._skipping = False
        for i, byte in enumerate(buf):
            if byte == CR:
                raw = bytes(buf[:i])
                del buf[: i + 1]
                return _read(raw)
            if byte in STATUS and i + 1 < len(buf) and bytes(buf[i + 1 : i + 2]) in STORAGE:
                raw = bytes(buf[: i + 2])
                del buf[: i + 2]
                return _reply(raw)
            if byte in STATUS and i + 1 == len(buf):
                return None  # a status byte whose punctuation has not arrived yet
            if i >= MAX_READ:
                length = len(buf)
                buf.clear()
                self._skipping = True
                return Garbage("too-long", length)
        return None


def _read(raw: bytes) -> Frame:
    if any(b < 0x20 or b == 0x7F for b in raw):
        return Garbage("control-characters", len(raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Garbage("not-utf-8", len(raw))
    return Read(text) if text else Garbage("empty", 0)


def _reply(raw: bytes) -> Frame:
    statuses: list[str] = []
    command = bytearray()
    raw, storage = raw[:-1], raw[-1:]
    for i, byte in enumerate(raw):
        if byte in STATUS:
            nxt = raw[i + 1 : i + 2] or storage
            if nxt not in (b",", b";", b"!", b"."):
                return Garbage("bad-reply", len(raw))
            statuses.append(STATUS[byte])
        else:
            command.append(byte)
    try:
        return MenuReply(command.decode("ascii"), tuple(statuses))
    except UnicodeDecodeError:
        return Garbage("bad-reply", len(raw))


# ---------------------------------------------------------------------------------------- host side
@dataclass(frozen=True)
class HostMenu:
    """A menu command as the scanner receives it: the commands and the storage character."""

    commands: tuple[str, ...]  # each Tag SubTag Data, tags repeated where "," left them out
    storage: str
    raw: str  # as sent, without prefix and storage, for the echo


@dataclass(frozen=True)
class HostTrigger:
    on: bool


HostFrame = HostMenu | HostTrigger


def parse_host(buf: bytearray) -> list[HostFrame]:
    """The host's commands at the front of `buf` (consumed); an incomplete one stays. Bytes that are
    no command's start are dropped (the scanner ignores them)."""
    frames: list[HostFrame] = []
    while buf:
        start = buf.find(SYN)
        if start < 0:
            buf.clear()
            break
        del buf[:start]
        if len(buf) < 3:
            break
        if bytes(buf[:3]) in (TRIGGER_ON, TRIGGER_OFF):
            frames.append(HostTrigger(on=bytes(buf[:3]) == TRIGGER_ON))
            del buf[:3]
            continue
        if bytes(buf[:3]) != MENU_PREFIX:
            del buf[:1]
            continue
        ends = [i for i in (buf.find(b"!", 3), buf.find(b".", 3)) if i >= 0]
        if not ends:
            break
        end = min(ends)
        body = bytes(buf[3:end]).decode("ascii", "replace")
        storage = chr(buf[end])
        del buf[: end + 1]
        frames.append(HostMenu(_expand(body), storage, body))
    return frames


def _expand(body: str) -> tuple[str, ...]:
    """`TRGMOD0,STO0;SUFBK2990D` -> ("TRGMOD0", "TRGSTO0", "SUFBK2990D")."""
    out: list[str] = []
    for group in body.split(";"):
        parts = group.split(",")
        tag = parts[0][:3]
        out.append(parts[0])
        out.extend(tag + p for p in parts[1:])
    return tuple(p for p in out if p)


def echo(raw: str, statuses: list[int], storage: str) -> bytes:
    """The scanner's reply to a menu message: `raw` with each status byte before its punctuation."""
    out = bytearray()
    marks = iter(statuses)
    for ch in raw:
        if ch in ",;":
            out.append(next(marks, NAK))
        out += ch.encode("ascii", "replace")
    out.append(next(marks, NAK))
    out += storage.encode("ascii")
    return bytes(out)

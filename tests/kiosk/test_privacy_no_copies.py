"""Issue 13: the resident number lives only in the entry's wipeable buffer. Every screen update
(masked form), the date check and the sealed request work on that buffer or on a bytearray wiped
after use, so once the session is wiped no copy of the 13 digits is left anywhere in the process.

What this proves, on CPython 3.11 (Linux), for a session's screens (a masked form after every key,
backspace and retype, repr, the date check, the number sealed for the server) and `wipe()`:
- while they run, no Python function the kiosk calls receives, holds in a local or returns a str or
  bytes with the digits (traced with sys.settrace: this is what caught `masked()`, `error()` and
  `formatted()` decoding the whole number on every screen update; freed, such a copy cannot be
  wiped and stays in memory until reused);
- after `wipe()`, no str or bytes object reachable from any object the garbage collector tracks holds the digits
  (with or without the hyphen), and
- no byte sequence anywhere in the process's writable memory (read through /proc/self/mem: the heap,
  pymalloc's arenas, freed blocks not yet reused) holds them either.
Not covered: copies outside this process (swap is off on a booth; the server's own copy), and
libraries handed the number through other paths than the entry (there are none in the kiosk).
The test never builds the number as a str or bytes itself: the digits are a tuple of ints.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import mmap
import os
import re
import sys
from collections.abc import Iterator
from types import FrameType

import pytest

from common.template_crypto import seal
from kiosk.privacy import wipe_bytes
from kiosk.session import Session
from simulators.server.pki import PkiPaths, generate_pki

# 870523-1482917 as ints: a 1987 birth date, then the digits that must not survive.
NUMBER = (8, 7, 0, 5, 2, 3, 1, 4, 8, 2, 9, 1, 7)
# A second number, put in memory on purpose, proves the scanner finds what is there.
CONTROL = (6, 4, 1, 1, 0, 8, 2, 7, 3, 5, 1, 9, 6)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="a machine limit: needs Linux (/proc/self/mem)")


def _held_at(data: bytes, pos: int, digits: tuple[int, ...]) -> bool:
    """Whether `data` holds `digits` from `pos` (its birth date already matched), with or without the
    hyphen: compared as ints, so the comparison makes no copy of its own."""
    for start in (pos + 6, pos + 7):
        if start == pos + 7 and (start > len(data) or data[pos + 6] != ord("-")):
            continue
        if start + 7 <= len(data) and all(data[start + i] == 48 + digits[6 + i] for i in range(7)):
            return True
    return False


def _memory_holds(digits: tuple[int, ...]) -> bool:
    """Whether any writable mapping of this process holds the 13 digits.

    Memory is read into one anonymous mapping of the scanner's own (skipped, and unmapped after),
    never into a bytes object: a chunk read as bytes is a copy of whatever it read, the number
    included, and once freed it stayed in the heap for the next scan to find. That was the "one run in
    four" that found the digits after `wipe()`: the scan before the wipe had left them there."""
    birth = bytes(48 + d for d in digits[:6])  # the date part alone is not secret
    step = 1 << 24
    window = mmap.mmap(-1, step + 16)
    own = ctypes.addressof(ctypes.c_char.from_buffer(window))
    view = memoryview(window)
    fd = os.open("/proc/self/mem", os.O_RDONLY)
    try:
        with open("/proc/self/maps") as maps:
            regions = maps.read().splitlines()
        for line in regions:
            fields = line.split()
            if not fields[1].startswith("rw") or (len(fields) > 5 and fields[5] in ("[vvar]", "[vsyscall]")):
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if start <= own < end:
                continue  # the window itself: it holds what it last read
            for offset in range(start, end, step):
                try:
                    got = os.preadv(fd, [view[:min(step + 16, end - offset)]], offset)
                except OSError:
                    break
                pos = window.find(birth, 0, got)
                while pos != -1:
                    if _held_at(view[:got], pos, digits):
                        return True
                    pos = window.find(birth, pos + 1, got)
    finally:
        os.close(fd)
        view.release()
        window.close()
    return False


def _reachable_strings() -> Iterator[str | bytes]:
    for obj in gc.get_objects():
        for ref in gc.get_referents(obj):
            if type(ref) in (str, bytes) and len(ref) >= 13:
                yield ref


def _text_holds(text: str | bytes, digits: tuple[int, ...]) -> bool:
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    if not re.search(rb"\d", data):
        return False
    birth = bytes(48 + d for d in digits[:6])
    pos = data.find(birth)
    while pos != -1:
        if _held_at(data, pos, digits):
            return True
        pos = data.find(birth, pos + 1)
    return False


def _objects_hold(digits: tuple[int, ...]) -> bool:
    return any(_text_holds(text, digits) for text in _reachable_strings())


class _CopyWatch:
    """A sys.settrace hook: names every function whose locals or return value held the digits as a
    str or bytes (immutable, so never wiped)."""

    def __init__(self, digits: tuple[int, ...]) -> None:
        self.digits = digits
        self.copies: list[str] = []

    def __call__(self, frame: FrameType, event: str, arg: object) -> _CopyWatch:
        if event == "return":
            for value in (*frame.f_locals.values(), arg):
                if type(value) in (str, bytes) and len(value) >= 13 and _text_holds(value, self.digits):
                    self.copies.append(frame.f_code.co_qualname)
        return self


@pytest.fixture(scope="module")
def identity_pki(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    return generate_pki(tmp_path_factory.mktemp("pki"))


def test_the_scanner_finds_a_number_that_is_there() -> None:
    control = bytearray(48 + d for d in CONTROL)
    assert _memory_holds(CONTROL)
    wipe_bytes(control)


def _screens(session: Session, pki: PkiPaths, *, sealing: bool = True) -> list[str]:
    """What the kiosk does with the number during a session: what each screen shows, the check, the seal."""
    entry = session.number
    shown: list[str] = []
    for digit in NUMBER[:9]:
        entry.press(str(digit))
        shown.append(entry.masked())  # what the screen draws after every key
    entry.backspace()
    entry.backspace()
    for digit in NUMBER[7:]:
        entry.press(str(digit))
        shown.append(entry.masked())
    shown.append(repr(entry))
    shown.append(entry.error(dt.date(2026, 12, 6)))
    number = entry.formatted()  # what kiosk/identify.py seals for the server, then wipes
    if sealing:
        sealed = seal(pki.identity_public.read_bytes(), number, b"KIOSK-0001")
        assert sealed["ct"]
    wipe_bytes(number)
    return shown


def test_after_a_sessions_screens_and_wipe_no_copy_of_the_number_is_left(identity_pki: PkiPaths) -> None:
    session = Session()
    watch = _CopyWatch(NUMBER)
    sys.settrace(watch)
    try:
        shown = _screens(session, identity_pki)
    finally:
        sys.settrace(None)
    assert watch.copies == []
    assert shown[-3:] == ["870523-1******", "<resident number 870523-1******>", ""]
    # While the session lasts, the number is in its buffer (the scanner sees it) and nowhere else.
    assert _memory_holds(NUMBER)
    assert not _objects_hold(NUMBER)

    session.wipe()
    gc.collect()
    assert session.number.count == 0 and session.number.masked() == ""
    assert not _objects_hold(NUMBER)
    assert not _memory_holds(NUMBER)  # nor any freed block: sealing left no copy in OpenSSL's buffers


def test_after_the_screens_and_wipe_no_object_holds_the_number(identity_pki: PkiPaths) -> None:
    """The kiosk's own handling of the number (keys, masked screens, the check, the formatted buffer)
    leaves no Python object holding it once wiped, and the scanner saw it in its buffer before."""
    session = Session()
    _screens(session, identity_pki, sealing=False)
    assert _memory_holds(NUMBER)  # in its buffer while the session lasts
    session.wipe()
    gc.collect()
    assert not _objects_hold(NUMBER)
    assert not _memory_holds(NUMBER)  # nor any freed block: nothing copied it on the way

"""Cutting a byte stream into frames, shared by both sensor families.

Pure functions: given the receive buffer, say which frames it holds and how many leading bytes are
used up (frames, and garbage before them). A candidate frame that is still incomplete while a
complete, valid frame starts after it is taken as garbage: a start byte inside line noise must
not make the driver wait for bytes that will never come.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from drivers.fingerprint.errors import FrameError

F = TypeVar("F")

def cut_frames(buf: bytes | bytearray, marker: bytes,
               decode_at: Callable[[bytes | bytearray, int], tuple[F, int] | None],
               max_frames: int | None = None) -> tuple[list[F], int]:
    """The complete frames at the front of `buf` and the number of bytes they (and garbage) used.

    `decode_at(buf, i)` returns (frame, index after it), None while the bytes at `i` are a valid but
    incomplete prefix, or raises FrameError when they cannot be a frame. With `max_frames`, cutting
    stops after that many frames (for protocols where raw data follows a frame).
    """
    frames: list[F] = []
    pos = 0
    while True:
        start = buf.find(marker, pos)
        if start < 0:
            end = len(buf)
            # Keep a trailing byte that may be the first half of a split start marker.
            if len(marker) > 1 and end > pos and buf[end - 1] == marker[0]:
                end -= 1
            return frames, max(end, pos)
        try:
            got = decode_at(buf, start)
        except FrameError:
            pos = start + 1
            continue
        if got is None:
            later = _next_complete(buf, marker, start + 1, decode_at)
            if later is None:
                return frames, start
            pos = later
            continue
        frame, pos = got
        frames.append(frame)
        if max_frames is not None and len(frames) >= max_frames:
            return frames, pos


def _next_complete(buf: bytes | bytearray, marker: bytes, pos: int,
                   decode_at: Callable[[bytes | bytearray, int], tuple[F, int] | None]) -> int | None:
    while (start := buf.find(marker, pos)) >= 0:
        try:
            if decode_at(buf, start) is not None:
                return start
        except FrameError:
            pass
        pos = start + 1
    return None

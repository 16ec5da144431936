"""Speech audio as 16-bit PCM: reading a TTS engine's WAV, writing a proper one, and software gain.

espeak-ng's ``--stdout`` WAV carries placeholder sizes (it streams, so it cannot know the length):
the data chunk is read to the end of the bytes instead of trusting the header. Volume is a gain in
decibels on the samples themselves (stdlib `array`, no numpy), so the same steps hold on any sound
card; the loudest step (0 dB) is the engine's own level, and what that is in dB SPL at the resident's
ear is the booth's hardware calibration (the mixer level of the speaker amplifier, set once so that
0 dB here stays within the speaker's 65 dB limit).
"""

from __future__ import annotations

import array
import functools
import io
import math
import operator
import struct
import sys
import wave
from dataclasses import dataclass

SAMPLE_WIDTH = 2  # bytes: signed 16-bit little-endian, what espeak-ng writes and aplay plays
FULL_SCALE = 32767


class WavError(ValueError):
    """Bytes that are not a 16-bit PCM WAV (a broken or foreign engine's output)."""


@dataclass(frozen=True)
class Pcm:
    """Mono or interleaved 16-bit little-endian samples at `rate` Hz."""

    rate: int
    channels: int
    data: bytes

    @property
    def frames(self) -> int:
        return len(self.data) // (SAMPLE_WIDTH * self.channels)

    @property
    def seconds(self) -> float:
        return self.frames / self.rate if self.rate else 0.0


def parse_wav(blob: bytes) -> Pcm:
    """The PCM inside a RIFF/WAVE blob; a data chunk whose size is a placeholder runs to the end."""
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise WavError("not a RIFF/WAVE file")
    pos, fmt = 12, None
    while pos + 8 <= len(blob):
        chunk, size = blob[pos:pos + 4], struct.unpack_from("<I", blob, pos + 4)[0]
        body = pos + 8
        if chunk == b"fmt ":
            if size < 16 or body + 16 > len(blob):
                raise WavError("fmt chunk too short")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", blob, body)
            if tag != 1 or bits != 16 or channels < 1 or rate < 1:
                raise WavError(f"not 16-bit PCM (format {tag}, {bits} bits, {channels} channels, {rate} Hz)")
            fmt = (rate, channels)
        elif chunk == b"data":
            if fmt is None:
                raise WavError("data chunk before the fmt chunk")
            end = min(len(blob), body + size)
            frame = SAMPLE_WIDTH * fmt[1]
            data = blob[body:end]
            return Pcm(rate=fmt[0], channels=fmt[1], data=data[:len(data) - len(data) % frame])
        pos = body + size + (size & 1)
    raise WavError("no data chunk")


def to_wav(pcm: Pcm) -> bytes:
    """A WAV with true sizes (what aplay and any player read)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(pcm.channels)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(pcm.rate)
        w.writeframes(pcm.data)
    return out.getvalue()


def _samples(data: bytes) -> array.array[int]:
    samples = array.array("h")
    samples.frombytes(data)
    if sys.byteorder == "big":  # pragma: no cover - the booth PCs are little-endian
        samples.byteswap()
    return samples


def _bytes(samples: array.array[int]) -> bytes:
    if sys.byteorder == "big":  # pragma: no cover
        samples.byteswap()
    return samples.tobytes()


def apply_gain(pcm: Pcm, gain_db: float) -> Pcm:
    """`pcm` scaled by `gain_db` decibels (negative: quieter), rounded and clipped to 16 bits."""
    if gain_db == 0:
        return pcm
    # A table of all 65,536 outcomes, looked up at C speed (`map`): per sample arithmetic in Python cost
    # the booth 0.4 s of CPU for every sentence it spoke.
    scaled = array.array("h", map(_gain_table(gain_db).__getitem__, _samples(pcm.data)))
    return Pcm(rate=pcm.rate, channels=pcm.channels, data=_bytes(scaled))


@functools.lru_cache(maxsize=8)
def _gain_table(gain_db: float) -> list[int]:
    """Sample value -> scaled sample, indexed by the sample itself (negative samples from the end)."""
    factor = 10 ** (gain_db / 20)

    def scale(s: int) -> int:
        return max(-FULL_SCALE - 1, min(FULL_SCALE, round(s * factor)))

    return [scale(s) for s in range(FULL_SCALE + 1)] + [scale(s) for s in range(-FULL_SCALE - 1, 0)]


def rms(pcm: Pcm) -> float:
    """Root mean square of the samples, in sample units (0 for silence)."""
    samples = _samples(pcm.data)
    if not samples:
        return 0.0
    return math.sqrt(math.fsum(map(operator.mul, samples, samples)) / len(samples))


def rms_dbfs(pcm: Pcm) -> float:
    """The level relative to full scale, in dB (-inf for silence)."""
    level = rms(pcm)
    return 20 * math.log10(level / FULL_SCALE) if level else -math.inf

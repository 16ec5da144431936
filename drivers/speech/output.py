"""Where speech goes: the audio output port, ALSA for a booth, a recording for tests and the demo.

`play(wav, device, about)` returns when the utterance has been played, or at once when `stop()` cut
it (or the task awaiting it was cancelled: a newer screen interrupts). ALSA is the standard Linux
audio stack: `aplay -q -D DEVICE -` plays the WAV from stdin on the ALSA device the config names
(`[voice] speaker_device`, `earphone_device`); stopping kills it. The recording output writes each
utterance as a WAV plus one JSON line (text, language, kind, volume_db, rate_wpm, device) so a test,
a scenario and `make demo` can check and hear what the booth said.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from common.clock import Clock
from drivers.speech.pcm import parse_wav, rms_dbfs

log = logging.getLogger(__name__)


class AudioFault(RuntimeError):
    """The sound could not be played (no aplay, an ALSA device that is missing or busy)."""


@dataclass(frozen=True)
class Spoken:
    """What an utterance was, for the record (the audio itself travels as WAV bytes)."""

    text: str
    language: str
    kind: str  # "screen" | "change" | "focus" | "announce" | "setting" (the guide's own words)
    volume_db: int
    rate_wpm: int
    device: str  # "speaker" | "earphone": the route, not the ALSA name


class AudioOutput(Protocol):
    async def play(self, wav: bytes, device: str, about: Spoken) -> None:
        """Play `wav` on ALSA device `device`; returns when done or stopped. AudioFault if it cannot."""

    async def stop(self) -> None:
        """Cut what is playing now (pause, an interrupting screen, an earphone pulled)."""


class AlsaOutput:
    """aplay (Debian package alsa-utils) on the named ALSA device, one process per utterance."""

    def __init__(self, binary: str = "aplay") -> None:
        self.binary = binary
        self._proc: asyncio.subprocess.Process | None = None

    async def play(self, wav: bytes, device: str, about: Spoken) -> None:
        await self.stop()
        try:
            proc = await asyncio.create_subprocess_exec(
                self.binary, "-q", "-D", device, "-", stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        except FileNotFoundError:
            raise AudioFault(f"{self.binary!r} not found: install the Debian package alsa-utils") from None
        self._proc = proc
        try:
            _, err = await proc.communicate(wav)
        except BaseException:
            await self._kill(proc)
            raise
        finally:
            if self._proc is proc:
                self._proc = None
        if proc.returncode not in (0, -9, -15):  # killed by stop() is not a fault
            first = (err.decode("utf-8", "replace").strip().splitlines() or ["no message"])[0]
            raise AudioFault(f"{self.binary} -D {device} exited with {proc.returncode}: {first}")

    @staticmethod
    async def _kill(proc: asyncio.subprocess.Process) -> None:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            with contextlib.suppress(Exception):
                await proc.wait()

    async def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            await self._kill(proc)


@dataclass
class Played:
    """One utterance the recording output received, and whether it was cut before its end."""

    about: Spoken
    alsa_device: str
    wav: Path
    seconds: float
    rms_dbfs: float
    cut: bool = False
    extra: dict[str, object] = field(default_factory=dict)


class RecordingOutput:
    """Writes every utterance to `directory`: NNN-KIND-LANG.wav and a line of transcript.jsonl.

    With a `clock`, playing takes the utterance's length on that clock (so interrupting and pausing
    can be tested on a virtual clock); without one it returns at once, like ``aplay -D null``.
    """

    TRANSCRIPT = "transcript.jsonl"

    def __init__(self, directory: Path, *, clock: Clock | None = None) -> None:
        self.directory = directory
        self.clock = clock
        self.played: list[Played] = []
        self._playing: Played | None = None
        self._stopped = asyncio.Event()

    async def play(self, wav: bytes, device: str, about: Spoken) -> None:
        await self.stop()
        pcm = parse_wav(wav)
        path = self.directory / f"{len(self.played) + 1:03d}-{about.kind}-{about.language}.wav"
        played = Played(about=about, alsa_device=device, wav=path, seconds=pcm.seconds, rms_dbfs=rms_dbfs(pcm))
        line = {**asdict(about), "alsa_device": device, "wav": path.name, "seconds": round(pcm.seconds, 3),
                "rms_dbfs": round(played.rms_dbfs, 2)}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path.write_bytes(wav)
            with (self.directory / self.TRANSCRIPT).open("a", encoding="utf-8") as transcript:
                transcript.write(json.dumps(line, ensure_ascii=False) + "\n")
        except OSError as exc:  # the recording is this booth's sound card: one it cannot write is a dead one
            raise AudioFault(f"cannot record speech in {self.directory}: {exc.strerror or exc}") from None
        self.played.append(played)
        if self.clock is None:
            return
        self._playing = played
        self._stopped = asyncio.Event()
        sleep = asyncio.ensure_future(self.clock.sleep(pcm.seconds))
        stopped = asyncio.ensure_future(self._stopped.wait())
        try:
            await asyncio.wait({sleep, stopped}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            played.cut = True
            raise
        finally:
            sleep.cancel()
            stopped.cancel()
            if self._playing is played:
                self._playing = None

    async def stop(self) -> None:
        if self._playing is not None:
            self._playing.cut = True
            self._playing = None
            self._stopped.set()

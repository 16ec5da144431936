"""The text-to-speech port and its espeak-ng engine.

The port is one call, `synthesize(text, language, rate_wpm) -> Pcm`, so a neural engine that ships
with its voice models can replace espeak-ng without the voice guide changing. espeak-ng runs as a
subprocess per utterance (about 10 ms a sentence): a crash of the engine is a failed utterance, not a
dead kiosk. The text goes in on stdin as UTF-8 (NFC), never through a shell and never as an argument
that could be read as an option.

Voices: `ko`, `en-us`, `vi`, and for Mandarin `cmn-latn-pinyin`. Our Chinese text is Hanzi; espeak-ng
1.51's plain `cmn` voice looks Hanzi up, then reads the pinyin it found with English rules (请选择 comes out
as "(en)kI55NTr'i:55 ..."), while `cmn-latn-pinyin` reads the same Hanzi as Mandarin syllables with tones
(tS;h'i35N S;'y&21n ts'o-35: qǐng xuǎn zé). tests/speech checks this by the phonemes, ear-free.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import unicodedata
from typing import Protocol

from drivers.speech.pcm import Pcm, WavError, parse_wav

log = logging.getLogger(__name__)

# The espeak-ng voice for each language the kiosk speaks (common.languages codes).
VOICES: dict[str, str] = {"ko": "ko", "en": "en-us", "zh": "cmn-latn-pinyin", "vi": "vi"}
# espeak-ng clamps -s below 80 words a minute; above 450 no voice is intelligible.
ENGINE_MIN_WPM = 80
ENGINE_MAX_WPM = 450
# What espeak-ng writes on stderr when a language's voice or dictionary is not installed.
_MISSING_VOICE = "voice does not exist"
_MISSING_DICTIONARY = "Can't read dictionary file"


class SpeechFault(RuntimeError):
    """The engine could not speak this utterance (a crash, an unknown voice, unreadable output)."""


class EngineMissing(SpeechFault):
    """No engine at all (espeak-ng not installed): a device fault for the technician, not a crash."""


class VoiceMissing(SpeechFault):
    """The engine runs but has no voice for one language (its voice or dictionary file is missing):
    residents who read that language hear nothing, the others are served."""

    def __init__(self, language: str, why: str) -> None:
        super().__init__(f"no TTS voice for {language}: {why}")
        self.language = language


class SpeechEngine(Protocol):
    def unavailable(self) -> str | None:
        """Why this engine cannot speak at all (checked when the booth starts), or None."""

    async def synthesize(self, text: str, language: str, rate_wpm: int) -> Pcm:
        """`text` spoken in `language` at about `rate_wpm` words a minute, as PCM; SpeechFault if not."""


class EspeakNg:
    """espeak-ng through its command line (Debian package espeak-ng)."""

    def __init__(self, binary: str = "espeak-ng", voices: dict[str, str] | None = None) -> None:
        self.binary = binary
        self.voices = dict(voices or VOICES)

    def unavailable(self) -> str | None:
        if shutil.which(self.binary) is None:
            return (f"speech engine {self.binary!r} not found: install the Debian package espeak-ng "
                    "(voice guidance is silent until then)")
        return None

    def voice(self, language: str) -> str:
        try:
            return self.voices[language]
        except KeyError:
            raise VoiceMissing(language, f"no espeak-ng voice is configured for it "
                                         f"(have {', '.join(sorted(self.voices))})") from None

    async def _run(self, args: list[str], text: str, language: str = "") -> bytes:
        try:
            proc = await asyncio.create_subprocess_exec(
                self.binary, *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE)
        except FileNotFoundError:
            raise EngineMissing(self.unavailable() or f"speech engine {self.binary!r} not found") from None
        except PermissionError as exc:
            raise EngineMissing(f"speech engine {self.binary!r} cannot be run: {exc}") from None
        try:
            out, err = await proc.communicate(unicodedata.normalize("NFC", text).encode("utf-8"))
        except BaseException:  # cancelled (a newer screen interrupts): the engine must not linger
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            # Read what is left before waiting: a long text fills the pipe's buffer, asyncio then stops
            # reading it, and a pipe nobody reads never reports its end, which wait() waits for (a kiosk's
            # voice once went silent for good when a new screen cut a long one mid-synthesis).
            with contextlib.suppress(Exception):
                await asyncio.gather(*(stream.read() for stream in (proc.stdout, proc.stderr) if stream))
                await proc.wait()
            raise
        said = err.decode("utf-8", "replace").strip().splitlines()
        # espeak-ng 1.51 without a language's dictionary (`vi_dict`) exits 0 and gives silence, saying so
        # only on stderr; without its voice file, "The specified espeak-ng voice does not exist", exit 1.
        missing = next((line for line in said if _MISSING_VOICE in line or _MISSING_DICTIONARY in line), None)
        if missing is not None and language:
            raise VoiceMissing(language, f"{self.binary}: {missing}")
        if proc.returncode != 0:
            raise SpeechFault(f"{self.binary} exited with {proc.returncode}: {(said or ['no message'])[0]}")
        return out

    async def synthesize(self, text: str, language: str, rate_wpm: int) -> Pcm:
        voice = self.voice(language)
        wpm = max(ENGINE_MIN_WPM, min(ENGINE_MAX_WPM, int(rate_wpm)))
        # -b 1: the input is UTF-8; --stdin: the text is read from stdin, whatever characters it holds.
        out = await self._run(["--stdout", "-b", "1", "-v", voice, "-s", str(wpm), "--stdin"], text, language)
        try:
            pcm = parse_wav(out)
        except WavError as exc:
            raise SpeechFault(f"{self.binary} gave no usable audio: {exc}") from None
        if not pcm.frames:
            raise SpeechFault(f"{self.binary} gave no audio for a {len(text)}-character text")
        return pcm

    async def phonemes(self, text: str, language: str) -> str:
        """espeak-ng's phoneme mnemonics for `text` (what `-x` prints): shows which rules read it."""
        out = await self._run(["-q", "-x", "-b", "1", "-v", self.voice(language), "--stdin"], text, language)
        return out.decode("utf-8", "replace").strip()

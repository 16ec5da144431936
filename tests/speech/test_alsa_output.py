"""The live path: aplay on an ALSA device (`null` here: no sound card), cut when the guide stops it."""

from __future__ import annotations

import asyncio
import shutil
import stat
import sys
import time
from pathlib import Path

import pytest

from drivers.speech import AlsaOutput, AudioFault, EspeakNg, Spoken, to_wav

NO_VOICE_TOOLS = shutil.which("aplay") is None or shutil.which("espeak-ng") is None
pytestmark = pytest.mark.skipif(NO_VOICE_TOOLS, reason="a machine limit: aplay or espeak-ng is not installed")

ABOUT = Spoken(text="안녕하세요", language="ko", kind="screen", volume_db=-15, rate_wpm=160, device="speaker")


async def test_speech_plays_through_aplay_on_the_configured_device() -> None:
    wav = to_wav(await EspeakNg().synthesize("안녕하세요", "ko", 160))
    await AlsaOutput().play(wav, "null", ABOUT)


async def test_a_device_that_does_not_exist_is_a_fault_naming_it() -> None:
    wav = to_wav(await EspeakNg().synthesize("hello", "en", 160))
    with pytest.raises(AudioFault, match="no-such-card"):
        await AlsaOutput().play(wav, "plughw:CARD=no-such-card", ABOUT)
    with pytest.raises(AudioFault, match="alsa-utils"):
        await AlsaOutput(binary="/nonexistent/aplay").play(wav, "null", ABOUT)


async def test_stop_cuts_a_playing_utterance_at_once(tmp_path: Path) -> None:
    # A sound card plays in real time; aplay -D null does not, so stand a real-time player in for it:
    # a process that reads the WAV and takes a minute, as a long sentence would.
    player = tmp_path / "aplay"
    player.write_text(f"#!{sys.executable}\nimport sys, time\nsys.stdin.buffer.read()\ntime.sleep(60)\n")
    player.chmod(player.stat().st_mode | stat.S_IXUSR)
    output = AlsaOutput(binary=str(player))
    wav = to_wav(await EspeakNg().synthesize("hello", "en", 160))
    playing = asyncio.ensure_future(output.play(wav, "null", ABOUT))
    await asyncio.sleep(0.3)
    assert not playing.done()
    started = time.monotonic()
    await output.stop()
    await asyncio.wait_for(playing, 5)
    assert time.monotonic() - started < 2


async def test_the_voice_guide_speaks_through_alsa_and_names_a_missing_device(tmp_path: Path) -> None:
    from common.clock import MonotonicClock
    from kiosk.config import VoiceSection
    from kiosk.views import Utterance
    from kiosk.voice_guide import VoiceGuide

    config = VoiceSection(speaker_device="null", earphone_device="plughw:CARD=no-such-jack")
    guide = VoiceGuide(EspeakNg(), AlsaOutput(), MonotonicClock(), config)
    guide.start()
    try:
        guide.set_enabled(True)
        guide.say(Utterance("발급할 서류를 고르십시오.", "ko", "screen"))
        await asyncio.wait_for(guide.drained(), 10)
        assert guide.fault is None
        guide.earphone(True)
        await asyncio.wait_for(guide.drained(), 10)
        assert guide.fault is not None and "no-such-jack" in guide.fault
    finally:
        await guide.close()

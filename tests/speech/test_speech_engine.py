"""espeak-ng behind the speech port: four languages heard, volume steps measured on the samples,
rate heard as length, text never through a shell, a missing engine a fault and not a crash."""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.speech import (
    VOICES,
    EngineMissing,
    EspeakNg,
    Pcm,
    WavError,
    apply_gain,
    parse_wav,
    rms_dbfs,
    to_wav,
)
from kiosk.voice_guide import VoiceGuide

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="a machine limit: espeak-ng is not installed")

SENTENCES = {
    "ko": "발급할 서류를 고르십시오.",
    "en": "Please choose a document.",
    "zh": "请选择要发放的证明书。",
    "vi": "Vui lòng chọn giấy tờ cần cấp.",
}
AUDIBLE_DBFS = -40.0  # speech from espeak-ng sits near -21 dBFS; silence is -inf


async def test_each_language_is_spoken_aloud_in_its_own_voice() -> None:
    engine = EspeakNg()
    for language, text in SENTENCES.items():
        pcm = await engine.synthesize(text, language, 160)
        assert pcm.seconds > 0.5, language
        assert rms_dbfs(pcm) > AUDIBLE_DBFS, f"{language}: {rms_dbfs(pcm):.1f} dBFS is silence"
        phonemes = await engine.phonemes(text, language)
        # A voice that does not know the script switches to English ("(en)") or spells "letter"s.
        assert "(en)" not in phonemes and "letter" not in phonemes, f"{language} ({VOICES[language]}): {phonemes}"
    # Mandarin: Hanzi read as tonal syllables (qǐng xuǎn zé: tones 3 as 35/21 contours), not English words.
    assert (await engine.phonemes("请选择", "zh")).startswith("tS;h'i35N")
    assert "(en)" in await EspeakNg(voices={"zh": "cmn"}).phonemes("请选择", "zh")  # why not plain cmn


async def test_volume_steps_change_the_level_by_their_decibels_over_fifty_db() -> None:
    pcm = await EspeakNg().synthesize(SENTENCES["ko"], "ko", 160)
    steps = VoiceGuide.VOLUME_STEPS_DB
    assert steps[-1] - steps[0] >= 50
    levels = [rms_dbfs(apply_gain(pcm, db)) for db in steps]
    for (low_db, low), (high_db, high) in itertools.pairwise(zip(steps, levels, strict=True)):
        assert abs((high - low) - (high_db - low_db)) < 0.3, (low_db, high_db, low, high)
    assert levels[-1] - levels[0] == pytest.approx(50, abs=0.5)
    assert levels[0] > -100  # the quietest step is still sound, not rounded away to silence


async def test_a_faster_rate_says_the_same_sentence_in_less_time() -> None:
    engine = EspeakNg()
    slow = await engine.synthesize(SENTENCES["en"], "en", 80)
    fast = await engine.synthesize(SENTENCES["en"], "en", 300)
    assert slow.seconds > 2 * fast.seconds


async def test_a_long_sentence_cut_by_a_new_screen_stops_at_once_and_the_next_is_spoken() -> None:
    """A new screen cancels a synthesis in flight. A long one has filled the pipe by then; the cut must
    still end (it once waited forever on a pipe nobody read, and the booth's voice stayed silent)."""
    engine = EspeakNg()
    long_text = " ".join([SENTENCES["ko"]] * 300)
    task = asyncio.ensure_future(engine.synthesize(long_text, "ko", 160))
    await asyncio.sleep(0.2)  # espeak-ng is writing by now (real time: it is a real process)
    task.cancel()
    async with asyncio.timeout(10):  # a guard against the hang, not a speed claim
        with pytest.raises(asyncio.CancelledError):
            await task
    pcm = await engine.synthesize(SENTENCES["en"], "en", 160)
    assert rms_dbfs(pcm) > AUDIBLE_DBFS


async def test_text_is_never_read_by_a_shell_or_as_options() -> None:
    engine = EspeakNg()
    pcm = await engine.synthesize("--help; $(touch /tmp/voice-pwned) `id` -v xx", "en", 160)
    assert rms_dbfs(pcm) > AUDIBLE_DBFS
    assert not os.path.exists("/tmp/voice-pwned")


async def test_a_missing_engine_is_a_fault_that_says_what_to_install() -> None:
    with pytest.raises(EngineMissing, match="espeak-ng"):
        await EspeakNg(binary="/nonexistent/espeak-ng").synthesize("hello", "en", 160)


@given(st.binary(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_bytes_parse_as_a_wav_or_fail_as_one(blob: bytes) -> None:
    for candidate in (blob, b"RIFF\xff\xff\xff\x7fWAVE" + blob):
        try:
            pcm = parse_wav(candidate)
        except WavError:
            continue
        assert len(pcm.data) % (2 * pcm.channels) == 0


@given(st.lists(st.integers(-32768, 32767), max_size=300), st.integers(8000, 48000),
       st.integers(-50, 0))
@settings(max_examples=100, deadline=None)
def test_wav_round_trip_and_gain_stay_in_sixteen_bits(samples: list[int], rate: int, gain: int) -> None:
    import array

    pcm = Pcm(rate=rate, channels=1, data=array.array("h", samples).tobytes())
    assert parse_wav(to_wav(pcm)) == pcm
    quieter = apply_gain(pcm, gain)
    assert quieter.frames == pcm.frames
    if samples and any(samples) and gain < 0:
        assert rms_dbfs(quieter) <= rms_dbfs(pcm) + 1e-9 or math.isinf(rms_dbfs(quieter))

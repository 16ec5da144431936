"""Voice guidance as a resident hears it: order, interruption, replay, pause, volume and rate keys,
the earphone muting the speaker, idle's reset, and personal numbers never spoken. Real espeak-ng;
the booth's sound card is the recording output, playing each utterance for its length on a virtual clock."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.clock import VirtualClock
from common.keypad_keys import Key
from drivers.speech import EspeakNg, RecordingOutput, parse_wav, rms_dbfs
from kiosk.config import VoiceSection
from kiosk.views import AccessMode, Utterance, View
from kiosk.voice_guide import VoiceGuide, unspeakable

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="a machine limit: espeak-ng is not installed")

CONFIG = VoiceSection(speaker_device="speaker-dev", earphone_device="earphone-dev", volume_db=-15, rate_wpm=160)


class Booth:
    def __init__(self, guide: VoiceGuide, output: RecordingOutput, clock: VirtualClock) -> None:
        self.guide, self.output, self.clock = guide, output, clock
        self.voice_changes: list[bool] = []

    def said(self) -> list[str]:
        return [p.about.text for p in self.output.played]

    async def playing(self, count: int) -> None:
        """Until the `count`-th utterance has started (synthesis runs in real time)."""
        async with asyncio.timeout(5):
            while len(self.output.played) < count:  # noqa: ASYNC110 - the recording has no event to await
                await asyncio.sleep(0.005)
        await asyncio.sleep(0.01)  # the recording's sleep is now pending on the virtual clock

    async def finish(self) -> None:
        """Let everything queued be said, advancing the virtual clock through each utterance."""
        async with asyncio.timeout(10):
            while True:
                done = asyncio.ensure_future(self.guide.drained())
                await asyncio.sleep(0.02)
                if done.done():
                    return
                done.cancel()
                await self.clock.advance(1.0)


@pytest.fixture
async def booth(tmp_path: Path, clock: VirtualClock) -> AsyncIterator[Booth]:
    output = RecordingOutput(tmp_path / "voice", clock=clock)
    guide = VoiceGuide(EspeakNg(), output, clock, CONFIG, language="en")
    result = Booth(guide, output, clock)
    guide.on_voice_change = result.voice_changes.append
    guide.start()
    yield result
    await guide.close()


def on(booth: Booth) -> None:
    booth.guide.voice = True  # as the access menu's voice switch leaves it, without its announcement


async def test_nothing_is_said_while_voice_is_off(booth: Booth) -> None:
    booth.guide.say(Utterance("Choose a document.", "en", "screen"))
    await booth.finish()
    assert booth.said() == []


async def test_a_screen_is_read_then_its_changes_and_focus_in_order(booth: Booth) -> None:
    on(booth)
    booth.guide.say(Utterance("Pay 200 won.", "en", "screen"))
    booth.guide.say(Utterance("100 won received.", "en", "change"))
    booth.guide.say(Utterance("Cancel button.", "en", "focus"))
    await booth.finish()
    assert booth.said() == ["Pay 200 won.", "100 won received.", "Cancel button."]
    assert not any(p.cut for p in booth.output.played)


async def test_a_new_screen_interrupts_and_drops_what_was_queued(booth: Booth) -> None:
    on(booth)
    booth.guide.say(Utterance("Choose a document. Resident registration copy, 200 won.", "en", "screen"))
    booth.guide.say(Utterance("Cancel button.", "en", "focus"))
    await booth.playing(1)
    booth.guide.say(Utterance("Place your finger on the sensor.", "en", "screen"))
    await booth.finish()
    assert booth.said() == ["Choose a document. Resident registration copy, 200 won.",
                            "Place your finger on the sensor."]
    assert [p.cut for p in booth.output.played] == [True, False]


async def test_replay_says_the_last_screen_again(booth: Booth) -> None:
    on(booth)
    booth.guide.say(Utterance("Choose a document.", "en", "screen"))
    booth.guide.say(Utterance("Cancel button.", "en", "focus"))
    await booth.finish()
    booth.guide.keypad(Key.REPLAY)
    await booth.finish()
    assert booth.said() == ["Choose a document.", "Cancel button.", "Choose a document."]


async def test_pause_holds_the_sentence_and_resume_says_it_whole(booth: Booth) -> None:
    on(booth)
    booth.guide.say(Utterance("Insert coins or bills. 200 won to pay.", "en", "screen"))
    await booth.playing(1)
    booth.guide.keypad(Key.PAUSE)
    await booth.clock.advance(30)
    await asyncio.sleep(0.05)
    assert [p.cut for p in booth.output.played] == [True]
    booth.guide.keypad(Key.PAUSE)
    await booth.finish()
    assert booth.said() == ["Insert coins or bills. 200 won to pay."] * 2
    assert booth.output.played[-1].cut is False


async def test_volume_keys_announce_the_level_and_change_it_by_five_db(booth: Booth) -> None:
    on(booth)
    booth.guide.say(Utterance("Choose a document.", "en", "screen"))
    await booth.finish()
    booth.guide.keypad(Key.VOLUME_DOWN)
    booth.guide.keypad(Key.VOLUME_DOWN)
    await booth.finish()
    booth.guide.keypad(Key.REPLAY)
    await booth.finish()
    first, announced, again = booth.output.played  # the second press cut the first's announcement
    assert announced.about.text == "Volume 6 of 11."  # -25 dB: step 6 of -50..0
    assert (first.about.volume_db, again.about.volume_db) == (-15, -25)
    measured = [rms_dbfs(parse_wav(p.wav.read_bytes())) for p in (first, again)]
    assert measured[0] - measured[1] == pytest.approx(10, abs=0.3)
    for _ in range(20):
        booth.guide.keypad(Key.VOLUME_UP)
    assert booth.guide.volume_db == 0  # the top step; -50 at the bottom: a 50 dB range
    await booth.finish()
    assert booth.said()[-1] == "Volume 11 of 11."


async def test_a_rate_key_mid_sentence_announces_then_says_the_sentence_again_faster(booth: Booth) -> None:
    on(booth)
    booth.guide.say(Utterance("Choose a document from the list.", "en", "screen"))
    await booth.playing(1)
    for _ in range(5):
        booth.guide.keypad(Key.RATE_UP)
    await booth.finish()
    first, announced, again = booth.output.played
    assert first.cut and announced.about.text == "Speed 10 of 12." and again.about.text == first.about.text
    assert again.about.rate_wpm == 260 and again.seconds < 0.75 * first.seconds


async def test_an_earphone_turns_voice_on_there_and_mutes_the_speaker(booth: Booth) -> None:
    guide = booth.guide
    guide.say(Utterance("선택하십시오.", "ko", "screen"))
    guide.earphone(True)
    await booth.finish()
    assert booth.voice_changes == [True]
    assert booth.said() == ["음성 안내를 시작합니다.", "선택하십시오."]
    guide.say(Utterance("취소 버튼.", "ko", "focus"))
    await booth.finish()
    assert {(p.about.device, p.alsa_device) for p in booth.output.played} == {("earphone", "earphone-dev")}
    count = len(booth.output.played)
    guide.earphone(False)  # voice came with the earphone: pulled, the booth goes silent, not loud
    guide.say(Utterance("선택하십시오.", "ko", "screen"))
    await booth.finish()
    assert len(booth.output.played) == count and booth.voice_changes == [True, False]


async def test_a_speaker_sentence_stops_at_the_plug_and_voice_returns_to_the_speaker_at_the_pull(
        booth: Booth) -> None:
    on(booth)
    booth.guide.say(Utterance("Choose a document. There are six.", "en", "screen"))
    await booth.playing(1)
    booth.guide.earphone(True)
    await booth.finish()
    assert booth.output.played[0].cut and booth.output.played[0].about.device == "speaker"
    assert {p.about.device for p in booth.output.played[1:]} == {"earphone"}
    booth.guide.earphone(False)
    booth.guide.say(Utterance("Cancel button.", "en", "focus"))
    await booth.finish()
    assert booth.output.played[-1].about.device == "speaker"


async def test_idle_resets_volume_rate_and_voice_for_the_next_resident(booth: Booth) -> None:
    guide = booth.guide
    guide.follow(View(screen="choose_document", language="vi", access=AccessMode(voice=True)))
    guide.keypad(Key.VOLUME_UP)
    guide.keypad(Key.RATE_DOWN)
    await booth.finish()
    # A new setting is said first; the newer rate replaced the volume's announcement not yet begun.
    assert booth.said() == ["Tốc độ đọc 4 trên 12.", "Đã bật hướng dẫn bằng giọng nói."]
    assert (guide.volume_db, guide.rate_wpm) == (-10, 140)
    guide.follow(View(screen="idle", language="ko", resident=1))
    assert (guide.volume_db, guide.rate_wpm, guide.on, guide.last_screen) == (-15, 160, False, None)


async def test_a_new_resident_is_the_controllers_word_not_the_idle_screen(booth: Booth) -> None:
    """Back to idle from the first step is the same resident (volume and rate kept); idle's own reset of
    choices, the same idle screen published again, is a new one (defaults, and no last screen to replay)."""
    guide = booth.guide
    guide.earphone(True)
    guide.follow(View(screen="idle", language="en", resident=3))
    guide.say(Utterance("Touch the screen to start.", "en", "screen"))
    guide.keypad(Key.VOLUME_UP)
    guide.keypad(Key.RATE_UP)
    guide.follow(View(screen="choose_document", language="en", resident=3))
    guide.follow(View(screen="idle", language="en", resident=3))
    assert (guide.volume_db, guide.rate_wpm) == (-10, 180) and guide.last_screen is not None
    guide.follow(View(screen="idle", language="ko", resident=4))
    assert (guide.volume_db, guide.rate_wpm, guide.language, guide.last_screen) == (-15, 160, "ko", None)
    assert guide.on  # the earphone is still in
    await booth.finish()


async def test_volume_rate_and_replay_keys_are_activity_pause_is_not(booth: Booth) -> None:
    seen: list[str] = []
    booth.guide.on_activity = lambda: seen.append("here")
    for key in (Key.VOLUME_UP, Key.VOLUME_DOWN, Key.RATE_UP, Key.RATE_DOWN, Key.REPLAY, Key.PAUSE):
        booth.guide.keypad(key)
    assert seen == ["here"] * 5
    await booth.finish()


async def test_personal_numbers_are_refused_and_the_log_keeps_no_digits(
        booth: Booth, caplog: pytest.LogCaptureFixture) -> None:
    on(booth)
    caplog.set_level(logging.WARNING)
    for text in ("주민등록번호 900101-1234567", "카드 1234 5678 9012 3456", "9 0 0 1 0 1 입력", "번호 9001011234567"):
        booth.guide.say(Utterance(text, "ko", "change"))
    booth.guide.say(Utterance("13자리 중 6자리 입력. 도움 전화 1588-0000", "ko", "change"))
    await booth.finish()
    assert booth.said() == ["13자리 중 6자리 입력. 도움 전화 1588-0000"]
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 4 and not any(ch.isdigit() for r in refusals for ch in r.replace("6 ", ""))


def test_what_may_and_may_not_be_spoken() -> None:
    for text in ("900101-1234567", "９００１０１－１２３４５６７", "1234-5678-9012-3456", "1, 2, 3, 4, 5, 6", "123456"):
        assert unspeakable(text), text
    for text in ("200원", "02-1234-5678", "1588-0000", "2026-12-06", "12,500원", "5 of 11", "13자리 중 6자리"):
        assert unspeakable(text) is None, text


async def test_a_missing_engine_is_a_logged_fault_and_the_booth_goes_on(
        tmp_path: Path, clock: VirtualClock, caplog: pytest.LogCaptureFixture) -> None:
    output = RecordingOutput(tmp_path / "voice", clock=clock)
    guide = VoiceGuide(EspeakNg(binary="/nonexistent/espeak-ng"), output, clock, CONFIG)
    guide.start()
    try:
        assert guide.fault and "install the Debian package espeak-ng" in guide.fault  # told at boot
        guide.earphone(True)
        guide.say(Utterance("선택하십시오.", "ko", "screen"))
        await asyncio.wait_for(guide.drained(), 5)
        assert output.played == [] and guide.fault and "espeak-ng" in guide.fault
        assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
            f"voice guidance fault: {guide.fault}"]  # once, not once per utterance
    finally:
        await guide.close()


@given(st.text(max_size=20), st.from_regex(r"\A[0-9]{13}\Z"), st.sampled_from(["", "-", " - ", "－"]),
       st.booleans(), st.text(max_size=20))
@settings(max_examples=200, deadline=None)
def test_a_resident_number_anywhere_in_any_form_is_never_spoken(before: str, digits: str, dash: str, wide: bool,
                                                                 after: str) -> None:
    number = digits[:6] + dash + digits[6:]
    if wide:
        number = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert unspeakable(before + number + after)


async def test_a_booth_without_a_speaker_speaks_only_into_an_earphone(tmp_path: Path, clock: VirtualClock) -> None:
    output = RecordingOutput(tmp_path / "voice", clock=clock)
    guide = VoiceGuide(EspeakNg(), output, clock, VoiceSection(speaker_device="", earphone_device="jack"))
    booth = Booth(guide, output, clock)
    guide.start()
    try:
        guide.set_enabled(True)
        guide.say(Utterance("Choose a document.", "en", "screen"))
        await booth.finish()
        assert output.played == []
        guide.earphone(True)
        await booth.finish()
        assert [(p.about.text, p.alsa_device) for p in output.played] == [
            ("Voice guidance on.", "jack"), ("Choose a document.", "jack")]
    finally:
        await guide.close()

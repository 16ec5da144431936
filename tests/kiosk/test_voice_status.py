"""Voice guidance as a device: a booth whose speech cannot reach a resident says so to the technician
(board, metrics, heartbeat and its alert) and to the resident (a notice), and keeps serving.

The failures are real ones: espeak-ng run on a copy of its data with one language's dictionary taken
away (espeak-ng then exits 0 with silence: the booth used to take that for speech), and aplay asked to
play on an ALSA card that does not exist."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from common.clock import MonotonicClock, VirtualClock
from common.languages import LANGUAGES
from common.status import DeviceState, DeviceStatus
from drivers.speech import AlsaOutput, EspeakNg, RecordingOutput, VoiceMissing
from kiosk.config import VoiceSection
from kiosk.rig.scenario import ScenarioRun
from kiosk.views import Utterance
from kiosk.voice_guide import VoiceGuide
from screens.strings import t

NO_VOICE_TOOLS = shutil.which("espeak-ng") is None or shutil.which("aplay") is None
pytestmark = pytest.mark.skipif(NO_VOICE_TOOLS, reason="a machine limit: espeak-ng or aplay is not installed")


@pytest.fixture
def without_vietnamese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """espeak-ng's own data, linked file by file into a new directory, but for `vi_dict`."""
    version = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Data at: (\S+)", version)
    assert found, version
    data = tmp_path / "speech" / "espeak-ng-data"
    data.mkdir(parents=True)
    for item in Path(found.group(1)).iterdir():
        if item.name != "vi_dict":
            (data / item.name).symlink_to(item)
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(data.parent))


async def _until(predicate: Callable[[], bool], what: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(what)
        await asyncio.sleep(0.01)


@pytest.mark.usefixtures("without_vietnamese")
async def test_a_language_without_its_voice_is_found_at_boot_and_the_others_still_speak(
        tmp_path: Path, clock: VirtualClock) -> None:
    with pytest.raises(VoiceMissing, match=r"no TTS voice for vi: .*vi_dict"):
        await EspeakNg().synthesize("Xin chào", "vi", 160)  # exit 0 and silence, until now taken for speech
    seen: list[DeviceStatus] = []
    output = RecordingOutput(tmp_path / "voice")
    guide = VoiceGuide(EspeakNg(), output, clock, VoiceSection(), on_status=seen.append, languages=LANGUAGES)
    guide.start()
    try:
        await _until(lambda: bool(seen), "the boot's probe never reported")
        assert (guide.status.state, guide.status.reason) == (DeviceState.HARDWARE_ERROR, "voice-missing:vi")
        assert guide.status.detail.startswith("no TTS voice for vi")
        assert seen == [guide.status]  # told once, and before any resident spoke Vietnamese
        guide.set_enabled(True)
        guide.say(Utterance("서류를 고르십시오.", "ko", "screen"))
        await asyncio.wait_for(guide.drained(), 10)
        assert [p.about.text for p in output.played][-1] == "서류를 고르십시오."
        assert guide.status.reason == "voice-missing:vi"  # Korean working does not make Vietnamese work
    finally:
        await guide.close()


async def test_an_earphone_that_cannot_play_is_reported_until_it_plays_again() -> None:
    config = VoiceSection(speaker_device="null", earphone_device="plughw:CARD=no-such-jack")
    seen: list[DeviceStatus] = []
    guide = VoiceGuide(EspeakNg(), AlsaOutput(), MonotonicClock(), config, on_status=seen.append)
    guide.start()
    try:
        guide.set_enabled(True)
        guide.say(Utterance("발급할 서류를 고르십시오.", "ko", "screen"))
        await asyncio.wait_for(guide.drained(), 10)
        assert guide.status.state is DeviceState.ONLINE and seen == []
        guide.earphone(True)
        await asyncio.wait_for(guide.drained(), 10)
        assert (guide.status.state, guide.status.reason) == (DeviceState.HARDWARE_ERROR, "audio-failed:earphone")
        assert "no-such-jack" in guide.status.detail
        guide.earphone(False)  # back on the speaker, which plays: the earphone is still broken
        guide.say(Utterance("발급할 서류를 고르십시오.", "ko", "screen"))
        await asyncio.wait_for(guide.drained(), 10)
        assert guide.status.reason == "audio-failed:earphone"
        guide.config = dataclasses.replace(config, earphone_device="null")  # the technician fixed the jack
        guide.earphone(True)
        await asyncio.wait_for(guide.drained(), 10)
        assert guide.status == DeviceStatus("voice", DeviceState.ONLINE)
        assert [s.reason for s in seen] == ["audio-failed:earphone", ""]
    finally:
        await guide.close()


@pytest.mark.timeout(60)
@pytest.mark.usefixtures("without_vietnamese")
async def test_a_booth_without_a_voice_says_so_on_the_board_in_metrics_and_heartbeat_and_stays_open(
        tmp_path: Path) -> None:
    run = ScenarioRun(tmp_path / "work", None, {})
    await run.start()
    try:
        kiosk = run.kiosk
        await _until(lambda: kiosk.statuses.get("voice", DeviceStatus.unknown("voice")).reason == "voice-missing:vi",
                     "the booth never held the voice's fault")
        await _until(lambda: kiosk.view.screen == "idle" and "voice-unavailable" in kiosk.view.notices,
                     f"no notice on idle: {kiosk.view.screen} {kiosk.view.notices}")
        assert kiosk.state != "out_of_service"  # the screens still serve whoever reads them

        (line,) = [d for d in kiosk.workshop.board.devices() if d.device == "voice"]
        assert (line.condition, line.todo, line.severity) == ("voice-missing-vi", "reinstall-voices", "warn")
        for lang in LANGUAGES:
            for key in (f"board.cond.{line.condition}", f"board.todo.{line.todo}", "notice.voice-unavailable"):
                assert t(key, lang) != t(f"{key.rpartition('.')[0]}._unknown", lang), (key, lang)

        await run.clock.advance(30)  # the next heartbeat
        deadline = time.monotonic() + 15
        while not (beats := await run.booth.control("server", "heartbeats")) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        assert beats["KIOSK-0001"]["statuses"]["voice"]["state"] == "hardwareError"
        assert beats["KIOSK-0001"]["statuses"]["voice"]["reason"] == "voice-missing:vi"
        assert {"name": "voice-guidance", "subject": "voice", "detail": "voice-missing:vi"}.items() <= (
            beats["KIOSK-0001"]["alerts"][0].items())  # the city's operators are alerted, once, until it is fixed

        assert run.app is not None and run.app.metrics is not None
        async with aiohttp.ClientSession() as http, http.get(run.app.metrics.url) as response:
            text = await response.text()
        samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
                   for family in text_string_to_metric_families(text) for s in family.samples}
        assert samples[("kiosk_device_state", (("device", "voice"), ("state", "hardwareError")))] == 1
        assert samples[("kiosk_device_up", (("device", "voice"),))] == 0
    finally:
        await run.stop()

"""Config that disagrees with the server's catalog is reported at boot and never offered (issue 11,
item 5): an option the server does not know would be refused at the reservation."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from kiosk.rig.scenario import ScenarioRun
from kiosk.views import Intent, OptionChoice

PATIENCE = 15.0


async def _until(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(what)
        await asyncio.sleep(0.005)


def test_an_option_the_catalog_lacks_is_reported_and_not_offered(caplog: pytest.LogCaptureFixture) -> None:
    work = Path(tempfile.mkdtemp(prefix="kiosk-catalog-"))
    settings = {"config": {"documents": {"building_register": {"options": ["title_section", "show_owner_numbers"]}}}}
    run = ScenarioRun(work, None, settings)

    async def play() -> None:
        await run.start()
        kiosk = run.kiosk
        try:
            await _until(lambda: kiosk.view.screen == "idle", "idle never came")
            warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert any("show_owner_numbers" in w and "building_register" in w for w in warnings), warnings
            await kiosk.handle_intent(Intent("start"))
            await _until(lambda: kiosk.view.screen == "choose_document", "no document list")
            await kiosk.handle_intent(Intent("choose_document", {"code": "building_register"}))
            await _until(lambda: kiosk.view.screen == "parcel", "no parcel screen")
            for digit in "57":
                await kiosk.handle_intent(Intent("digit", {"value": digit}))
            await kiosk.handle_intent(Intent("confirm"))
            await _until(lambda: kiosk.view.screen == "options", "no options screen")
            assert kiosk.view.data_fields()["options"] == [OptionChoice("title_section", False)]
            await kiosk.handle_intent(Intent("toggle_option", {"option_id": "show_owner_numbers"}))
            assert kiosk.session is not None and kiosk.session.options == set()
        finally:
            await run.stop()

    loop = asyncio.new_event_loop()
    try:
        with caplog.at_level(logging.WARNING):
            loop.run_until_complete(play())
    finally:
        loop.close()
        shutil.rmtree(work, ignore_errors=True)


def test_a_document_the_catalog_lacks_is_reported_and_shown_unavailable(caplog: pytest.LogCaptureFixture) -> None:
    # A city adds a document to its config before the central system issues it: a resident who chose it
    # would type, identify and then be refused at the reservation. It is greyed out with the reason.
    work = Path(tempfile.mkdtemp(prefix="kiosk-catalog-"))
    settings = {"config": {"documents": {"forest_register": {
        "title_ko": "임야대장", "title_en": "Forest register", "fee": 500, "needs_identity": False,
        "options": [], "max_copies": 5}}}}
    run = ScenarioRun(work, None, settings)

    async def play() -> None:
        await run.start()
        kiosk = run.kiosk
        try:
            await _until(lambda: kiosk.view.screen == "idle", "idle never came")
            warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert any("forest_register" in w and "not offered" in w for w in warnings), warnings
            await kiosk.handle_intent(Intent("start"))
            await _until(lambda: kiosk.view.screen == "choose_document", "no document list")
            offers = {d.code: d for d in kiosk.availability.documents}
            assert not offers["forest_register"].available
            assert offers["forest_register"].unavailable_reason == "not-in-catalog"
            assert offers["land_register"].available
            await kiosk.handle_intent(Intent("choose_document", {"code": "forest_register"}))
            await asyncio.sleep(0.05)
            assert kiosk.view.screen == "choose_document"
        finally:
            await run.stop()

    loop = asyncio.new_event_loop()
    try:
        with caplog.at_level(logging.WARNING):
            loop.run_until_complete(play())
    finally:
        loop.close()
        shutil.rmtree(work, ignore_errors=True)

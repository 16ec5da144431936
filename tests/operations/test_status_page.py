"""The public status page (simulators/server/status_page/) in a real browser: Debian's chromium driven
by Playwright (no downloaded browser), on a phone-sized screen, in each of the four languages: the
booths open now come first, a paper-out booth says so in the visitor's language, "the nearest working
booth" skips a closer broken one (from the browser's geolocation, or a place the visitor picks), nothing
overflows the screen sideways, and axe-core finds no accessibility violation. One browser launch for
the whole module (CPU budget): one test walks the languages."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Geolocation, ViewportSize

from common.clock import KST
from simulators.server import ServerSimulator

CHROMIUM = "/usr/bin/chromium"  # Debian's package `chromium` (scripts/bootstrap.sh)
LANGS = {"ko": "ko", "en": "en", "zh": "zh-Hans", "vi": "vi"}
PHONE: ViewportSize = {"width": 390, "height": 844}
CITY_HALL: Geolocation = {"latitude": 36.4801, "longitude": 127.2891}
DOCS = ["resident_copy", "resident_abstract", "family_relations", "local_tax", "land_register", "building_register"]


def _booth(name: str, location: str, location_en: str, lat: float, lon: float, *, open_now: bool,
           status: str, hours: str = "24h") -> dict[str, Any]:
    return {"name": name, "location": location, "location_en": location_en, "latitude": lat, "longitude": lon,
            "hours": hours, "open_now": open_now, "status": status, "documents": DOCS,
            "documents_available": DOCS[:4] if open_now else [],
            "payment": {"cash": True, "card": open_now, "change": open_now},
            "accessibility": {"keypad": True, "voice": True, "low_position": True}, "languages": list(LANGS)}


BOOTHS = {
    # The closest to City Hall, but out of paper: "nearest working" must skip it.
    "KIOSK-0001": _booth("세종시청 무인민원발급기", "세종특별자치시청 1층 365 코너", "Sejong City Hall, 1F",
                         36.4800, 127.2890, open_now=False, status="paper-out"),
    "KIOSK-0002": _booth("보람동 행정복지센터", "세종특별자치시 보람동 행정복지센터 앞", "Boram-dong community centre",
                         36.4770, 127.2600, open_now=True, status="open", hours="07:00-23:00"),
    "KIOSK-0003": _booth("조치원역", "조치원역 대합실", "Jochiwon Station, waiting hall",
                         36.6010, 127.2980, open_now=True, status="open"),
}


@pytest.mark.timeout(120)
async def test_the_status_page_in_four_languages_in_chromium(tmp_path: Path) -> None:
    # scripts/bootstrap.sh installs Debian's chromium (as root); a missing browser fails, never skips.
    assert os.access(CHROMIUM, os.X_OK), f"no browser at {CHROMIUM}: apt-get install chromium (make setup does)"
    from axe_playwright_python.async_playwright import Axe
    from playwright.async_api import async_playwright

    server = ServerSimulator(tmp_path / "pki", tmp_path / "server.sqlite3")
    await server.start()
    for kiosk_id, public in BOOTHS.items():
        server.public_feed.update(kiosk_id, public, dt.datetime.now(KST))
    problems: list[str] = []
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                context = await browser.new_context(viewport=PHONE, geolocation=CITY_HALL,
                                                    permissions=["geolocation"])
                page = await context.new_page()
                axe = Axe()
                titles = set()
                for lang, html_lang in LANGS.items():
                    response = await page.goto(f"{server.public_url}/?lang={lang}")
                    assert response is not None and response.ok
                    assert "default-src 'self'" in response.headers["content-security-policy"]
                    await page.wait_for_selector("#booths .booth")
                    strings = (await page.evaluate("window.STATUS_STRINGS"))[lang]
                    assert await page.get_attribute("html", "lang") == html_lang
                    titles.add(await page.title())
                    opens = await page.eval_on_selector_all("#booths .booth", "els => els.map(e => e.dataset.open)")
                    assert opens == ["true", "true", "false"], f"{lang}: open booths first, got {opens}"
                    broken = page.locator('[data-booth="KIOSK-0001"] .state')
                    assert await broken.inner_text() == strings["status.paper-out"]
                    await page.click("#geo")
                    await page.wait_for_selector("#near-result[data-booth]")
                    assert await page.get_attribute("#near-result", "data-booth") == "KIOSK-0002", lang
                    await page.select_option("#place", "KIOSK-0003")
                    await page.click("#find")
                    await page.wait_for_selector('#near-result[data-booth="KIOSK-0003"]')
                    assert "0.0" in await page.inner_text("#near-result")
                    sideways = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    assert sideways <= 0, f"{lang}: the page is {sideways} px wider than a phone"
                    results = await axe.run(page)
                    if results.violations_count:
                        problems.append(f"{lang}: {results.generate_report()}")
                assert len(titles) == len(LANGS)  # each language its own words
                # The visitor switches language on the page, and filters to the booths working now.
                await page.goto(f"{server.public_url}/?lang=ko")
                await page.wait_for_selector("#booths .booth")
                await page.click('button[data-lang="vi"]')
                assert await page.get_attribute("html", "lang") == "vi"
                assert await page.get_attribute('button[data-lang="vi"]', "aria-pressed") == "true"
                await page.check("#only-open")
                assert await page.locator("#booths .booth").count() == 2
                await context.close()
            finally:
                await browser.close()
    finally:
        await server.stop()
    assert not problems, "axe found accessibility violations:\n" + "\n".join(problems)

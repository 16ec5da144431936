"""The gallery renders screens to PNGs (the README pictures)."""

from __future__ import annotations

from pathlib import Path

import pygame

from common.languages import LANGUAGES
from screens.gallery import render_contact_sheets, render_gallery


def test_gallery_writes_pngs(tmp_path: Path) -> None:
    paths = render_gallery(tmp_path, only=("idle", "resident_number"))
    assert {p.name.split("-")[0] for p in paths} == {"idle", "resident_number"}
    assert any("zoom200" in p.name for p in paths)
    assert any("low" in p.name for p in paths)
    assert all(p.exists() for p in paths)
    assert pygame.image.load(str(paths[0])).get_size() == (1080, 1920)


def test_contact_sheets_put_every_language_side_by_side_per_mode(tmp_path: Path) -> None:
    paths = render_contact_sheets(tmp_path, only=("idle",))
    assert sorted(p.stem for p in paths) == sorted(
        f"idle-{mode}" for mode in ("default", "zoom200", "high_contrast", "low", "low_zoom200")
    )
    assert pygame.image.load(str(paths[0])).get_size() == (180 * len(LANGUAGES), 320)

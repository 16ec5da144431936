"""Every screen with sample data as PNGs: the README gallery and a visual check of a change.

`python -m screens.gallery OUT_DIR` writes them; the tests render the same set.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path

import pygame

from common.languages import LANGUAGES
from kiosk.views import AccessMode, Intent, MoreTimePrompt, View
from screens.registry import TECHNICIAN_SCREENS, samples
from screens.runner import ScreenRunner
from screens.theme import Theme

# Extra frames beyond "every sample in Korean": English, the prompt, notices, zoom, low position.
_EXTRA: tuple[tuple[str, str, str, str, tuple[str, ...], str | None], ...] = (
    # (file stem, screen, sample, language, notices, prompt)
    ("idle-open-en", "idle", "open", "en", (), None),
    ("choose_document-all-en", "choose_document", "all", "en", (), None),
    ("payment-waiting-en", "payment", "waiting", "en", (), None),
    ("resident_number-typing-more_time", "resident_number", "typing", "ko", (), "more_time"),
    (
        "choose_document-all-notices",
        "choose_document",
        "all",
        "ko",
        ("receipt-paper-out", "low-change"),
        None,
    ),
)
_VARIANTS: tuple[tuple[str, float, bool, tuple[str, str]], ...] = (
    ("zoom200", 2.0, False, ("choose_document", "all")),
    ("zoom200", 2.0, False, ("resident_number", "typing")),
    ("low", 1.0, True, ("choose_document", "all")),
    ("low", 1.0, True, ("resident_number", "typing")),
    ("low-zoom200", 2.0, True, ("payment", "waiting")),
    ("low-zoom200", 2.0, True, ("options", "resident_copy")),
)


def _ignore(_: Intent) -> None:
    return None


def render_gallery(out_dir: str | Path, *, only: Iterable[str] | None = None) -> list[Path]:
    """Render every screen's samples (Korean), some in English, and zoom / low-position variants.

    `only` limits it to some screen names (the test uses it to stay fast).
    """
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    data = samples()
    wanted = set(only) if only is not None else set(data)
    runner = ScreenRunner(headless=True, on_intent=_ignore)
    try:
        for screen, variants in data.items():
            if screen not in wanted:
                continue
            for sample, fields in variants.items():
                path = out / f"{screen}-{sample}.png"
                runner.render(View(screen, fields, language="ko"))
                runner.snapshot(path)
                written.append(path)
        for stem, screen, sample, lang, notices, prompt in _EXTRA:
            if screen not in wanted:
                continue
            path = out / f"{stem}.png"
            runner.render(
                View(
                    screen,
                    data[screen][sample],
                    prompt=prompt,
                    prompt_data=MoreTimePrompt(seconds_left=20) if prompt else None,
                    notices=notices,
                    language=lang,
                )
            )
            runner.snapshot(path)
            written.append(path)
    finally:
        runner.close()
    for label, scale, low, (screen, sample) in _VARIANTS:
        if screen not in wanted:
            continue
        theme = Theme(scale=scale, low_position=low)
        runner = ScreenRunner(headless=True, on_intent=_ignore, theme=theme)
        try:
            path = out / f"{screen}-{sample}-{label}.png"
            runner.render(View(screen, data[screen][sample], language="ko"))
            runner.snapshot(path)
            written.append(path)
        finally:
            runner.close()
    return written


# The accessibility modes a resident can choose, as the contact sheets name them.
ACCESS_MODES: dict[str, AccessMode] = {
    "default": AccessMode(),
    "zoom200": AccessMode(zoom=2.0),
    "high_contrast": AccessMode(high_contrast=True),
    "low": AccessMode(low_position=True),
    "low_zoom200": AccessMode(zoom=2.0, low_position=True),
}


def render_contact_sheets(
    out_dir: str | Path, *, shrink: int = 6, only: Iterable[str] | None = None
) -> list[Path]:
    """One PNG per screen and accessibility mode: the screen's first sample in every language side
    by side, each frame shrunk `shrink` times (the golden screenshots in docs/gallery/screens)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = samples()
    wanted = set(only) if only is not None else set(data)
    base = Theme()
    written: list[Path] = []
    for mode, access in ACCESS_MODES.items():
        theme = base.for_access(access)
        runner = ScreenRunner(headless=True, on_intent=_ignore, theme=theme)
        try:
            for screen, variants in data.items():
                if screen not in wanted or (screen in TECHNICIAN_SCREENS and mode != "default"):
                    continue
                fields = next(iter(variants.values()))
                w, h = theme.width // shrink, theme.height // shrink
                sheet = pygame.Surface((w * len(LANGUAGES), h))
                for i, lang in enumerate(LANGUAGES):
                    frame = runner.render(View(screen, fields, language=lang, access=access))
                    sheet.blit(pygame.transform.smoothscale(frame, (w, h)), (i * w, 0))
                path = out / f"{screen}-{mode}.png"
                pygame.image.save(sheet, str(path))
                written.append(path)
        finally:
            runner.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", nargs="?", default="out/gallery")
    args = parser.parse_args()
    for path in render_gallery(args.out_dir):
        print(path)


if __name__ == "__main__":
    main()

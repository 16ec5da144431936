"""Refresh the README's gallery from `make demo`'s output: small PNGs of the screens, the A4 PDF and
the receipt; and the golden screenshots of every screen in every language and accessibility mode
(docs/gallery/screens: one contact sheet per screen and mode, `--screens-only` skips the demo part).
Run `make gallery`; commit what changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 270  # a quarter of the 1080-pixel screen: four screens side by side in the README


def contact_sheets(gallery: Path) -> int:
    """Every screen x language x mode, as small 64-colour PNGs (the repo stays small)."""
    from screens.gallery import render_contact_sheets  # pygame only when the sheets are made

    target = gallery / "screens"
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.png"):
        old.unlink()
    paths = render_contact_sheets(target)
    for path in paths:
        image = Image.open(path).convert("RGB")
        image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(path, optimize=True)
    print(f"gallery: {len(paths)} contact sheets in {target}")
    return 0


def main(demo: Path = ROOT / "out" / "demo", gallery: Path = ROOT / "docs" / "gallery") -> int:
    gallery.mkdir(parents=True, exist_ok=True)
    if "--screens-only" in sys.argv[1:]:
        return contact_sheets(gallery)
    for old in gallery.glob("*"):
        if old.is_file():
            old.unlink()
    for png in sorted(demo.glob("[0-9][0-9]-*.png")):
        image = Image.open(png)
        image.thumbnail((WIDTH, WIDTH * 2))
        image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(gallery / png.name, optimize=True)
    for name in ("document-1.pdf", "receipt-1.png"):
        shutil.copyfile(demo / name, gallery / name)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(demo / "document-1.pdf"),
                        str(gallery / "document-1-page")], check=True)
    print(f"gallery: {len(list(gallery.iterdir()))} files in {gallery}")
    return contact_sheets(gallery)


if __name__ == "__main__":
    sys.exit(main())

"""Refresh the README's gallery from `make demo`'s output: small PNGs of the screens, the A4 PDF and
the receipt. Run `make gallery`; commit what changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 270  # a quarter of the 1080-pixel screen: four screens side by side in the README


def main(demo: Path = ROOT / "out" / "demo", gallery: Path = ROOT / "docs" / "gallery") -> int:
    gallery.mkdir(parents=True, exist_ok=True)
    for old in gallery.glob("*"):
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
    return 0


if __name__ == "__main__":
    sys.exit(main())

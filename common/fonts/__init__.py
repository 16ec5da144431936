"""The fonts the booth draws and prints with: Noto Sans CJK SC, Regular and Bold (SIL OFL 1.1).

One family covers all four languages: Hangul, simplified Hanzi (mainland forms: the SC face), and every
Vietnamese letter. The files are subsets made by `make fonts` (scripts/subset_fonts.py) of just the
characters the booth can draw: its message catalogs, its config, ASCII, Latin-1, Vietnamese and the
2,350 Hangul syllables of KS X 1001 (a Korean place or document name from the server). A Hanzi outside
the catalogs is not in them. tests/test_fonts.py fails when a catalog or config needs a character the
files lack. License: LICENSE-NotoSansCJK.txt (the Reserved Font Name is "Source").

No pygame here: drivers and simulators use these paths too.
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent
REGULAR = _HERE / "NotoSansCJKsc-Regular.subset.ttf"
BOLD = _HERE / "NotoSansCJKsc-Bold.subset.ttf"

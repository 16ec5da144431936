"""Fonts the project ships (NanumGothic, SIL OFL 1.1), subset to ASCII, Latin-1 and Hangul.

No pygame here: drivers and simulators use these paths too.
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent
REGULAR = _HERE / "NanumGothic.ttf"
BOLD = _HERE / "NanumGothicBold.ttf"

"""The languages the booth can show a resident: those the screens' word table (screens/strings.py)
has every sentence in.

Here, not in screens/, because the config check (kiosk/config_rules.py) refuses a language the screens
cannot draw, and the controller core may not import the screens. Adding a language is adding its code
here and its words to every entry of screens/strings.py (tests/screens/test_screens_accessibility.py
checks that no entry lacks one).
"""

from __future__ import annotations

LANGUAGES = ("ko", "en")

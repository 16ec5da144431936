"""The resident-facing words, from gettext catalogs: one loader the screens and the core share.

The catalogs are standard gettext, managed with Babel (`make catalogs-update` extracts and updates,
`make catalogs` compiles): the template `common/locale/messages.pot` and one
`common/locale/<catalog>/LC_MESSAGES/messages.po` per language (catalog names: common.languages.CATALOGS).
Each message is declared in source as `P_("key", "English text")`: the key (a code of kiosk.views, like
`reason.no-change`) is the gettext context, English the msgid, so a translator sees both. Placeholders
are str.format fields (`{amount}`), filled after lookup.

At run time only the standard library is needed (`gettext.translation` reads the compiled .mo files);
the .mo files are build output, not committed. A missing one is an error naming `make catalogs`, never
a screen of raw keys.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

from common.languages import CATALOGS, LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


class CatalogsNotBuilt(RuntimeError):
    """A compiled catalog (.mo) is missing: the build step `make catalogs` has not run."""


def P_(key: str, english: str) -> tuple[str, str]:
    """Declare a message: `key` is its gettext context, `english` its msgid. Babel extracts these calls
    (keyword spec `P_:1c,2`, babel.cfg); at run time the pair goes into a module's message table."""
    return key, english


def po_path(code: str) -> Path:
    """The editable catalog of one of our language codes."""
    return LOCALE_DIR / CATALOGS[code] / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(code: str) -> Path:
    return po_path(code).with_suffix(".mo")


@functools.cache
def translations(code: str) -> gettext.GNUTranslations:
    """The compiled catalog of one of our codes (LANGUAGES), loaded once."""
    if code not in CATALOGS:
        raise ValueError(f"{code!r} is not one of the booth's languages ({', '.join(LANGUAGES)})")
    try:
        found = gettext.translation(DOMAIN, LOCALE_DIR, [CATALOGS[code]])
    except FileNotFoundError:
        raise CatalogsNotBuilt(
            f"the compiled message catalog {mo_path(code)} is missing: run `make catalogs` "
            "(pybabel compile; scripts/install.sh does it for an installed booth)") from None
    assert isinstance(found, gettext.GNUTranslations)
    return found


def require_all() -> None:
    """Load every language's catalog now, so a booth without them stops at start, not mid-session."""
    for code in LANGUAGES:
        translations(code)


def lookup(code: str, key: str, english: str) -> str:
    """`english` (declared with key `key`) in language `code`; English when the catalog lacks it."""
    return translations(code).pgettext(key, english)

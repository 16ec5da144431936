"""The languages the booth can show a resident, each one's name in itself, and its gettext catalog.

Here, not in screens/, because the config check (kiosk/config_rules.py) refuses a language the booth
cannot show, the receipt (core) prints in the resident's language, and the core may not import the
screens. Adding a language is adding its code here, its name, its catalog name, and a translated
catalog under common/locale/ (`pybabel init`; tests/test_catalogs.py fails until every message is
translated, tests/test_fonts.py until the committed font subset covers it: `make fonts`).

The catalogs are standard gettext, managed with Babel (`make catalogs-update` extracts and updates,
`make catalogs` compiles): the template `common/locale/messages.pot` and one
`common/locale/<catalog>/LC_MESSAGES/messages.po` per language. The sentences are declared in
common/messages.py: the key (a code of kiosk.views, like `reason.no-change`) is the gettext context,
English the msgid. Placeholders are str.format fields (`{amount}`), filled after lookup. At run time
only the standard library is needed (`gettext.translation` reads the compiled .mo files, build output,
not committed); a missing one is an error naming `make catalogs`, never a screen of raw keys.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

LANGUAGES = ("ko", "en", "zh", "vi")
"""Our codes, the ones kiosk.views.View.language and config's kiosk.languages use."""

NAMES: dict[str, str] = {"ko": "한국어", "en": "English", "zh": "中文", "vi": "Tiếng Việt"}
"""Each language's name in its own language: what the language button shows in every language."""

CATALOGS: dict[str, str] = {"ko": "ko", "en": "en", "zh": "zh_Hans", "vi": "vi"}
"""Our code -> the catalog's folder name under common/locale/ (CLDR/Babel locale identifiers).

Chinese is simplified Chinese (mainland forms), so its catalog is `zh_Hans`: gettext and Babel look
for exactly that name and do not find it for `zh`, `zh-Hans` or `zh_CN`, hence this explicit map.
"""

# Language tags seen from outside (config, a server, an OS locale) -> our code. Script and region decide
# Chinese: Hant/TW/HK/MO is traditional Chinese, which the booth does not have.
_TRADITIONAL = {"hant", "tw", "hk", "mo"}


def code_for_tag(tag: str) -> str | None:
    """Our code for a BCP 47 / POSIX language tag (`ko-KR`, `zh_Hans_CN`, `vi_VN.UTF-8`), None if we lack it."""
    parts = tag.split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower().split("_")
    base = parts[0]
    if base not in LANGUAGES:
        return None
    if base == "zh" and _TRADITIONAL & set(parts[1:]):
        return None
    return base


def catalog_for_tag(tag: str) -> str | None:
    """The catalog name (`zh_Hans`, `ko`, ...) for a language tag, None if the booth has no such language."""
    code = code_for_tag(tag)
    return CATALOGS[code] if code else None


LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


class CatalogsNotBuilt(RuntimeError):
    """A compiled catalog (.mo) is missing: the build step `make catalogs` has not run."""


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

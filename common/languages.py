"""The languages the booth can show a resident, each one's name in itself, and its gettext catalog.

Here, not in screens/, because the config check (kiosk/config_rules.py) refuses a language the booth
cannot show, the receipt (core) prints in the resident's language, and the core may not import the
screens. Adding a language is adding its code here, its name, its catalog name, and a translated
catalog under common/locale/ (`pybabel init`; tests/test_catalogs.py fails until every message is
translated and the committed font subset covers it: `make catalogs-update fonts`).
"""

from __future__ import annotations

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

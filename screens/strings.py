"""Every word the resident reads, looked up by the codes in kiosk.views, in the resident's language.

The words live in gettext catalogs (common/locale/, managed with Babel; declared in common/messages.py,
loaded by common/languages.py), so translators work in the standard .po form and the receipt (the core)
shares them. This module keeps the screens' small API: `t(key, lang, **values)`, `won`, `fee`, `document`,
`language`, `has`. Codes the catalogs do not know fall back to a generic sentence of their family
(`reason.*`, `notice.*`, ...), so a new controller code never shows a blank or a raw identifier to a
resident.

`STRINGS` holds sentences not yet folded into the catalogs: a helper's dict module
(screens/strings_<name>.py, {key: {"ko", "en", "zh", "vi"}}) added with `STRINGS.update(...)` at the end
of this file, until `scripts/import_strings.py` moves it into the catalogs.
"""

from __future__ import annotations

from common.languages import LANGUAGES, NAMES, lookup, require_all
from common.messages import MESSAGES

STRINGS: dict[str, dict[str, str]] = {}
"""Sentences waiting to be folded into the catalogs (see the module docstring); the catalogs win."""

require_all()  # a booth without its compiled catalogs stops here, naming `make catalogs`


def language(code: str) -> str:
    """The language to draw in: the view's if we have it, else Korean."""
    return code if code in LANGUAGES else "ko"


def has(key: str) -> bool:
    """True when `key` has its own sentence (not only its family's fallback)."""
    return key in MESSAGES or key in STRINGS or _language_name(key) is not None


def _language_name(key: str) -> str | None:
    """`lang.<code>`: a language's name, written in that language whatever the resident reads."""
    family, _, code = key.partition(".")
    return NAMES.get(code) if family == "lang" else None


def _text(key: str, lang: str) -> str | None:
    english = MESSAGES.get(key)
    if english is not None:
        return lookup(lang, key, english)
    entry = STRINGS.get(key)
    if entry is not None:
        return entry.get(lang) or entry.get("en") or entry.get("ko")
    return _language_name(key)


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`; an unknown code falls back to its family's generic text."""
    lang = language(lang)
    text = _text(key, lang)
    prefix = key
    while text is None and "." in prefix:
        # An unknown code reads as its family's words, the nearest family first: "mobile_id.state.x"
        # as "mobile_id.state._unknown", "reason.x" as "reason._unknown".
        prefix = prefix.rpartition(".")[0]
        text = _text(f"{prefix}._unknown", lang)
    if text is None:
        text = key
    return text.format(**values) if values else text


def won(amount: object, lang: str) -> str:
    """`1,000원` / `1,000 won`; a value that is not a number shows as 0 rather than crash a screen."""
    value = amount if isinstance(amount, int) and not isinstance(amount, bool) else 0
    return t("won", lang, amount=f"{value:,}")


def fee(amount: object, lang: str) -> str:
    """A fee: `200원`, or `무료` when it costs nothing."""
    value = amount if isinstance(amount, int) and not isinstance(amount, bool) else 0
    return t("fee.free", lang) if value == 0 else won(value, lang)


def document(code: object, lang: str) -> str:
    return t(f"doc.{code}", lang)

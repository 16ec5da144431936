"""Fold a dict of sentences in all four languages into the gettext catalogs, in one command.

    python scripts/import_strings.py screens.strings_voice [--dict STRINGS] [--section "voice"]

The module's dict is shaped like the old screens/strings.py table: {key: {"ko": ..., "en": ..., "zh": ...,
"vi": ...}}. For every key not yet declared, this appends `P_("key", "<en>")` to common/messages.py,
re-extracts the template (common/locale/messages.pot), updates every catalog from it, writes the ko/zh/vi
translations (NFC) into common/locale/*/LC_MESSAGES/messages.po and compiles them. A key already declared
is left alone and listed (change an existing sentence in its .po file). Afterwards: delete the module and
its `STRINGS.update(...)` line in screens/strings.py, run `make fonts` if it brought new characters, and
commit messages.py, the .pot and the .po files (tests/test_catalogs.py checks them).

A build tool (needs Babel, like `make catalogs-update`): the booth itself reads only the compiled .mo files.
"""

from __future__ import annotations

import argparse
import importlib
import json
import string
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.frontend import CommandLineInterface  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from common.languages import CATALOGS, DOMAIN, LANGUAGES, LOCALE_DIR, TEMPLATE, po_path  # noqa: E402

MESSAGES_PY = ROOT / "common" / "messages.py"
# The same options as the Makefile's catalogs-update (keep them in step).
EXTRACT = ["extract", "-F", str(ROOT / "babel.cfg"), "--no-default-keywords", "-k", "P_:1c,2", "--no-location",
           "--project=civil-kiosk", "--copyright-holder=civil-kiosk contributors", "-o", str(TEMPLATE), str(ROOT)]
UPDATE = ["update", "-i", str(TEMPLATE), "-d", str(LOCALE_DIR), "-D", DOMAIN, "--ignore-pot-creation-date",
          "--no-fuzzy-matching"]
WIDTH = 120


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def declared() -> dict[str, str]:
    """common/messages.py's table as it is on disk now (not an imported copy)."""
    scope: dict[str, object] = {}
    exec(compile(MESSAGES_PY.read_text(encoding="utf-8"), str(MESSAGES_PY), "exec"), scope)
    table = scope["MESSAGES"]
    assert isinstance(table, dict)
    return table


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def declaration(key: str, english: str) -> list[str]:
    """The `P_(...)` source line(s) for one message, split into adjacent literals to stay within the width."""
    one = f"    P_({_literal(key)}, {_literal(english)}),"
    if len(one) <= WIDTH:
        return [one]
    pieces: list[str] = []
    current = ""
    for word in english.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(_literal(candidate + " ")) > WIDTH - 12:
            pieces.append(current + " ")
            current = word
        else:
            current = candidate
    pieces.append(current)
    lines = [f"    P_({_literal(key)},"]
    lines += [f"       {_literal(piece)}" for piece in pieces]
    lines[-1] += "),"
    return lines


def append_declarations(entries: dict[str, str], section: str | None) -> None:
    source = MESSAGES_PY.read_text(encoding="utf-8").splitlines()
    end = source.index("])")  # the line that closes MESSAGES = dict([
    new: list[str] = [f"    # --- {section} " + "-" * max(3, 80 - len(section))] if section else []
    for key, english in entries.items():
        new += declaration(key, english)
    source[end:end] = new
    MESSAGES_PY.write_text("\n".join(source) + "\n", encoding="utf-8")


def fill_translations(table: dict[str, dict[str, str]]) -> None:
    """Write each language's translations of `table` into its catalog (English stays the msgid)."""
    english = {key: texts["en"] for key, texts in table.items()}
    for code in LANGUAGES:
        if code == "en":
            continue
        path = po_path(code)
        with path.open("rb") as f:
            catalog = read_po(f, locale=CATALOGS[code])
        for key, texts in table.items():
            message = catalog.get(english[key], context=key)
            if message is None:
                raise SystemExit(f"{key}: not in {path} after the update (is it declared in {MESSAGES_PY}?)")
            message.string = unicodedata.normalize("NFC", texts[code])
            message.flags.discard("fuzzy")
        catalog.fuzzy = False
        with path.open("wb") as f:
            write_po(f, catalog, no_location=True)  # as `pybabel update` writes it


def check(table: dict[str, dict[str, str]]) -> None:
    for key, texts in table.items():
        missing = [code for code in LANGUAGES if not texts.get(code, "").strip()]
        if missing:
            raise SystemExit(f"{key}: no text in {', '.join(missing)}")
        if "\x04" in key or not key.strip():
            raise SystemExit(f"{key!r}: not usable as a gettext context")
        for code in LANGUAGES:
            if _fields(texts[code]) != _fields(texts["en"]):
                raise SystemExit(f"{key}: {code} has the placeholders {sorted(_fields(texts[code]))}, "
                                 f"English {sorted(_fields(texts['en']))}")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="a module holding the dict, e.g. screens.strings_voice")
    parser.add_argument("--dict", default="STRINGS", help="the dict's name in the module (default STRINGS)")
    parser.add_argument("--section", help="a comment line put above the new declarations (default: the module)")
    args = parser.parse_args(argv)
    table: dict[str, dict[str, str]] = getattr(importlib.import_module(args.module), args.dict)
    check(table)
    known = declared()
    skipped = {key: texts for key, texts in table.items() if key in known}
    fresh = {key: texts for key, texts in table.items() if key not in known}
    if fresh:
        append_declarations({key: texts["en"] for key, texts in fresh.items()}, args.section or args.module)
        pybabel(*EXTRACT)
        for code in LANGUAGES:
            if not po_path(code).exists():
                pybabel("init", "-i", str(TEMPLATE), "-d", str(LOCALE_DIR), "-D", DOMAIN, "-l", CATALOGS[code])
        pybabel(*UPDATE)
        fill_translations(fresh)
        pybabel("compile", "-d", str(LOCALE_DIR), "-D", DOMAIN)
    print(f"{len(fresh)} sentences folded into {MESSAGES_PY.relative_to(ROOT)} and the catalogs of "
          f"{', '.join(CATALOGS[c] for c in LANGUAGES)}")
    for key, texts in skipped.items():
        same = "same English" if texts["en"] == known[key] else f"declared as {known[key]!r}"
        print(f"  skipped {key}: already declared ({same}); edit its .po entries if the words changed")
    print(f"Now: delete {args.module} and its STRINGS.update(...) line in screens/strings.py; "
          "make fonts if it brought new characters; commit common/messages.py and common/locale.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The message catalogs: in step with the source, complete in every language, and what the screens show.

A sentence added in common/messages.py without `make catalogs-update`, a translation left empty or
fuzzy, a `{placeholder}` lost in translation, a stale compiled catalog: each fails here, before a
resident sees English on a Vietnamese screen or a raw key.
"""

from __future__ import annotations

import string
import unicodedata
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.frontend import parse_keywords
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from common import languages as catalogs
from common.languages import CATALOGS, LANGUAGES, NAMES, catalog_for_tag, code_for_tag
from common.messages import MESSAGES
from screens.strings import has, t

ROOT = Path(__file__).resolve().parent.parent
KEYWORD_SPEC = "P_:1c,2"  # the Makefile's and scripts/import_strings.py's `-k`


def _read(path: Path, code: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=CATALOGS[code] if code else None)


def _messages(catalog: Catalog) -> list[tuple[str | None, str]]:
    return [(m.context, str(m.id)) for m in catalog if m.id]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_committed_template_is_what_extraction_finds_in_the_source_now() -> None:
    found = [(context, msgid) for _, msgid, _, context in
             extract_from_file("python", ROOT / "common" / "messages.py", keywords=parse_keywords([KEYWORD_SPEC]))]
    assert found == list(MESSAGES.items()), "common/messages.py declares what it builds at run time"
    assert _messages(_read(catalogs.TEMPLATE)) == found, "run `make catalogs-update` and translate what is new"
    assert f"-k {KEYWORD_SPEC}" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "[python: common/messages.py]" in (ROOT / "babel.cfg").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_catalog_translates_every_message_with_the_same_placeholders(code: str) -> None:
    catalog = _read(catalogs.po_path(code), code)
    assert not catalog.fuzzy, f"{catalogs.po_path(code)}: the header is fuzzy (pybabel compile would skip it)"
    assert not catalog.obsolete, f"{catalogs.po_path(code)}: obsolete entries left ({list(catalog.obsolete)[:3]})"
    assert _messages(catalog) == _messages(_read(catalogs.TEMPLATE))
    problems = []
    for message in catalog:
        if not message.id:
            continue
        key, english, text = message.context, str(message.id), str(message.string)
        if message.fuzzy:
            problems.append(f"{key}: fuzzy")
        if code == "en":  # English is the msgid; an English catalog entry may refine it
            text = text or english
        if not text.strip():
            problems.append(f"{key}: not translated")
        elif _fields(text) != _fields(english):
            problems.append(f"{key}: placeholders {_fields(text)} instead of {_fields(english)}")
        elif text != unicodedata.normalize("NFC", text):
            problems.append(f"{key}: not NFC (Vietnamese tone marks must be precomposed)")
        elif catalogs.lookup(code, str(key), english) != text:
            problems.append(f"{key}: the compiled catalog differs from the .po (run `make catalogs`)")
    assert problems == []


def test_the_screens_read_each_language_from_its_catalog() -> None:
    assert [t("idle.touch", code) for code in LANGUAGES] == [
        "화면을 눌러 시작하세요", "Touch the screen to start", "请触摸屏幕开始", "Chạm vào màn hình để bắt đầu"]
    assert t("done.change", "vi", amount="500 won") == "Lấy tiền thối: 500 won"
    assert [t(f"lang.{code}", "zh") for code in LANGUAGES] == [NAMES[code] for code in LANGUAGES]
    assert t("idle.touch", "fr") == t("idle.touch", "ko")  # an unknown code draws Korean, never nothing


@pytest.mark.parametrize(("tag", "code", "catalog"), [
    ("ko", "ko", "ko"), ("ko-KR", "ko", "ko"), ("ko_KR.UTF-8", "ko", "ko"), ("en-US", "en", "en"),
    ("zh", "zh", "zh_Hans"), ("zh-Hans", "zh", "zh_Hans"), ("zh_CN", "zh", "zh_Hans"), ("zh-Hans-CN", "zh", "zh_Hans"),
    ("zh-TW", None, None), ("zh-Hant", None, None), ("zh_HK", None, None),
    ("vi", "vi", "vi"), ("vi-VN", "vi", "vi"), ("ja", None, None), ("", None, None),
])
def test_language_tags_map_to_our_codes_and_catalog_names(tag: str, code: str | None, catalog: str | None) -> None:
    assert (code_for_tag(tag), catalog_for_tag(tag)) == (code, catalog)


def test_a_missing_compiled_catalog_names_the_build_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalogs, "LOCALE_DIR", tmp_path)
    catalogs.translations.cache_clear()
    try:
        with pytest.raises(catalogs.CatalogsNotBuilt, match="make catalogs"):
            catalogs.require_all()
    finally:
        monkeypatch.undo()
        catalogs.translations.cache_clear()


FAMILIES = sorted({key.removesuffix("._unknown") for key in MESSAGES if key.endswith("._unknown")})


@given(family=st.sampled_from(FAMILIES),
       code=st.one_of(st.sampled_from(sorted({k.partition(".")[2] for k in MESSAGES})), st.text(max_size=20)),
       lang=st.one_of(st.sampled_from(LANGUAGES), st.text(max_size=5)))
def test_a_code_of_a_known_family_always_reads_as_words(family: str, code: str, lang: str) -> None:
    key = f"{family}.{code}"
    text = t(key, lang)
    assert text.strip()
    assert text != key
    if has(key):
        assert text == t(key, lang if lang in LANGUAGES else "ko")

"""Issue 17's e-mail notices: the plain address rule (kiosk.notices.address_problem) a resident's typing
is checked against, the domain quick keys, and the address's privacy: masked in any log line, and after
a notice by e-mail nowhere in the logs or any file the booth wrote."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.notices import DOMAINS, EMAIL_CHARS, EMAIL_MAX, address_problem, with_domain
from kiosk.privacy import redact
from kiosk.rig.scenario import run_scenario

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "kim.minsu@naver.com"

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_word = st.text(alphabet=_ALNUM, min_size=1, max_size=12)
_local = st.builds(lambda parts, seps: "".join(p + s for p, s in zip(parts, seps, strict=False)) + parts[-1],
                   st.lists(_word, min_size=1, max_size=4), st.lists(st.sampled_from("._-+"), max_size=3))
_label = st.builds(lambda a, mid, b: a + mid + b if mid else a,
                   st.sampled_from(_ALNUM), st.text(alphabet=_ALNUM + "-", max_size=8), st.sampled_from(_ALNUM))
_tld = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=6)
_domain = st.builds(lambda labels, tld: ".".join([*labels, tld]), st.lists(_label, min_size=1, max_size=3), _tld)
valid_addresses = st.builds(lambda local, domain: f"{local}@{domain}", _local, _domain).filter(
    lambda a: len(a) <= EMAIL_MAX and len(a.partition("@")[0]) <= 64)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        (ADDRESS, ""),
        ("hong.gil-dong+kiosk_1@hanmail.net", ""),
        ("a@b.co.kr", ""),
        ("", "incomplete"),
        ("kim.minsu", "incomplete"),  # no @ yet
        ("kim@", "incomplete"),
        ("@naver.com", "incomplete"),
        ("kim@naver", "incomplete"),  # no dot in the domain
        ("kim@naver.", "incomplete"),
        ("kim@@naver.com", "invalid"),
        ("kim@a@naver.com", "invalid"),
        ("kim..minsu@naver.com", "invalid"),
        (".kim@naver.com", "invalid"),
        ("kim.@naver.com", "invalid"),
        ("kim@-naver.com", "invalid"),
        ("kim@naver-.com", "invalid"),
        ("kim@naver..com", "invalid"),
        ("kim@naver.c", "invalid"),
        ("kim@naver.c0m", "invalid"),
        ("Kim@naver.com", "invalid"),  # the keyboard has no capitals
        ("kim minsu@naver.com", "invalid"),
        ("k" * 65 + "@naver.com", "invalid"),
        ("k@" + "a" * 250 + ".com", "invalid"),
    ],
)
def test_the_address_rule(address: str, problem: str) -> None:
    assert address_problem(address) == problem


@settings(max_examples=150, deadline=None)
@given(address=valid_addresses)
def test_every_address_of_the_rule_is_accepted_and_masked_whole_in_logs(address: str) -> None:
    assert address_problem(address) == ""
    logged = redact(f"notice to {address}, kind receipt")
    assert address not in logged
    assert logged == "notice to ***@***, kind receipt"


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.text(alphabet="ab.@-_+Z ", max_size=300))
def test_any_text_gets_one_of_the_three_answers(text: str) -> None:
    problem = address_problem(text)
    assert problem in ("", "incomplete", "invalid")
    if any(ch not in EMAIL_CHARS for ch in text) or len(text) > EMAIL_MAX:
        assert problem == "invalid"
    if problem == "":
        assert text.count("@") == 1 and "." in text.partition("@")[2]


def test_a_domain_key_completes_or_replaces_the_domain() -> None:
    assert with_domain("kim.minsu", "naver.com") == ADDRESS
    assert with_domain("kim.minsu@", "naver.com") == ADDRESS
    assert with_domain("kim.minsu@gma", "naver.com") == ADDRESS  # a domain begun by hand is replaced
    assert all(address_problem(with_domain("kim", d)) == "" for d in DOMAINS)


@pytest.mark.timeout(120)
async def test_a_notice_by_email_leaves_no_address_behind(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out_dir = tmp_path / "out"
    with caplog.at_level(logging.DEBUG):
        result = await run_scenario(ROOT / "scenarios" / "notice_by_email.toml", out_dir=out_dir,
                                    keep_work_dir=True)
    assert result.work_dir is not None
    try:
        assert "notice_email" in result.screens  # the address was typed on the e-mail keyboard
        shapes = (ADDRESS, "kim.minsu", "minsu@")
        for shape in shapes:
            assert shape not in caplog.text
        files = [p for p in result.work_dir.rglob("*") if p.is_file()] + [p for p in out_dir.rglob("*") if p.is_file()]
        assert any(p.name == "journal.sqlite3" for p in files)
        for path in files:
            data = path.read_bytes()
            for shape in shapes:
                assert shape.encode() not in data, path
                assert shape.encode("utf-16-le") not in data, path
    finally:
        shutil.rmtree(result.work_dir, ignore_errors=True)

"""The receipt is printed in the resident's language, from the same catalogs as the screens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.languages import LANGUAGES
from kiosk.config_loader import load_config
from kiosk.journal import Journal
from kiosk.receipt_content import build_receipt
from kiosk.session import Session

ROOT = Path(__file__).resolve().parents[2]
AT = "2026-11-23T14:00:00+09:00"


@pytest.fixture
def paid_session(tmp_path: Path) -> Iterator[tuple[Session, Journal]]:
    journal = Journal(tmp_path / "j.sqlite3")
    session = Session(document="land_register", copies=2, total=400)
    journal.record(session.id, "coin_credited", at=AT, amount=500)
    journal.record(session.id, "print_done", at=AT, ref="1234-5678-9012")
    journal.record(session.id, "fee_kept", at=AT, amount=200)
    journal.record(session.id, "change_paid", at=AT, amount=100)
    yield session, journal
    journal.close()


def test_each_language_prints_its_own_words_with_the_same_numbers(paid_session: tuple[Session, Journal]) -> None:
    session, journal = paid_session
    config = load_config(ROOT / "config" / "kiosk.toml")
    at = dt.datetime(2026, 11, 23, 14)
    texts = {lang: [line.text for line in
                    build_receipt(session, config=config, journal=journal, printed_at=at, language=lang).lines]
             for lang in LANGUAGES}
    assert texts["ko"][0] == "무인민원발급 영수증"
    assert "(신청 2부 중 1부 발급)" in texts["ko"]
    assert texts["zh"][0] == "自助证明发放收据"
    assert "土地台账 1份" in texts["zh"]
    assert texts["vi"][0] == "Biên lai cấp giấy tờ"
    assert "Tiền thối 100 won" in texts["vi"]
    assert "Change 100 won" in texts["en"]
    for lang in LANGUAGES:  # the same lines, in the same places, only the words differ
        assert len(texts[lang]) == len(texts["ko"])
        assert "1234-5678-9012" in texts[lang]
    fallback = build_receipt(session, config=config, journal=journal, printed_at=at, language="fr")
    assert [line.text for line in fallback.lines] == texts["ko"]


def test_a_voucher_for_money_outside_any_session_names_no_document(tmp_path: Path) -> None:
    """A late coin the dry hopper could not give back gets a receipt of its own with its voucher: no
    "document not issued" line for a document nobody chose."""
    journal = Journal(tmp_path / "j.sqlite3")
    try:
        orphan = Session()
        journal.record(orphan.id, "coin_credited", at=AT, amount=100)
        journal.record(orphan.id, "voucher_issued", at=AT, amount=100, ref="V-0001-2345")
        config = load_config(ROOT / "config" / "kiosk.toml")
        texts = [line.text for line in build_receipt(orphan, config=config, journal=journal,
                                                     printed_at=dt.datetime(2026, 11, 23, 14)).lines]
        assert not any("발급되지 않았습니다" in text for text in texts), texts
        assert "V-0001-2345" in texts and "받은 금액 100원 (현금)" in texts
    finally:
        journal.close()

"""Every screen draws every sample in both languages and every display mode, with the contract's widgets."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest
from helpers_screens import MODES, runner

from kiosk.views import DeviceLine, DocumentChoice, NoData, OptionChoice, OptionsView, ScreenData, View
from screens.registry import SCREEN_NAMES, samples

SAMPLES = samples()
CASES = [(screen, sample) for screen, variants in SAMPLES.items() for sample in variants]


@pytest.mark.parametrize("mode", list(MODES))
def test_every_sample_renders_in_both_languages(mode: str) -> None:
    r, _ = runner(mode)
    try:
        for screen, sample in CASES:
            for lang in ("ko", "en"):
                frame = r.render(View(screen, SAMPLES[screen][sample], language=lang))
                assert r.screen_shown == screen, (screen, sample, lang, mode)
                assert frame.get_size() == (1080, 1920)
    finally:
        r.close()


def test_every_screen_has_samples() -> None:
    assert set(SAMPLES) == set(SCREEN_NAMES)
    assert all(SAMPLES[name] for name in SCREEN_NAMES)


SERVICE = ("lang", "access", "help")  # every resident screen: language, accessibility, help
EXPECTED_WIDGETS = {
    "boot": set(),
    "idle": {"start", "pickup", *SERVICE},  # pickup: issue 17
    "choose_document": {
        "doc:resident_copy",
        "doc:resident_abstract",
        "doc:family_relations",
        "doc:local_tax",
        "doc:land_register",
        "doc:building_register",
        "back",
        "cancel",
        *SERVICE,
    },
    "resident_number": {*(f"key:{d}" for d in range(10)), "key:back", "key:clear", "ok", "back", "cancel", *SERVICE},
    "parcel": {*(f"key:{d}" for d in range(10)), "key:dash", "key:back", "key:clear", "ok", "back", "cancel", *SERVICE},
    "fingerprint": {"back", "cancel", *SERVICE},
    "options": {
        "opt:include_past_addresses",
        "opt:show_member_numbers",
        "copies:+",
        "copies:-",
        "ok",
        "back",
        "cancel",
        *SERVICE,
    },
    "payment": {"pay:card", "cancel", *SERVICE},
    "issuing": set(SERVICE),
    "printing": set(SERVICE),
    "done": {"ok", *SERVICE},
    "out_of_service": set(SERVICE),
    "maintenance": {"maint:exit", *(f"maint:page:{p}" for p in ("board", "selftest", "paper", "cash", "vouchers",
                                                                  "logs"))},
    "tech_login": {*(f"key:{d}" for d in range(10)), "key:back", "key:clear", "ok", "cancel"},
    "maint_cash": {*(f"key:{d}" for d in range(10)), "key:back", "key:clear", "cash:refill", "cash:hopper_test",
                   "cash:collect", "cash:settle", "cash:count", "maint:exit",
                   *(f"maint:page:{p}" for p in ("board", "selftest", "paper", "cash", "vouchers", "logs"))},
    "maint_vouchers": {*(f"key:{d}" for d in range(10)), "key:back", "key:clear", "voucher:lookup",
                       "voucher:pay_hopper", "voucher:pay_hand", "voucher:reprint", "voucher:open:0", "voucher:open:1",
                       "maint:exit",
                       *(f"maint:page:{p}" for p in ("board", "selftest", "paper", "cash", "vouchers", "logs"))},
}
# The technician's pages (helper "board"): the tabs and exit, plus each page's own buttons.
_MAINT_NAV = EXPECTED_WIDGETS["maintenance"]
EXPECTED_WIDGETS |= {
    "maint_selftest": {*_MAINT_NAV, *(f"selftest:{d}" for d in ("a4", "receipt", "fingerprint", "server", "all"))},
    "maint_paper": {*_MAINT_NAV, "paper:refill:a4", "paper:refill:receipt"},
    "maint_logs": set(_MAINT_NAV),
    "pickup": {*(f"key:{d}" for d in range(10)), "key:back", "key:clear", "ok", "back", "cancel", *SERVICE},
    "notice": {*(f"key:{d}" for d in range(10)), "key:back", "key:clear", "ok", "back", *SERVICE},
    "mobile_id": {"back", "cancel", *SERVICE},
    "notice_channel": {"channel:sms", "channel:email", "back", *SERVICE},
    "notice_email": {*(f"key:{c}" for c in "abcdefghijklmnopqrstuvwxyz"), *(f"key:digit{d}" for d in range(10)),
                     "key:at", "key:dot", "key:underscore", "key:hyphen", "key:plus", "key:back", "key:clear",
                     *(f"domain:{d}" for d in ("naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com",
                                                "nate.com")), "ok", "back", *SERVICE},
}
FIRST_SAMPLE = {"choose_document": "all", "options": "resident_copy", "payment": "waiting"}
FIRST_SAMPLE["tech_login"] = "typing"


@pytest.mark.parametrize("screen", SCREEN_NAMES)
def test_widget_ids_are_the_contract(screen: str) -> None:
    r, _ = runner()
    try:
        sample = FIRST_SAMPLE.get(screen, next(iter(SAMPLES[screen])))
        r.render(View(screen, SAMPLES[screen][sample]))
        assert set(r.widgets()) == EXPECTED_WIDGETS[screen]
    finally:
        r.close()


def test_card_button_only_when_card_is_accepted() -> None:
    r, _ = runner()
    try:
        data = replace(SAMPLES["payment"]["waiting"], accepts=["coins", "bills:1000"])
        r.render(View("payment", data))
        assert r.widgets() == ["cancel", "lang", "access", "help"]
    finally:
        r.close()


def test_all_option_ids_have_words_and_toggles() -> None:
    r, _ = runner()
    try:
        ids = [
            "include_past_addresses",
            "show_member_numbers",
            "address_history",
            "military_service",
            "detailed",
            "general",
            "title_section",
        ]
        for option_id in ids:
            r.render(
                View(
                    "options",
                    OptionsView(
                        document="resident_copy",
                        options=[OptionChoice(option_id, False)],
                        copies=1,
                        max_copies=3,
                        fee_per_copy=200,
                        total=200,
                    ),
                )
            )
            assert f"opt:{option_id}" in r.widgets()
    finally:
        r.close()


# Well-typed but odd: codes no screen knows, numbers out of range, lists empty or strange. (Values of
# the wrong type no longer reach a screen: mypy checks what the presenter builds.)
ODD_DATA: list[dict[str, object]] = [
    {},
    {
        "masked": "",
        "digits": 99,
        "copies": 0,
        "accepts": [],
        "devices": [DeviceLine("x", "online", "")],
        "counters": {},
        "journal_tail": [],
        "outcome": "no-such-outcome",
        "guidance": "no-such-code",
        "step": "warp",
        "reason": "no-such-reason",
        "options": [OptionChoice("", True)],
        "clock": "",
        "kiosk_name": "",
        "pages_done": 9,
        "pages_total": 2,
        "voucher": "",
    },
    {
        "documents": [
            DocumentChoice("", 200, True),
            DocumentChoice("mystery_document", 100, False, False, "mystery-reason"),
        ],
        "devices": [DeviceLine("a", "weird", "", {"paper": "gone"})],
        "message": "unknown-message",
        "hint": "unknown-hint",
        "error": "unknown-error",
        "status": "unknown-status",
        "remaining": -5,
    },
]


def _odd(screen: str, odd: dict[str, object]) -> ScreenData:
    """The screen's first sample with the odd values its view has fields for."""
    sample = next(iter(SAMPLES[screen].values()))
    names = {f.name for f in fields(sample) if f.init}
    return replace(sample, **{k: v for k, v in odd.items() if k in names})


@pytest.mark.parametrize("mode", ["normal", "low-zoom200"])
@pytest.mark.parametrize("odd", ODD_DATA)
def test_unexpected_data_never_takes_a_screen_down(odd: dict[str, object], mode: str) -> None:
    r, _ = runner(mode)
    try:
        for screen in SCREEN_NAMES:
            # Its own view with odd values, and another screen's view (or none) in its place.
            for data in (_odd(screen, odd), NoData(), SAMPLES["idle"]["open"]):
                r.render(View(screen, data, notices=("receipt-paper-out", "no-such-notice"), language="xx"))
                assert r.screen_shown == screen
    finally:
        r.close()


def test_a_new_frame_is_cheap() -> None:
    """The bench's figure: one full frame well under a 30 Hz budget once glyphs are cached."""
    import time

    r, _ = runner()
    try:
        view = View("choose_document", SAMPLES["choose_document"]["all"])
        r.render(view)
        start = time.perf_counter()
        for i in range(20):
            r.render(View("choose_document", SAMPLES["choose_document"]["all"], serial=i))
        per_frame = (time.perf_counter() - start) / 20
        assert per_frame < 0.033
    finally:
        r.close()

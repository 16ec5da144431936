"""A technician's typo names the file and the key, never a traceback; a value wrong for a booth is refused."""

from __future__ import annotations

import contextlib
import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config import ConfigError, KioskConfig
from kiosk.config_loader import CONFIG_DIR, load_config


def test_shipped_config_loads_with_the_national_fees() -> None:
    config = load_config(CONFIG_DIR / "kiosk.toml")
    assert config.documents["resident_copy"].fee == 200
    assert config.documents["land_register"].needs_identity is False
    assert config.cash.coin_channels == {"1": 10, "2": 50, "3": 100, "4": 500}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[cash]\necho = \"yes\"\n", "cash.echo: expected bool"),
        ("[cash]\nechoo = true\n", "cash.echoo: unknown key"),
        ("[fingerprint]\nprotocol = \"zfx\"\n", "fingerprint.protocol: 'zfx' is not one of"),
        ("[timeouts]\nscreen = -1\n", "timeouts.screen: -1.0 is outside"),
        ("[kiosk]\nhours = \"7 to 11\"\n", "kiosk.hours"),
        ("[documents.x]\ntitle_ko = \"x\"\ntitle_en = \"x\"\nfee = -5\nneeds_identity = false\n",
         "documents.x.fee"),
        ("[documents.x]\ntitle_ko = \"x\"\nfee = 5\n", "documents.x: missing key 'title_en'"),
        ("[cash\n", "not valid TOML"),
        # A walk-away that never ends holds the resident's coins.
        ("[timeouts]\npayment = nan\n", "timeouts.payment: nan is not a finite number"),
        ("[timeouts]\npayment = inf\n", "timeouts.payment: inf is not a finite number"),
        ("[timeouts]\nscreen = -inf\n", "timeouts.screen: -inf is not a finite number"),
        ("[timeouts]\npayment = 1e308\n", "timeouts.payment: 1e+308 is outside 30..900"),
        ("[timeouts]\ndevice_response = 0\n", "timeouts.device_response: 0.0 is outside"),
        # Change is paid in the hopper's coin: 0 divides by zero, a negative one pays backwards.
        ("[cash]\nhopper_coin = 0\n", "cash.hopper_coin: 0 is not a coin the acceptor takes"),
        ("[cash]\nhopper_coin = -100\n", "cash.hopper_coin: -100 is not a coin"),
        ("[cash]\npoll_interval = 0\n", "cash.poll_interval: 0.0 is outside 0.01..1"),
        ("[cash]\npoll_interval = -0.2\n", "cash.poll_interval: -0.2 is outside"),
        ("[cash.coin_channels]\n5 = 70\n", "cash.coin_channels.5: 70 won is not a Korean coin"),
        ("[cash.bill_channels]\n17 = 1000\n", "cash.bill_channels.17: a ccTalk channel is a number 1..16"),
        ("[fingerprint]\nmax_attempts = 0\n", "fingerprint.max_attempts: 0 is outside 1..10"),
        ("[fingerprint]\nbaudrate = 12345\n", "fingerprint.baudrate: 12345 is not one of"),
        ("[ui]\nwidth = -1080\n", "ui.width: -1080 is outside 240..7680"),
        ("[ui]\nheight = 0\n", "ui.height: 0 is outside"),
        ("[ui]\nscale = 0\n", "ui.scale: 0.0 is outside 0.5..4"),
        ("[ui]\nscale = nan\n", "ui.scale: nan is not a finite number"),
        # Text height and the reach band are worked out from the panel's millimetres.
        ("[ui]\npanel_width_mm = 0\n", "ui.panel_width_mm: 0.0 is outside 50..2000"),
        ("[ui]\npanel_height_mm = 300\n", "ui.panel_height_mm: 398 x 300 mm does not match 1080 x 1920 px"),
        ("[ui]\npanel_bottom_mm = 1000\n", "ui.panel_bottom_mm: 1000.0 is outside 46..866"),
        ("[fingerprint]\nfinger = \"nose\"\n", "fingerprint.finger: 'nose' is not one of right_index"),
        ("[fingerprint]\nsensor_position = \"up\"\n", "fingerprint.sensor_position: 'up' is not one of"),
        ("[kiosk]\nlanguages = []\n", "kiosk.languages: empty"),
        # Voice and keypad users get at least everyone's time, and a walk-away must still end.
        ("[timeouts]\nassisted_factor = 0.5\n", "timeouts.assisted_factor: 0.5 is outside 1..5"),
        ("[timeouts]\nassisted_factor = inf\n", "timeouts.assisted_factor: inf is not a finite number"),
        # The help prompt tells a resident to call this number: it must be one.
        ("[help]\nphone = \"\"\n", "help.phone: '' is not a phone number"),
        ("[help]\nphone = \"call the office\"\n", "help.phone: 'call the office' is not a phone number"),
        ("[help]\nhold = 10\n", "help.hold: 10.0 is outside 60..1800"),
        ("[maintenance]\nidle_minutes = 0\n", "maintenance.idle_minutes: 0.0 is outside 1..60"),
        ("[maintenance]\ndoor_closed_seconds = 3600\n", "maintenance.door_closed_seconds: 3600.0 is outside 10..600"),
        ("[kiosk]\nlanguages = [\"xx\"]\n", "kiosk.languages[0]: 'xx' is not a language code the kiosk knows"),
        ("[kiosk]\nlanguages = [\"ko\", \"zh-TW\"]\n", "kiosk.languages[1]: 'zh-TW' is not a language code"),
        ("[kiosk]\nlanguages = [\"ko\", \"ko\"]\n", "kiosk.languages[1]: 'ko' is listed twice"),
        ("[kiosk]\nhours = \"07:00-07:00\"\n", "kiosk.hours"),
        ("[kiosk]\nid = \" \"\n", "kiosk.id: empty"),
        ("[kiosk]\nname = \"\"\n", "kiosk.name: empty"),
        ("[card]\nenabled = true\nreader = \"\"\n", "card.reader: empty while card.enabled"),
        ("[server]\nbase_url = \"http://issuance.example.invalid\"\n",
         "server.base_url: 'http://issuance.example.invalid': only https://"),
        ("[server]\nbase_url = \"https://\"\n", "server.base_url: 'https://' has no host"),
        ("[server]\nbase_url = \"https://host:99999\"\n", "server.base_url: 'https://host:99999' is not a URL"),
        ("[receipt_printer]\nendpoint = \"lpt1\"\n", "receipt_printer.endpoint: 'lpt1': use tcp://"),
        ("[a4_printer]\nuri = \"http://printer\"\n", "a4_printer.uri: 'http://printer' is not an ipp://"),
        ("[documents.resident_copy]\nfee = 205\n", "documents.resident_copy.fee: 205 is not a multiple of 10"),
        ("[documents.resident_copy]\nfee = 2000000\n", "documents.resident_copy.fee: 2000000 is outside 0..50000"),
        ("[documents.resident_copy]\nmax_copies = 0\n", "documents.resident_copy.max_copies: 0 is outside 1..20"),
        ("[documents.resident_copy]\ntitle_en = \"\"\n", "documents.resident_copy.title_en: empty"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    site = tmp_path / "site.toml"
    site.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(CONFIG_DIR / "kiosk.toml", site)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{site}: ")
    assert "\n" not in str(caught.value)


def test_the_error_names_the_file_that_set_the_bad_key_not_the_last_file(tmp_path: Path) -> None:
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text("[cash]\npoll_interval = 0\n")
    second.write_text("[kiosk]\nhours = \"07:00-23:00\"\n")
    with pytest.raises(ConfigError, match=r"first\.toml: cash\.poll_interval") as caught:
        load_config(CONFIG_DIR / "kiosk.toml", first, second)
    assert str(second) not in str(caught.value)


def test_a_later_file_can_correct_an_earlier_one(tmp_path: Path) -> None:
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text("[cash]\npoll_interval = 0\n")
    second.write_text("[cash]\npoll_interval = 0.1\n")
    assert load_config(CONFIG_DIR / "kiosk.toml", first, second).cash.poll_interval == 0.1


def test_a_site_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text("[documents.resident_copy]\ntitle_ko = \"등본\"\ntitle_en = \"copy\"\nfee = 0\n"
                    "needs_identity = true\n[kiosk]\nhours = \"07:00-23:00\"\n")
    config = load_config(CONFIG_DIR / "kiosk.toml", site)
    assert config.documents["resident_copy"].fee == 0
    assert config.documents["resident_abstract"].fee == 200
    assert config.kiosk.hours == "07:00-23:00"
    assert config.kiosk.id == "KIOSK-0001"


def test_one_key_of_one_document_merges_into_the_shipped_document(tmp_path: Path) -> None:
    """The README's promise: later files override key by key, also inside a document's table."""
    site = tmp_path / "site.toml"
    site.write_text("[documents.resident_copy]\nfee = 0\n")
    config = load_config(CONFIG_DIR / "kiosk.toml", site)
    copy = config.documents["resident_copy"]
    assert copy.fee == 0
    assert copy.title_ko == "주민등록표 등본"
    assert copy.options == ["include_past_addresses", "show_member_numbers"]
    assert config.documents["resident_abstract"].fee == 200


def test_a_directory_as_config_is_named_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"is a directory"):
        load_config(CONFIG_DIR / "kiosk.toml", tmp_path)


def test_a_non_utf8_file_is_named_not_a_traceback(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_bytes("[kiosk]\nname = \"무인민원발급기\"\n".encode("euc-kr"))  # saved by a Korean Windows editor
    with pytest.raises(ConfigError, match=r"site\.toml: not UTF-8 text"):
        load_config(CONFIG_DIR / "kiosk.toml", site)


def test_kiosk_run_reports_a_bad_config_in_one_line(tmp_path: Path) -> None:
    """What the technician sees at the console: one line with the file and the key, exit status 2."""
    site = tmp_path / "site.toml"
    site.write_text("[timeouts]\npayment = nan\n")
    done = subprocess.run([sys.executable, "-m", "kiosk", "run", "--hardware", "--config", str(site)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{site}: timeouts.payment: nan is not a finite number" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# --- any TOML a person could write: a valid config or a ConfigError, never another exception -------------------

_NAMES = sorted({"kiosk", "timeouts", "ui", "fingerprint", "cash", "receipt_printer", "a4_printer", "card",
                 "server", "journal", "documents", "resident_copy", "coin_channels", "bill_channels", "languages",
                 "screen", "payment", "width", "scale", "hopper_coin", "poll_interval", "max_attempts", "base_url",
                 "fee", "title_ko", "title_en", "needs_identity", "max_copies", "options", "hours", "1", "2",
                 "endpoint", "uri", "baudrate", "protocol", "id", "path"})
_KEYS = st.one_of(st.sampled_from(_NAMES), st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                                   max_size=6))
_TEXT = st.one_of(st.sampled_from(["ko", "en", "xx", "24h", "07:00-23:00", "https://h", "http://h", "tcp://h:1",
                                   "ipp://h/p", "zfm", "raster", ""]),
                  st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12))
_SCALARS = st.one_of(st.booleans(), st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, 1, 100, 10, 3, 1080]),
                     st.floats(allow_nan=True, allow_infinity=True), _TEXT)
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(_KEYS, inner, max_size=4)), max_leaves=12)


def _toml(value: Any) -> str:
    """An inline TOML rendering of `value` (tomllib reads, nothing in the venv writes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{_toml(str(k))} = {_toml(v)}" for k, v in value.items()) + "}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=st.dictionaries(_KEYS, _VALUES, max_size=5))
def test_any_toml_tree_loads_or_is_refused_as_a_config_error(tmp_path: Path, tree: dict[str, Any]) -> None:
    site = tmp_path / "site.toml"
    site.write_text("\n".join(f"{_toml(k)} = {_toml(v)}" for k, v in tree.items()) + "\n", encoding="utf-8")
    tomllib.loads(site.read_text(encoding="utf-8"))  # the rendering itself is valid TOML
    try:
        config = load_config(CONFIG_DIR / "kiosk.toml", site)
    except ConfigError as exc:
        refused = str(exc)
        assert "\n" not in refused
        return
    assert isinstance(config, KioskConfig)
    assert math.isfinite(config.timeouts.payment)
    assert config.cash.hopper_coin > 0
    assert config.server.base_url.startswith("https://")


@settings(max_examples=200, deadline=None)
@given(section=st.sampled_from(["timeouts", "ui", "cash", "fingerprint", "kiosk", "server"]), tree=_VALUES)
def test_any_value_for_a_whole_section_loads_or_is_refused(section: str, tree: Any) -> None:
    with contextlib.suppress(ConfigError):
        load_config(CONFIG_DIR / "kiosk.toml", overrides={section: tree})


async def test_a_scenario_with_a_bad_config_fails_in_one_line_naming_its_config(tmp_path: Path) -> None:
    from kiosk.rig.scenario import ScenarioFailed, run_scenario

    scenario = tmp_path / "bad.toml"
    scenario.write_text("name = \"bad\"\n[config.cash]\nhopper_coin = 0\n[[step]]\nexpect_screen = \"idle\"\n")
    with pytest.raises(ScenarioFailed, match=r"the scenario's \[config\]: cash\.hopper_coin: 0 is not a coin"):
        await run_scenario(scenario)

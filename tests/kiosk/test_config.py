"""A technician's typo names the file and the key, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import CONFIG_DIR, ConfigError, load_config


def test_shipped_config_loads_with_the_national_fees() -> None:
    config = load_config(CONFIG_DIR / "kiosk.toml")
    assert config.documents["resident_copy"].fee == 200
    assert config.documents["land_register"].needs_identity is False
    assert config.cash.coin_channels == {"1": 10, "2": 50, "3": 100, "4": 500}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[cash]\necho = \"yes\"\n", "cash.echo: expected bool"),
        ("[cash]\nechoo = true\n", "cash: unknown key 'echoo'"),
        ("[fingerprint]\nprotocol = \"zfx\"\n", "fingerprint.protocol: 'zfx' is not one of"),
        ("[timeouts]\nscreen = -1\n", "timeouts.screen: must be positive"),
        ("[kiosk]\nhours = \"7 to 11\"\n", "kiosk.hours"),
        ("[documents.x]\ntitle_ko = \"x\"\ntitle_en = \"x\"\nfee = -5\nneeds_identity = false\n",
         "documents.x.fee"),
        ("[cash\n", "not valid TOML"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    site = tmp_path / "site.toml"
    site.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(CONFIG_DIR / "kiosk.toml", site)
    assert message in str(caught.value)
    if "must be" not in message and "documents" not in message:
        assert str(site) in str(caught.value)


def test_a_site_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text("[documents.resident_copy]\ntitle_ko = \"등본\"\ntitle_en = \"copy\"\nfee = 0\n"
                    "needs_identity = true\n[kiosk]\nhours = \"07:00-23:00\"\n")
    config = load_config(CONFIG_DIR / "kiosk.toml", site)
    assert config.documents["resident_copy"].fee == 0
    assert config.documents["resident_abstract"].fee == 200
    assert config.kiosk.hours == "07:00-23:00"
    assert config.kiosk.id == "KIOSK-0001"

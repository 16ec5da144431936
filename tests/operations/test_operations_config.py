"""`[metrics]`, `[alerts]` and `[public]` are checked for what they mean: a technician's typo is one
line naming the file and the key, not a booth that pages nobody or publishes itself in the sea."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError
from kiosk.config_loader import CONFIG_DIR, load_config


def _load(tmp_path: Path, text: str) -> None:
    site = tmp_path / "site.toml"
    site.write_text(text, encoding="utf-8")
    load_config(CONFIG_DIR / "kiosk.toml", site)


def test_the_example_site_file_is_valid_and_sets_the_new_sections() -> None:
    config = load_config(CONFIG_DIR / "kiosk.toml", CONFIG_DIR / "site.example.toml")
    assert (config.metrics.bind, config.metrics.port) == ("127.0.0.1", 9464)
    assert config.alerts.change_low_won == 5000 and config.public.latitude == pytest.approx(36.48)


@pytest.mark.parametrize(("text", "key"), [
    ('[alerts]\nwebhook_url = "ftp://ops.example/hook"\n', "alerts.webhook_url"),
    ("[alerts]\nout_of_service_minutes = 0.1\n", "alerts.out_of_service_minutes"),
    ('[alerts]\npaper_low_level = "empty"\n', "alerts.paper_low_level"),
    ("[metrics]\nport = 70000\n", "metrics.port"),
    ("[public]\nlatitude = 136.5\n", "public.latitude"),
])
def test_a_wrong_value_names_its_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _load(tmp_path, text)
    assert key in str(refused.value) and "site.toml" in str(refused.value)


def test_the_webhook_host_joins_the_units_ip_allow_list(tmp_path: Path) -> None:
    from kiosk.booth.network_allow import hosts_of

    site = tmp_path / "site.toml"
    site.write_text('[alerts]\nwebhook_url = "https://192.0.2.44/hooks/kiosk"\n', encoding="utf-8")
    config = load_config(CONFIG_DIR / "kiosk.toml", site)
    assert ("alert webhook", "192.0.2.44") in hosts_of(config)

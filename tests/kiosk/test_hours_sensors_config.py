"""A technician's mistakes in [hours], [io_module] and [sensors] are one line naming the file and the key."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.config import ConfigError
from kiosk.config_loader import CONFIG_DIR, load_config


def load(table: dict[str, Any]) -> None:
    load_config(CONFIG_DIR / "kiosk.toml", layers=[("site.toml", table)])


@pytest.mark.parametrize(("table", "says"), [
    ({"hours": {"open": "7:00"}}, "site.toml: hours.open: '7:00' is not a time"),
    ({"hours": {"open": "07:00", "close": "07:00"}}, "hours.close: '07:00' is the opening time too"),
    ({"hours": {"weekdays": {"sunday": "closed"}}}, "hours.weekdays.sunday: not a weekday"),
    ({"hours": {"weekdays": {"sun": "9-18"}}}, "hours.weekdays.sun: '9-18' is not 'closed', '24h' or"),
    ({"hours": {"last_start_minutes": 300}}, "hours.last_start_minutes: 300.0 is outside 0..120"),
    ({"kiosk": {"hours": "07:00-23:00"}, "hours": {"open": "08:00"}}, "kiosk.hours: set either"),
    ({"io_module": {"endpoint": "udp://10.0.0.5:502"}}, "io_module.endpoint: 'udp://10.0.0.5:502'"),
    ({"io_module": {"endpoint": "rtu:/dev/ttyUSB2"}}, "expected rtu:/dev/ttyX:BAUD"),
    ({"io_module": {"device_id": 0}}, "io_module.device_id: 0 is outside 1..247"),
    ({"sensors": {"overheat_c": 95.0}}, "sensors.overheat_c: 95.0 is outside 30..80"),
])
def test_a_wrong_value_is_one_line_naming_the_file_and_the_key(table: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load(table)
    assert says in str(refused.value) and "\n" not in str(refused.value)


def test_a_bank_corner_a_short_sunday_and_an_rtu_module_load() -> None:
    load({"hours": {"open": "07:00", "close": "23:00", "weekdays": {"sun": "09:00-18:00", "sat": "24h"},
                    "close_on_holidays": True},
          "io_module": {"enabled": True, "endpoint": "rtu:/dev/serial/by-id/usb-io:19200", "device_id": 3}})

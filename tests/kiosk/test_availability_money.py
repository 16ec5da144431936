"""What the kiosk offers when money can only partly be taken (issue 11, item 4).

A full stacker leaves coins; no money at all leaves only free documents; every screen decides from
`kiosk.availability.assess`, so these are its rules.
"""

from __future__ import annotations

import datetime as dt

from common.status import DeviceState, DeviceStatus, SupplyLevel
from kiosk.availability import assess, takes_bills, takes_coins
from kiosk.config_loader import CONFIG_DIR, load_config
from kiosk.till import acceptable_bills, payment_hint

CONFIG = load_config(CONFIG_DIR / "kiosk.toml")
NOW = dt.datetime(2026, 12, 6, 10, 0)


def cash(state: DeviceState = DeviceState.ONLINE, reason: str = "", stacker: SupplyLevel = SupplyLevel.OK,
         ) -> DeviceStatus:
    return DeviceStatus("cash", state, reason, supplies={"hopper:100": SupplyLevel.FULL, "bill-stacker": stacker})


def statuses(cash_status: DeviceStatus) -> dict[str, DeviceStatus]:
    online = {name: DeviceStatus(name, DeviceState.ONLINE, supplies={"paper": SupplyLevel.FULL})
              for name in ("a4_printer", "receipt_printer", "fingerprint")}
    return {**online, "cash": cash_status}


def offered(cash_status: DeviceStatus) -> dict[str, str]:
    availability = assess(CONFIG, statuses(cash_status), server_ok=True, now=NOW, fees={},
                          change_available=20_000)
    return {d.code: d.unavailable_reason for d in availability.documents}


def test_a_full_stacker_leaves_coins_only() -> None:
    full = cash(reason="stacker-full", stacker=SupplyLevel.FULL)
    assert takes_coins(full) and not takes_bills(full)
    assert set(offered(full).values()) == {""}  # every document is still offered, for coins
    availability = assess(CONFIG, statuses(full), server_ok=True, now=NOW, fees={}, change_available=20_000)
    assert "bills-unavailable" in availability.notices
    assert availability.out_of_service_reason == ""
    assert acceptable_bills(200, 100, 20_000, takes_bills=False) == []
    assert payment_hint(200, 100, 20_000, takes_bills=False) == "coins-only"


def test_no_money_at_all_offers_only_free_documents() -> None:
    broken = cash(DeviceState.HARDWARE_ERROR, "coin-jam", stacker=SupplyLevel.MISSING)
    reasons = offered(broken)
    assert reasons["local_tax"] == ""  # free: no money needed
    assert {code: r for code, r in reasons.items() if code != "local_tax"} == {
        code: "cash-unavailable" for code in reasons if code != "local_tax"}
    availability = assess(CONFIG, statuses(broken), server_ok=True, now=NOW, fees={}, change_available=0)
    assert availability.out_of_service_reason == "" and availability.open_reason == ""
    assert "cash-unavailable" in availability.notices


def test_no_money_and_nothing_free_is_out_of_service() -> None:
    broken = cash(DeviceState.OFFLINE, "serial-timeout")
    availability = assess(CONFIG, statuses(broken), server_ok=True, now=NOW, fees={"local_tax": 300},
                          change_available=0)
    assert availability.out_of_service_reason == "cash-unavailable"


def test_only_change_that_is_certainly_payable_opens_a_bill() -> None:
    assert acceptable_bills(200, 100, 3_000) == [1000]  # 30 coins: 800 yes, 4,800 no
    assert payment_hint(200, 100, 3_000) == "exact-or-1000-only"
    assert acceptable_bills(200, 100, 0) == []
    assert payment_hint(200, 100, 0) == "exact-only"

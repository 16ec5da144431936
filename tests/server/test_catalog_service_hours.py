"""Documents' own service hours and the central system's maintenance windows, as the server simulator
publishes them and the client reads them (the kiosk then holds back a document out of its hours)."""

from __future__ import annotations

from typing import Any

import pytest

from drivers.issuance_server.errors import ServerProtocolError
from drivers.issuance_server.validators import parse_catalog_document
from simulators.server.catalog import CATALOG


def test_the_catalog_is_all_day_unless_the_central_system_publishes_its_schedule() -> None:
    plain = {code: parse_catalog_document(doc.to_json()) for code, doc in CATALOG.items()}
    assert all(d.hours == ("00:00", "24:00") and d.maintenance == () for d in plain.values())
    scheduled = {code: parse_catalog_document(doc.to_json(service_hours=True)) for code, doc in CATALOG.items()}
    assert scheduled["land_register"].hours == ("06:00", "23:00")
    assert scheduled["building_register"].hours == ("06:00", "23:00")
    assert scheduled["family_relations"].maintenance == (("23:50", "00:30"),)
    assert scheduled["resident_copy"].hours == ("00:00", "24:00") and scheduled["resident_copy"].maintenance == ()


@pytest.mark.parametrize("windows", [
    "23:50-00:30", [["23:50", "00:30"]], [{"start": "23:50"}], [{"start": "25:00", "end": "01:00"}],
    [{"start": "01:00", "end": "01:00"}], [{"start": "01:00", "end": "02:00"}] * 9,
])
def test_a_malformed_maintenance_schedule_is_refused_not_guessed(windows: Any) -> None:
    raw = CATALOG["family_relations"].to_json() | {"maintenance": windows}
    with pytest.raises(ServerProtocolError):
        parse_catalog_document(raw)

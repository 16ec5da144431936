"""The documents the simulated central system issues, with the defaults from docs (domain.md).

Fees are the national kiosk defaults; a city that waives or halves them changes its server's
catalog, never the kiosk's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# No public per-visit limit exists; five copies keeps a purchase within what a 10,000-won bill's
# change and one A4 tray (250 sheets) can serve many times over.
MAX_COPIES = 5
ALL_DAY = ("00:00", "24:00")


@dataclass(frozen=True)
class Document:
    code: str
    title_ko: str
    title_en: str
    fee: int  # won per copy at a kiosk
    needs_identity: bool
    options: tuple[str, ...]
    max_copies: int = MAX_COPIES
    hours: tuple[str, str] = ALL_DAY
    # Daily windows in which the central system issues none of this document (its maintenance).
    maintenance: tuple[tuple[str, str], ...] = ()
    # Issue 17, 민원택배: the won a delivery to the registered address adds; 0: never delivered.
    delivery_fee: int = 0

    def to_json(self, *, service_hours: bool = False) -> dict[str, Any]:
        """The catalog entry; with `service_hours`, the document's own hours and maintenance windows
        (SERVICE_HOURS) instead of all day, as the central system publishes them."""
        hours, maintenance = SERVICE_HOURS.get(self.code, (self.hours, self.maintenance)) if service_hours \
            else (self.hours, self.maintenance)
        return {
            "code": self.code,
            "title_ko": self.title_ko,
            "title_en": self.title_en,
            "fee": self.fee,
            "needs_identity": self.needs_identity,
            "options": list(self.options),
            "max_copies": self.max_copies,
            "hours": {"start": hours[0], "end": hours[1]},
            "maintenance": [{"start": start, "end": end} for start, end in maintenance],
            "delivery_fee": self.delivery_fee,
        }


# The documents the central system issues only at some hours (domain.md: vehicle registers, 제적
# 등·초본; here the land and building registers, whose system closes at night, and the family relations
# certificate, whose court system runs a nightly batch). Served when the simulator is told to
# (`service_hours` control, `--service-hours`), so that a test run at 3 a.m. sees the same catalog as
# one at noon unless it asks for the schedule.
SERVICE_HOURS: dict[str, tuple[tuple[str, str], tuple[tuple[str, str], ...]]] = {
    "land_register": (("06:00", "23:00"), ()),
    "building_register": (("06:00", "23:00"), ()),
    "family_relations": (ALL_DAY, (("23:50", "00:30"),)),
}

# The simulator's delivery fee (a registered-mail parcel, morning order, afternoon delivery): the local
# tax certificate is not delivered, to show a document the catalog keeps at the counter.
DELIVERY_FEE = 3500


CATALOG: dict[str, Document] = {
    d.code: d
    for d in (
        Document(
            "resident_copy",
            "주민등록표 등본",
            "Resident registration (household)",
            200,
            True,
            ("include_past_addresses", "show_member_numbers"),
            delivery_fee=DELIVERY_FEE,
        ),
        Document(
            "resident_abstract",
            "주민등록표 초본",
            "Resident registration (individual)",
            200,
            True,
            ("address_history", "military_service"),
            delivery_fee=DELIVERY_FEE,
        ),
        Document(
            "family_relations", "가족관계증명서", "Family relations certificate", 500, True, ("detailed",),
            delivery_fee=DELIVERY_FEE,
        ),
        Document("local_tax", "지방세 세목별 과세증명서", "Local tax certificate by item", 0, True, ()),
        Document("land_register", "토지대장", "Land register", 500, False, (), delivery_fee=DELIVERY_FEE),
        Document("building_register", "건축물대장", "Building register", 500, False, ("title_section",),
                 delivery_fee=DELIVERY_FEE),
    )
}

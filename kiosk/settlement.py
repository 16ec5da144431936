"""Daily totals for the city's settlement, derived from the journal rows alone."""

from __future__ import annotations

import csv
import io

from kiosk.journal import Journal

COLUMNS = ("day", "kind", "count", "amount")


def daily_csv(journal: Journal, day: str) -> str:
    """One row per journal kind that day (e.g. coin_credited, fee_kept, refund_paid): count and won."""
    totals: dict[str, tuple[int, int]] = {}
    for entry in journal.entries():
        if not entry.at.startswith(day):
            continue
        count, amount = totals.get(entry.kind, (0, 0))
        totals[entry.kind] = (count + 1, amount + entry.amount)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for kind in sorted(totals):
        count, amount = totals[kind]
        writer.writerow((day, kind, count, amount))
    return out.getvalue()

"""Who is working on the booth: every technician action's journal row names them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Technician:
    id: str  # the technician card's id ("T0042"); "console:<user>" on the booth's console; "remote" for the server
    name: str = ""
    via: str = "card"  # "card" | "console" | "remote"

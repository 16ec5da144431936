"""What the card reader tells the controller without being asked."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CardInserted:
    """A card is now in the reader (pcscd reports it present)."""


@dataclass(frozen=True)
class CardRemoved:
    """The card left the reader, or the reader / pcscd went away while it held one."""


CardEvent = CardInserted | CardRemoved

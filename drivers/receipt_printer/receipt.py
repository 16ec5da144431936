"""What a receipt says, as the controller fills it: lines of text and an optional QR code.

Kept free of any printer detail so the controller never depends on ESC/POS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class ReceiptLine:
    """One line of a receipt; text that does not fit the paper wraps onto further lines."""

    text: str
    align: Align = "left"
    bold: bool = False
    large: bool = False

    def __post_init__(self) -> None:
        if self.align not in ("left", "center", "right"):
            raise ValueError(f"align must be left, center or right, not {self.align!r}")
        if "\n" in self.text or "\r" in self.text:
            raise ValueError("a ReceiptLine holds one line: split the text instead of embedding newlines")


@dataclass(frozen=True)
class Receipt:
    """A whole receipt, printed top to bottom, with a QR code (e.g. a verification URL) at the end."""

    lines: Sequence[ReceiptLine]
    qr: str | None = None

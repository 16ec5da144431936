"""GS I n, "Transmit printer ID" (Epson ESC/POS command reference, GS I): who the printer is.

n = 65..69 (0x41..0x45) ask for text: 65 firmware version, 66 maker name, 67 model name, 68 serial
number. The printer answers a block: header 0x5F ("_"), the ASCII text, then NUL (0x00). A status
byte never starts with 0x5F (its fixed bits differ: drivers.receipt_printer.status), so the reader
can tell the two apart. Pure: the client sends and collects (drivers.receipt_printer.client).
"""

from __future__ import annotations

GS = 0x1D
BLOCK_HEADER = 0x5F
BLOCK_END = 0x00
# What the technician's board asks, by the name it shows.
INFO = {"firmware": 65, "maker": 66, "model": 67, "serial": 68}


def request(n: int) -> bytes:
    """GS I n: 1D 49 n."""
    if not 0 <= n <= 0xFF:
        raise ValueError(f"GS I takes one byte, not {n}")
    return bytes((GS, ord("I"), n))


def parse_block(block: bytes) -> str:
    """``_`` text NUL -> the text (printable ASCII; anything else replaced)."""
    if len(block) < 2 or block[0] != BLOCK_HEADER or block[-1] != BLOCK_END:
        raise ValueError(f"not a GS I answer block: {block[:16]!r}")
    return block[1:-1].decode("ascii", errors="replace")


def encode_block(text: str) -> bytes:
    """The printer's side (the simulator): ``_`` text NUL."""
    return bytes((BLOCK_HEADER,)) + text.encode("ascii", errors="replace") + bytes((BLOCK_END,))

"""``python -m simulators.a4_printer [--spool DIR] [--port N]``: prints ``READY ipp://localhost:PORT/ipp/print``."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulators.a4_printer.simulator import A4PrinterSimulator
from simulators.process import base_parser, run


def _make(args: argparse.Namespace) -> A4PrinterSimulator:
    return A4PrinterSimulator(spool=args.spool, port=args.port)


def main() -> int:
    parser = base_parser(
        "a4_printer", "An IPP Everywhere A4 printer (ippeveprinter) with paper, toner and jam faults."
    )
    parser.add_argument("--spool", type=Path, default=None,
                        help="keep received jobs here (default: a temporary directory removed on exit)")
    parser.add_argument("--port", type=int, default=None, help="TCP port (default: a free one)")
    return run(_make, parser)


if __name__ == "__main__":
    raise SystemExit(main())

"""``python -m simulators.barcode_scanner [--link PATH]``: prints ``READY <path>``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulators.barcode_scanner.device import BarcodeScannerSimulator, default_link
from simulators.process import Simulator, base_parser, run


def _factory(args: argparse.Namespace) -> Simulator:
    return BarcodeScannerSimulator(link=args.link)


def main(argv: list[str] | None = None) -> int:
    parser = base_parser("barcode_scanner", "A serial 2D barcode scanner (Honeywell command set) on a PTY.")
    parser.add_argument("--link", type=Path, default=None,
                        help=f"stable device path (default {default_link()})")
    return run(_factory, parser, argv)


if __name__ == "__main__":
    sys.exit(main())

"""``python -m simulators.keypad [--path PATH] [--jack PATH]``: prints ``READY <path>``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulators.keypad.simulator import KeypadSimulator, default_path
from simulators.process import Simulator, base_parser, run


def _factory(args: argparse.Namespace) -> Simulator:
    return KeypadSimulator(args.path, jack_path=args.jack, scan_codes=not args.no_scan)


def main(argv: list[str] | None = None) -> int:
    parser = base_parser("keypad", "The accessibility keypad: evdev input_event records into a FIFO.")
    parser.add_argument("--path", type=Path, default=None,
                        help=f"the FIFO standing for the keypad's event node (default {default_path()})")
    parser.add_argument("--jack", type=Path, default=None,
                        help="a second FIFO for the earphone jack (the sound card's node); default: the keypad's")
    parser.add_argument("--no-scan", action="store_true", help="leave out the EV_MSC/MSC_SCAN before each key")
    return run(_factory, parser, argv)


if __name__ == "__main__":
    sys.exit(main())

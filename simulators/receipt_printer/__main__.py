"""Run the receipt printer simulator as its own process; prints ``READY tcp://127.0.0.1:PORT``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulators.process import base_parser, run
from simulators.receipt_printer.simulator import DEFAULT_OUT, ReceiptPrinterSimulator


def main(argv: list[str] | None = None) -> int:
    parser = base_parser("receipt_printer", "ESC/POS receipt printer on TCP; receipts become PNGs.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where receipt PNGs go (out/receipts)")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free port)")

    def factory(args: argparse.Namespace) -> ReceiptPrinterSimulator:
        return ReceiptPrinterSimulator(out_dir=args.out, port=args.port)

    return run(factory, parser, argv)


if __name__ == "__main__":
    sys.exit(main())

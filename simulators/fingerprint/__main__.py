"""``python -m simulators.fingerprint --protocol zfm|sfm [--link PATH]``: prints ``READY <path>``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulators.fingerprint.device import FingerprintSimulator, default_link
from simulators.process import Simulator, base_parser, run


def _factory(args: argparse.Namespace) -> Simulator:
    return FingerprintSimulator(args.protocol, link=args.link, baudrate=args.baud, pace=not args.no_pace)


def main(argv: list[str] | None = None) -> int:
    parser = base_parser("fingerprint", "A fingerprint sensor on a PTY (ZFM/R30x or Suprema SFM).")
    parser.add_argument("--protocol", choices=["zfm", "sfm"], required=True)
    parser.add_argument("--link", type=Path, default=None,
                        help=f"stable device path, re-pointed on every replug (default {default_link()})")
    parser.add_argument("--baud", type=int, default=None, help="line speed to pace output at")
    parser.add_argument("--no-pace", action="store_true", help="send as fast as the PTY takes it")
    return run(_factory, parser, argv)


if __name__ == "__main__":
    sys.exit(main())

"""``python -m simulators.cctalk [--no-echo] [--link PATH]``: the cash bus as its own process."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulators.cctalk.simulator import (
    DEFAULT_COIN_INTERVAL,
    DEFAULT_ESCROW_TIMEOUT,
    DEFAULT_LINK,
    CcTalkSimulator,
)
from simulators.process import base_parser, run


def _factory(args: argparse.Namespace) -> CcTalkSimulator:
    return CcTalkSimulator(link=args.link, echo=not args.no_echo, checksum=args.checksum,
                           hopper_count=args.hopper_count, coin_interval=args.coin_interval,
                           escrow_timeout=args.escrow_timeout)


def main(argv: list[str] | None = None) -> int:
    parser = base_parser("cctalk", "ccTalk coin acceptor (2), hopper (3) and bill validator (40) on a PTY")
    parser.add_argument("--no-echo", action="store_true", help="a two-wire adapter: do not echo host bytes")
    parser.add_argument("--link", type=Path, default=DEFAULT_LINK, help="stable symlink to the PTY")
    parser.add_argument("--checksum", choices=("simple", "crc16"), default="simple")
    parser.add_argument("--hopper-count", type=int, default=200, help="coins in the hopper at start")
    parser.add_argument("--coin-interval", type=float, default=DEFAULT_COIN_INTERVAL,
                        help="seconds per coin paid out")
    parser.add_argument("--escrow-timeout", type=float, default=DEFAULT_ESCROW_TIMEOUT)
    return run(_factory, parser, argv)


if __name__ == "__main__":
    sys.exit(main())

"""``python -m simulators.smartcard [--host H] [--port P] [--profile approve|decline|remove_mid|mute]``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from simulators.process import base_parser, run
from simulators.smartcard.simulator import DEFAULT_HOST, DEFAULT_PORT, PROFILES, SmartcardSimulator


def main(argv: Sequence[str] | None = None) -> int:
    parser = base_parser("smartcard", "An EMV payment card inserted into pcscd's vpcd reader.")
    parser.add_argument("--host", default=DEFAULT_HOST, help="vpcd host (default %(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="vpcd port: 35963 = 'Virtual PCD 00 00', 35964 = '... 00 01' "
                        "(default %(default)s)")
    parser.add_argument("--profile", choices=PROFILES, default="approve")

    def build(args: argparse.Namespace) -> SmartcardSimulator:
        return SmartcardSimulator(args.host, args.port, args.profile)

    return run(build, parser, argv)


if __name__ == "__main__":
    raise SystemExit(main())

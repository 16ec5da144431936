"""``python -m simulators.smartcard [--host H] [--port P] [--profile approve|decline|remove_mid|mute]
[--technician ID:PIN]``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from simulators.process import base_parser, run
from simulators.smartcard.simulator import DEFAULT_HOST, DEFAULT_PORT, PROFILES, SmartcardSimulator
from simulators.smartcard.technician import TechnicianTestCard


def main(argv: Sequence[str] | None = None) -> int:
    parser = base_parser("smartcard", "An EMV payment card inserted into pcscd's vpcd reader.")
    parser.add_argument("--host", default=DEFAULT_HOST, help="vpcd host (default %(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="vpcd port: 35963 = 'Virtual PCD 00 00', 35964 = '... 00 01' "
                        "(default %(default)s)")
    parser.add_argument("--profile", choices=PROFILES, default="approve")
    parser.add_argument("--technician", metavar="ID:PIN", default="",
                        help="a technician card (e.g. T0042:1234) instead of the payment card")

    def build(args: argparse.Namespace) -> SmartcardSimulator:
        card = None
        if args.technician:
            technician_id, _, pin = args.technician.partition(":")
            card = TechnicianTestCard(technician_id, pin or "1234")
        return SmartcardSimulator(args.host, args.port, args.profile, card=card)

    return run(build, parser, argv)


if __name__ == "__main__":
    raise SystemExit(main())

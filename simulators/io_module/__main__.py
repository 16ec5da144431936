"""Run the I/O module simulator as its own process; prints ``READY tcp://127.0.0.1:PORT`` (``READY rtu:LINK:19200``
with --rtu)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulators.io_module.simulator import IoModuleSimulator
from simulators.process import base_parser, run


def main(argv: list[str] | None = None) -> int:
    parser = base_parser("io_module", "Modbus digital/analog I/O module (doors, tilt, UPS, temperature).")
    parser.add_argument("--port", type=int, default=5020, help="Modbus TCP port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--rtu", type=Path, default=None, help="serve Modbus RTU on a PTY behind this symlink instead")
    parser.add_argument("--device-id", type=int, default=1, help="Modbus unit address (default 1)")

    def factory(args: argparse.Namespace) -> IoModuleSimulator:
        return IoModuleSimulator(port=args.port, device_id=args.device_id, rtu_link=args.rtu)

    return run(factory, parser, argv)


if __name__ == "__main__":
    sys.exit(main())

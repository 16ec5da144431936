"""``python -m simulators.server [--pki DIR] [--db PATH] [--port N]``: the issuance server on loopback."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from common.control_socket import default_run_dir
from simulators.process import base_parser, run
from simulators.server.app import ServerSimulator

# 8443: the conventional alternative HTTPS port, free of privileges on a developer machine.
DEFAULT_PORT = 8443
# 8080: the conventional unprivileged HTTP port, for the public feed and status page (no client certificate).
DEFAULT_PUBLIC_PORT = 8080


def _factory(args: argparse.Namespace) -> ServerSimulator:
    return ServerSimulator(args.pki, args.db, port=args.port, public_port=args.public_port,
                           service_hours=args.service_hours)


def main() -> int:
    parser = base_parser("server", "Central issuance server simulator (HTTPS, mutual TLS).")
    parser.add_argument(
        "--pki",
        type=Path,
        default=default_run_dir() / "pki",
        help="PKI directory, generated on first start (default run/pki)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=default_run_dir() / "server.sqlite3",
        help="SQLite file for issuances (default run/server.sqlite3)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"HTTPS port (default {DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument(
        "--public-port", type=int, default=DEFAULT_PUBLIC_PORT,
        help=f"plain-HTTP port of the public live feed and status page (default {DEFAULT_PUBLIC_PORT}; 0 = any)",
    )
    parser.add_argument("--service-hours", action="store_true",
                        help="the catalog carries the documents' own hours and maintenance windows")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    return run(_factory, parser)


if __name__ == "__main__":
    sys.exit(main())

"""The issuance server simulator alone in a process, for the load test (bench/load_test.py).

A city's server is not on the booths' computers: in its own process it has its own interpreter lock
and core, and the figures are the server's, not those of a thousand simulated clients sharing its
event loop. Prints its base URL on the first line of stdout, then answers "stats" on stdin with one
JSON line of `ServerSimulator.stats()` and its CPU seconds, and stops at end of input.

    python -m bench.load_server PKI_DIR DB_PATH
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

from simulators.server import ServerSimulator


class ExpectedDisconnects(logging.Filter):
    """A booth hanging up mid-request (the load test cancels what is in flight at its end) is no server
    error: no traceback for it. Anything else the server logs still shows."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, ConnectionResetError | asyncio.CancelledError)


async def serve(pki_dir: Path, db_path: Path) -> None:
    # PDFs in worker processes (one a core): fpdf2 never holds the event loop answering the booths.
    server = ServerSimulator(pki_dir, db_path, render_processes=os.cpu_count() or 1)
    print(await server.start(), flush=True)
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return
            if line.strip() == "stats":
                print(json.dumps({**server.stats(), "cpu_seconds": time.process_time()}, default=str), flush=True)
    finally:
        await server.stop()


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    for name in ("aiohttp.server", "aiohttp.web", "asyncio", "simulators.server.app"):
        logging.getLogger(name).addFilter(ExpectedDisconnects())
    asyncio.run(serve(Path(sys.argv[1]), Path(sys.argv[2])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

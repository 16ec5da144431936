"""Logging for a booth that runs for months: one line per event, secrets masked at the handler."""

from __future__ import annotations

import logging
import sys

from kiosk.privacy import RedactingFilter


def setup_logging(*, verbose: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    # transitions logs every event at INFO: useful when debugging the flow, noise otherwise.
    logging.getLogger("transitions").setLevel(logging.DEBUG if verbose else logging.WARNING)

"""The line speed the host set on a simulator's PTY, so a device can ignore a host at the wrong baud.

A PTY carries bytes at any speed, but a real UART at 57600 baud hears a host talking at 9600 as
garbage and never answers: that is what `kiosk diag serial-probe` relies on to find a device's baud.
On Linux the master end of a PTY reads the slave's termios (the speed the host's pyserial set), so a
simulator that owns the master can tell. Opt-in per simulator (`check_baud=True`): the kiosk's own
tests open their ports at the simulators' speeds anyway.
"""

from __future__ import annotations

import termios

# termios speed constants -> bits per second, for the speeds serial devices use.
_SPEEDS = {getattr(termios, f"B{rate}"): rate for rate in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
                                                            230400) if hasattr(termios, f"B{rate}")}


def line_baud(master_fd: int) -> int | None:
    """The baud the slave end of this PTY is set to (its output speed), or None if unknown."""
    try:
        attrs = termios.tcgetattr(master_fd)
    except (termios.error, OSError):
        return None
    return _SPEEDS.get(attrs[5])


def heard_at(master_fd: int, baudrate: int, *, check: bool) -> bool:
    """Whether a device at `baudrate` understands what the host wrote (always, when not checking)."""
    return not check or line_baud(master_fd) in (None, baudrate)

"""How long a template takes to cross the serial line, against what the baud rate allows.

`measure_template_transfer("zfm")` runs the simulator with output paced at the line speed and the
real driver on the real clock, times one capture with the finger already on the glass, and compares
it with ``bytes * 10 / baud`` (8N1: ten bits a byte) for the bytes the sensor sent.
In bench/, not simulators/: it drives the driver, and a simulator never imports a driver's client.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from common.clock import MonotonicClock
from drivers.fingerprint import open_reader
from drivers.fingerprint.client import SensorProtocol
from simulators.fingerprint.device import FingerprintSimulator


async def measure_template_transfer_async(protocol: SensorProtocol, *, baudrate: int | None = None,
                                          captures: int = 3) -> dict[str, Any]:
    """Median seconds per capture and the line-speed floor for the same bytes."""
    with tempfile.TemporaryDirectory(prefix="fp-bench-") as tmp:
        sim = FingerprintSimulator(protocol, link=Path(tmp) / "fingerprint", baudrate=baudrate, pace=True)
        endpoint = await sim.start()
        reader = open_reader(endpoint, protocol=protocol, clock=MonotonicClock(), baudrate=sim.baudrate,
                             heartbeat_interval=3600.0)
        try:
            await reader.start()
            sim.place_finger(0, 1)
            seconds: list[float] = []
            sent: list[int] = []
            size = 0
            for _ in range(captures):
                before = sim.port.bytes_sent
                t0 = time.perf_counter()
                captured = await reader.capture(lambda _code: None)
                seconds.append(time.perf_counter() - t0)
                sent.append(sim.port.bytes_sent - before)
                size = len(captured.template)
                captured.wipe()
        finally:
            await reader.close()
            await sim.stop()
    median = sorted(seconds)[len(seconds) // 2]
    wire_bytes = sorted(sent)[len(sent) // 2]
    floor = wire_bytes * 10 / sim.baudrate
    return {
        "protocol": protocol, "baudrate": sim.baudrate, "template_bytes": size,
        "wire_bytes": wire_bytes, "seconds": round(median, 4), "baud_limit_seconds": round(floor, 4),
        "ratio": round(median / floor, 3) if floor else None, "captures": captures,
    }


def measure_template_transfer(protocol: SensorProtocol, *, baudrate: int | None = None,
                              captures: int = 3) -> dict[str, Any]:
    """Synchronous wrapper for bench scripts (not callable from inside a running event loop)."""
    return asyncio.run(measure_template_transfer_async(protocol, baudrate=baudrate, captures=captures))


if __name__ == "__main__":
    for family in ("zfm", "sfm"):
        print(measure_template_transfer(family))

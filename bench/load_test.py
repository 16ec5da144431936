"""Many kiosks against one issuance server simulator: latency per call type under load, and errors.

One ServerSimulator on loopback, in a process of its own (bench/load_server.py: a city's server is not on
the booths' computers, and it renders PDFs in worker processes), and `kiosks` asyncio tasks here, each
with its own drivers.issuance_server.IssuanceClient (own connection pool, own TLS session) over mutual
TLS with the one kiosk certificate of a fresh PKI (the server keys issuances by certificate CN and
idempotency key, and every key here is unique, so sharing the certificate changes nothing it checks).
Each kiosk reads the catalog once (booths boot over `BOOT_SPREAD_S`, or at `BOOTS_PER_SECOND`), sends
heartbeats, and runs transactions back to back with think time: identify (sealed number and a captured
template) → reserve → commit, or reserve → commit for a register that needs no identity. New
transactions stop at `seconds`; in-flight ones finish within the client's own deadlines, and a hard
bound cancels anything left. All kiosks share this process and event loop, so the figures include the
kiosks' own client work (sealing, TLS, signature checks) on the same cores.

    python -c "from bench.load_test import run_load_test; print(run_load_test(50, 5))"
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from common.clock import MonotonicClock
from drivers.issuance_server import IssuanceClient, ServerConfig, ServerError
from simulators import residents
from simulators.process import die_with_parent
from simulators.server.pki import DEFAULT_KIOSK_ID, generate_pki

CALLS = ("catalog", "heartbeat", "verify_identity", "reserve", "commit")
# Seconds between one kiosk's transactions: a busy office sees a resident per kiosk every one to two
# minutes (identify, choose, pay, print). 1,000 kiosks then offer ~11 reservations/s at most; the
# server renders them in one worker process a core (~0.1 s a copy), at a lower priority than its
# answers (app.RENDER_NICENESS). The first transaction of each kiosk falls anywhere in the first
# interval, so kiosks do not march in step.
TRANSACTION_EVERY_S = (60.0, 120.0)
# Kiosks boot over this many seconds, at least: the catalog read of hundreds of simultaneous TLS
# handshakes is a cold-start storm no city produces (booths start with their buildings' mornings).
BOOT_SPREAD_S = 2.0
# ... and at most this many boot a second (1,000 booths over 10 s).
BOOTS_PER_SECOND = 100.0
# Heartbeat period, seconds: production kiosks send one every 30 s; 10 s keeps heartbeats a
# visible share of the traffic in a 10 s run.
HEARTBEAT_S = 10.0
# One in five transactions is a register (land/building), which needs no fingerprint; the rest are
# resident documents, the bulk of what kiosks issue (domain.md).
REGISTER_SHARE = 0.2
# Hard bound past `seconds` for in-flight calls: the longest client deadline (reserve, 4 × 5 s)
# plus margin; anything still running is cancelled and counted as an error.
DRAIN_S = 25.0


@dataclasses.dataclass
class _Tally:
    latencies_ms: dict[str, list[float]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
    transactions: int = 0

    async def timed(self, call: str, aw: Any) -> Any:
        started = time.perf_counter()
        try:
            result = await aw
        except ServerError:
            self.errors[call] += 1
            return None
        self.latencies_ms[call].append((time.perf_counter() - started) * 1000)
        return result


def _percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); 0.0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(q * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def _kiosk(index: int, client: IssuanceClient, tally: _Tally, deadline: float, boot_spread: float) -> None:
    rng = random.Random(index)
    who = residents.resident(index % residents.POPULATION)
    await asyncio.sleep(rng.uniform(0, boot_spread))
    await tally.timed("catalog", client.catalog())
    heartbeat = asyncio.create_task(_heartbeats(client, tally, deadline, rng.uniform(0, HEARTBEAT_S)))
    try:
        capture = 0
        await _sleep(rng.uniform(0, sum(TRANSACTION_EVERY_S) / 2), deadline)
        while time.monotonic() < deadline:
            key = f"load-{index}-{uuid.uuid4().hex}"
            if rng.random() < REGISTER_SHARE:
                reserved = await tally.timed(
                    "reserve", client.reserve(key, "land_register", options=(), copies=1, token=None,
                                              parcel=f"세종특별자치시 어진동 {index}")
                )
            else:
                capture += 1
                template = residents.captured_template(who.index, 1, "zfm", capture=capture)
                result = await tally.timed("verify_identity", client.verify_identity(who.number, template, "zfm"))
                if result is None or not result.verified:
                    if result is not None:
                        tally.errors["verify_identity"] += 1  # an enrolled finger must match
                    continue
                reserved = await tally.timed(
                    "reserve", client.reserve(key, "resident_copy", options=(), copies=1, token=result.token)
                )
            if reserved is not None:
                pages = sum(d.pages for d in reserved.documents)
                await tally.timed("commit", client.commit(key, pages_printed=pages, payment_ref="cash:200"))
                tally.transactions += 1
            await _sleep(rng.uniform(*TRANSACTION_EVERY_S), deadline)
    finally:
        heartbeat.cancel()
        await asyncio.gather(heartbeat, return_exceptions=True)


async def _sleep(seconds: float, deadline: float) -> None:
    """Sleep `seconds`, but wake at the deadline: the run stops by itself, never by the drain bound."""
    await asyncio.sleep(max(0.0, min(seconds, deadline - time.monotonic())))


async def _heartbeats(client: IssuanceClient, tally: _Tally, deadline: float, offset: float) -> None:
    await asyncio.sleep(offset)
    while time.monotonic() < deadline:
        await tally.timed("heartbeat", client.heartbeat({"printer": {"state": "online", "reason": ""}}))
        await _sleep(HEARTBEAT_S, deadline)


async def _run(kiosks: int, seconds: float, workdir: Path) -> dict[str, Any]:
    pki = await asyncio.to_thread(generate_pki, workdir / "pki")
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.load_server", str(pki.root), str(workdir / "server.sqlite3"),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, preexec_fn=die_with_parent())
    assert server.stdin is not None and server.stdout is not None
    base_url = (await server.stdout.readline()).decode().strip()
    config = ServerConfig(
        base_url=base_url,
        ca_file=pki.ca_cert,
        cert_file=pki.client_cert,
        key_file=pki.client_key,
        signing_key_file=pki.signing_public,
        identity_key_file=pki.identity_public,
        kiosk_id=DEFAULT_KIOSK_ID,
    )
    # No retries: every failed attempt is an error here, not hidden behind the client's second try.
    clients = [IssuanceClient(config, clock=MonotonicClock(), retries=0) for _ in range(kiosks)]
    tally = _Tally()
    started = time.monotonic()
    cpu_started = time.process_time()
    deadline = started + seconds
    boot_spread = max(BOOT_SPREAD_S, kiosks / BOOTS_PER_SECOND)
    tasks = [asyncio.create_task(_kiosk(i, c, tally, deadline, boot_spread)) for i, c in enumerate(clients)]
    try:
        done, pending = await asyncio.wait(tasks, timeout=seconds + DRAIN_S)
        for task in pending:
            task.cancel()
            tally.errors["cancelled"] += 1
        await asyncio.gather(*tasks, return_exceptions=True)
        crashed = [t.exception() for t in done if not t.cancelled() and t.exception() is not None]
        tally.errors["crashed"] += len(crashed)
        elapsed = time.monotonic() - started
        cpu_used = time.process_time() - cpu_started
        server.stdin.write(b"stats\n")
        await server.stdin.drain()
        stats = json.loads(await server.stdout.readline())
    finally:
        await asyncio.gather(*(c.close() for c in clients))
        server.stdin.close()
        try:
            await asyncio.wait_for(server.wait(), 10)
        except TimeoutError:
            server.kill()
    calls = {
        call: {
            "count": len(tally.latencies_ms[call]),
            "p50_ms": round(_percentile(tally.latencies_ms[call], 0.50), 1),
            "p99_ms": round(_percentile(tally.latencies_ms[call], 0.99), 1),
            "errors": tally.errors[call],
        }
        for call in CALLS
    }
    return {
        "kiosks": kiosks,
        "seconds": round(elapsed, 1),
        "transactions": tally.transactions,
        "calls": calls,
        "errors": sum(tally.errors.values()),
        "error_kinds": {k: v for k, v in tally.errors.items() if v},
        "server": {"reservations": stats["reservations"], "commits": stats["commits"],
                   "cpu_seconds": round(float(stats.get("cpu_seconds", 0.0)), 1)},
        "kiosks_cpu_seconds": round(cpu_used, 1),
    }


def run_load_test(kiosks: int = 200, seconds: float = 10.0) -> dict[str, Any]:
    """Run the load for `seconds` (plus draining) and return per-call p50/p99 latency and error counts."""
    with tempfile.TemporaryDirectory(prefix="kiosk-load-") as tmp:
        return asyncio.run(_run(kiosks, seconds, Path(tmp)))

"""The simulators' control socket answers in full, however long the record a soak asks for."""

from __future__ import annotations

from pathlib import Path

from common.control_socket import ControlServer, send_control


async def test_an_answer_far_longer_than_a_stream_line_arrives_whole(tmp_path: Path) -> None:
    """After 3,350 sessions a month-long soak asked the server simulator for its mobile ID records and
    stopped: the answer outgrew asyncio's default 64 KiB line. A 4 MB record now comes back intact."""
    record = [{"transaction": f"mid-{n:06d}", "state": "verified"} for n in range(60_000)]
    server = ControlServer({"records": lambda: record})
    await server.start(tmp_path / "control.sock")
    try:
        answer = await send_control(tmp_path / "control.sock", "records")
    finally:
        await server.close()
    assert answer == {"ok": True, "result": record}

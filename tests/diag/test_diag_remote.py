"""The server's heartbeat commands `upload_bundle` and `selftest`: the operators get a bundle (nothing
personal in it) without a technician on site, and a self-test's outcome lands in the journal."""

from __future__ import annotations

import base64
import io
import json
import tarfile

from kiosk.controller import HEARTBEAT_SECONDS
from kiosk.rig.diag_booth import DiagBooth


async def _next_heartbeat(booth: DiagBooth) -> None:
    await booth.run.clock.advance(HEARTBEAT_SECONDS + 0.1)


async def test_upload_bundle_sends_the_bundle_to_the_server(booth: DiagBooth) -> None:
    kiosk = booth.run.kiosk
    await booth.run.booth.control("server", "queue_command", command="upload_bundle")
    await _next_heartbeat(booth)
    await booth.run.until(lambda: bool(kiosk.journal.tail_of_kind("bundle_uploaded", 1)), "no bundle was sent")
    bundles = await booth.run.booth.control("server", "support_bundles")
    assert len(bundles) == 1, "no bundle reached the server"
    bundle = bundles[0]
    assert bundle["reason"] == "server" and bundle["kiosk_id"] == booth.run.kiosk.config.kiosk.id
    data = base64.b64decode(str(bundle["bundle_base64"]))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = {m.name.split("/", 1)[1] for m in tar.getmembers()}
        devices = json.loads(tar.extractfile("kiosk-bundle/devices.json").read())  # type: ignore[union-attr]
    assert {"config.json", "devices.json", "journal.jsonl", "versions.json", "views.json"} <= names
    assert devices["state"] == "idle"
    uploaded = booth.run.kiosk.journal.tail_of_kind("bundle_uploaded", 1)[-1]
    assert uploaded.detail["ok"] is True and uploaded.amount == len(data) and uploaded.ref == bundle["bundle_id"]


async def test_selftest_runs_the_checks_and_journals_the_outcome(booth: DiagBooth) -> None:
    kiosk = booth.run.kiosk
    await booth.run.booth.control("server", "queue_command", command="selftest")
    await _next_heartbeat(booth)
    await booth.run.until(lambda: bool(kiosk.journal.tail_of_kind("remote_selftest", 1)),
                          "the remote self-test was never journaled")
    row = kiosk.journal.tail_of_kind("remote_selftest", 1)[-1]
    assert row.detail["ok"] is True and row.detail["reason"] == ""
    assert kiosk.state == "idle"  # nothing printed, the booth still serving
    assert booth.run.booth.printed_documents() == []


async def test_selftest_waits_while_a_resident_is_served(booth: DiagBooth) -> None:
    kiosk = booth.run.kiosk
    await booth.play([{"tap": "start"}, {"expect_screen": "choose_document"}])
    await booth.run.booth.control("server", "queue_command", command="selftest")
    await _next_heartbeat(booth)
    await booth.run.until(lambda: bool(kiosk.journal.tail_of_kind("remote_selftest", 1)),
                          "the refusal was never journaled")
    row = kiosk.journal.tail_of_kind("remote_selftest", 1)[-1]
    assert row.detail == {**row.detail, "ok": False, "error": "busy"}


async def test_a_bundle_too_big_for_one_upload_is_cut_down_to_fit(booth: DiagBooth) -> None:
    """Months of log lines do not stop the operators' bundle: the oldest lines are left out."""
    import logging
    import random

    from kiosk.maintenance.support_bundle import MAX_UPLOAD_BYTES, make_bundle, make_upload_bundle

    rng = random.Random(15)
    noisy = logging.getLogger("tests.diag.noise")
    for n in range(2000):
        noisy.warning("line %d %s", n, " ".join(rng.choice(["coin", "bill", "jam", "poll", "ack", "nak"]) + str(
            rng.randrange(10**6)) for _ in range(8)))
    assert len(await make_bundle(booth.run.kiosk)) > MAX_UPLOAD_BYTES  # the whole would not fit
    data = await make_upload_bundle(booth.run.kiosk)
    assert len(data) <= MAX_UPLOAD_BYTES
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        logs = tar.extractfile("kiosk-bundle/logs.txt").read().decode().splitlines()  # type: ignore[union-attr]
    assert 0 < len(logs) <= 200 and "line 1999" in logs[-1]

"""`kiosk diag bundle`: a support bundle holds what a debugger needs and nothing personal.

A real session (resident number typed, fingerprint placed, IC card paid) runs through the simulated
booth first; then every file of the bundle is searched for the resident number, the template bytes
and the card number, in every encoding they could have slipped in by."""

from __future__ import annotations

import base64
import json
import tarfile
import tomllib
from pathlib import Path

import pytest

from kiosk.maintenance.support_bundle import REDACTED, is_secret_name, without_secrets
from kiosk.rig.diag_booth import diag_booth
from simulators.residents import captured_template, resident
from simulators.smartcard.card import TEST_PAN
from tests.diag.conftest import run_diag

ROOT = Path(__file__).resolve().parents[2]


def _forbidden() -> list[bytes]:
    number = resident(0).number  # 900101-1720624
    digits = number.replace("-", "")
    needles = [number, digits, f"{digits[:6]} {digits[6:]}", digits[6:],  # the hidden part, century digit on
               TEST_PAN, " ".join(TEST_PAN[i:i + 4] for i in range(0, 16, 4)),
               "-".join(TEST_PAN[i:i + 4] for i in range(0, 16, 4))]
    out = [n.encode() for n in needles] + [n.encode("utf-16-le") for n in (number, digits, TEST_PAN)]
    for capture in range(3):
        template = captured_template(0, 1, "zfm", capture=capture)
        for start in range(0, len(template) - 24, 24):
            window = template[start:start + 24]
            out += [window, window.hex().encode(), window.hex().upper().encode(), window.hex(" ").encode()]
        for shift in range(3):  # base64 of the template wherever it began in a larger blob
            out.append(base64.b64encode(template[shift:shift + 36]))
            out.append(base64.urlsafe_b64encode(template[shift:shift + 36]))
    return out


@pytest.mark.timeout(120)
async def test_a_bundle_after_a_card_session_holds_no_number_template_or_card(tmp_path: Path,
                                                                               pcscd: list[str]) -> None:
    scenario = tomllib.loads((ROOT / "scenarios" / "card_approve.toml").read_text(encoding="utf-8"))
    settings = {"config": scenario["config"]}
    async with diag_booth(tmp_path / "booth", settings) as booth:
        await booth.play(scenario["step"])
        target = tmp_path / "support" / "bundle.tar.gz"
        ran = await run_diag(booth, "bundle", "--out", str(target), "--json")
    assert ran.code == 0, ran.stderr
    assert ran.json()["path"] == str(target)
    assert target.stat().st_mode & 0o077 == 0  # the technician's copy is theirs alone

    with tarfile.open(target) as tar:
        files = {m.name.split("/", 1)[1]: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    assert {"versions.json", "config.json", "devices.json", "journal.jsonl", "logs.txt", "views.json",
            "workshop.json", "screens/now.png"} <= set(files)
    assert files["screens/now.png"].startswith(b"\x89PNG")
    # What a debugger needs is there: the session's journal rows, the last screens, devices and versions.
    kinds = [json.loads(line)["kind"] for line in files["journal.jsonl"].decode().splitlines()]
    assert {"reserved", "print_done", "fee_kept"} <= set(kinds)
    views = json.loads(files["views.json"])
    assert "done" in [v["screen"] for v in views]
    assert json.loads(files["devices.json"])["devices"]["card_reader"]["state"] == "online"
    assert json.loads(files["versions.json"])["python"].startswith("3.")
    # ... and nothing personal, in any file, in any encoding.
    for needle in _forbidden():
        for name, data in files.items():
            assert needle not in data, (name, needle[:40])
    assert b"476173******0010" in files["views.json"]  # the masked card number is what stays


def test_config_secrets_are_replaced_by_name_and_key_files_left_out() -> None:
    config = {"server": {"base_url": "https://x", "pki_dir": "/etc/kiosk/pki", "api_token": "t0k",
                         "client-secret": "s", "keyFile": "/etc/kiosk/pki/kiosk-key.pem"},
              "keypad": {"keys": {"1": "one"}, "enabled": True}, "technician": {"pin": "1234", "password": "pw"},
              "ca": "/etc/kiosk/pki/ca.pem"}
    clean = without_secrets(config)
    assert clean["server"]["api_token"] == clean["server"]["client-secret"] == REDACTED
    assert clean["server"]["keyFile"] == REDACTED and clean["ca"] == REDACTED
    assert clean["technician"] == {"pin": REDACTED, "password": REDACTED}
    assert clean["keypad"] == config["keypad"] and clean["server"]["pki_dir"] == "/etc/kiosk/pki"
    assert [n for n in ("key", "secret_key", "token", "keypad", "keys", "monkey") if is_secret_name(n)] == \
        ["key", "secret_key", "token"]

"""`kiosk diag serial-probe` against the simulators' PTYs: each device found at its own speed, and the
ports left as they were found. The answers are read with the drivers' codecs (vectors below)."""

from __future__ import annotations

import asyncio
import os
import termios
import tty
from pathlib import Path

import serial
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.cash.frames import Frame
from drivers.fingerprint import frames_sfm, frames_zfm
from kiosk.booth.serial_probe import probe_port, probes, read_cctalk, read_escpos, read_sfm, read_zfm
from simulators.cctalk import CcTalkSimulator
from simulators.fingerprint import FingerprintSimulator
from simulators.line_speed import heard_at
from simulators.receipt_printer import ReceiptPrinterSimulator
from simulators.receipt_printer.escpos import EscPosParser, RealTimeStatus
from tests.diag.conftest import run_diag


class SerialReceiptPrinter:
    """The receipt printer simulator's ESC/POS parser and status bytes behind a PTY at `baud`: a printer on
    RS-232 (the simulator itself listens on TCP), deaf to a host at another speed."""

    def __init__(self, link: Path, baud: int) -> None:
        self.link, self.baud = link, baud
        self.printer = ReceiptPrinterSimulator()
        self.parser = EscPosParser()
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        os.set_blocking(self.master, False)
        link.symlink_to(os.ttyname(self.slave))
        asyncio.get_running_loop().add_reader(self.master, self._readable)

    def _readable(self) -> None:
        try:
            data = os.read(self.master, 4096)
        except OSError:
            return
        if not heard_at(self.master, self.baud, check=True):
            self.parser = EscPosParser()  # noise at the wrong speed: nothing understood
            return
        for command in self.parser.feed(data):
            if isinstance(command, RealTimeStatus):
                os.write(self.master, bytes((self.printer.status_byte(command.n),)))

    def close(self) -> None:
        asyncio.get_running_loop().remove_reader(self.master)
        os.close(self.master)
        os.close(self.slave)


async def test_each_simulated_device_is_found_on_its_port_at_its_baud(tmp_path: Path) -> None:
    sims = {
        "cash-bus": CcTalkSimulator(link=tmp_path / "cash-bus", check_baud=True),
        "sensor-zfm": FingerprintSimulator("zfm", link=tmp_path / "sensor-zfm", baudrate=19200, pace=False,
                                           check_baud=True),
        "sensor-sfm": FingerprintSimulator("sfm", link=tmp_path / "sensor-sfm", pace=False, check_baud=True),
    }
    printer = SerialReceiptPrinter(tmp_path / "printer", 19200)
    try:
        for sim in sims.values():
            await sim.start()
        ports = [str(tmp_path / name) for name in (*sims, "printer")]
        # Two speeds apart from the right ones must not fool it: every device is asked at every speed.
        ran = await run_diag(None, "serial-probe", *ports, "--timeout", "0.1", "--json")
        human = await run_diag(None, "serial-probe", ports[0], "--baud", "9600", "--timeout", "0.1")
    finally:
        printer.close()
        for sim in sims.values():
            await sim.stop()
    assert ran.code == 0, ran.stderr
    found = {(f["port"], f["baud"], f["protocol"], f["device"]) for r in ran.json()["ports"] for f in r["findings"]}
    assert found == {
        (ports[0], 9600, "cctalk", "coin_acceptor"), (ports[0], 9600, "cctalk", "bill_validator"),
        (ports[0], 9600, "cctalk", "hopper"),
        (ports[1], 19200, "zfm", "fingerprint"),
        (ports[2], 115200, "sfm", "fingerprint"),
        (ports[3], 19200, "escpos", "receipt_printer"),
    }
    zfm = next(f for r in ran.json()["ports"] for f in r["findings"] if f["protocol"] == "zfm")
    assert "configured 19200 baud" in zfm["detail"]  # the sensor's own word for its speed
    assert human.code == 0 and "hopper" in human.stdout and "9600" in human.stdout


async def test_the_port_is_left_as_found_and_a_silent_port_says_nothing_answered(tmp_path: Path) -> None:
    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        result = probe_port(os.ttyname(slave), bauds=(9600, 57600), timeout=0.03)
        assert result.findings == () and result.error == ""
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


async def test_a_port_another_program_holds_is_reported_busy(tmp_path: Path) -> None:
    master, slave = os.openpty()
    try:
        with serial.Serial(os.ttyname(slave), 9600, exclusive=True):  # as the kiosk's fingerprint driver holds it
            result = probe_port(os.ttyname(slave), bauds=(9600,), timeout=0.03)
        assert result.error.startswith("busy")
    finally:
        os.close(master)
        os.close(slave)


async def test_no_port_at_all_is_said_plainly(tmp_path: Path) -> None:
    ran = await run_diag(None, "serial-probe", str(tmp_path / "ttyUSB9"), "--timeout", "0.05", "--json")
    assert ran.code == 0
    assert ran.json()["ports"][0]["error"].startswith("cannot open")


def test_the_questions_are_the_protocols_harmless_ones() -> None:
    asked = [(p.protocol, p.device, p.request) for p in probes()]
    assert asked == [
        ("escpos", "receipt_printer", b"\x10\x04\x01"),  # DLE EOT 1, first: a printer hears nothing else
        ("zfm", "fingerprint", bytes.fromhex("EF01 FFFFFFFF 01 0003 0F 0013")),  # R30x manual: ReadSysPara
        ("sfm", "fingerprint", bytes.fromhex("40 04 00000000 00000000 00 44 0A")),  # UniFinger: SS
        ("cctalk", "coin_acceptor", bytes.fromhex("02 00 01 FE FF")),  # simple poll, simple checksum
        ("cctalk", "bill_validator", bytes.fromhex("28 00 01 FE D9")),
        ("cctalk", "hopper", bytes.fromhex("03 00 01 FE FE")),
    ]


def test_answers_are_read_with_the_drivers_codecs() -> None:
    dle = b"\x10\x04\x01"
    assert read_escpos(b"\x12", dle) == "DLE EOT 1 status 0x12"
    assert read_escpos(b"\x16", dle) is not None  # drawer pin high: still a status byte
    assert read_escpos(b"\x10", dle) is None and read_escpos(b"\x12\x12", dle) is None
    assert read_escpos(dle, dle) is None  # only our own echo (a ccTalk bus)
    params = frames_zfm.SystemParameters(status=0, system_id=9, library_size=300, security_level=5,
                                         address=0xFFFFFFFF, packet_size_code=2, baud_factor=6)
    ack = frames_zfm.ack(frames_zfm.Confirm.OK, params.to_bytes()).to_bytes()
    assert read_zfm(b"\x00garbage" + ack, b"") == "ReadSysPara: library 300, security 5, configured 57600 baud"
    assert read_zfm(frames_zfm.ack(frames_zfm.Confirm.PACKET_ERROR).to_bytes(), b"") is None
    ss = frames_sfm.Packet(frames_sfm.Command.SS, param=frames_sfm.SYSTEM_STATUS_NORMAL, flag=frames_sfm.Flag.SUCCESS)
    assert read_sfm(ss.to_bytes(), b"") == "system status normal"
    poll = Frame(dest=2, src=1, header=254).to_bytes()
    answer = Frame(dest=1, src=2, header=0).to_bytes()
    assert read_cctalk(2)(poll + answer, poll) == "simple poll answered (address 2)"
    assert read_cctalk(3)(poll + answer, poll) is None  # the coin acceptor answered, not the hopper
    assert read_cctalk(2)(poll, poll) is None  # the bus's echo alone


@settings(max_examples=300, deadline=None)
@given(reply=st.binary(max_size=80), request=st.sampled_from([p.request for p in probes()]))
def test_any_bytes_on_the_line_are_an_answer_or_nothing_never_an_error(reply: bytes, request: bytes) -> None:
    """Whatever a rewired booth's ports say (noise, another device, half a frame): read, never raised."""
    for probe in probes():
        detail = probe.read(request + reply, request)
        assert detail is None or isinstance(detail, str)

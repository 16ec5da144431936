"""`kiosk diag`: the technician's command-line tool, on the booth's console or over SSH (as root).

Most commands ask the running kiosk over its diag socket (kiosk/booth/diag_socket.py) and reach the
same workshop actions and queries as the maintenance screens (kiosk/maintenance/workshop.py), so a
refill typed here is the same journaled step as one tapped on the screen. `serial-probe` and `usb`
look at the machine itself and need no kiosk. Human tables by default (rich), `--json` for scripts;
progress bars on stderr for what takes seconds.

Exit codes: 0 done; 1 the kiosk refused (an action outside maintenance, an unknown voucher, a
failed self-test); 2 the kiosk cannot be reached (not running, not root) or the tool was misused.
"""

from __future__ import annotations

import base64
import datetime as dt
import getpass
import json
import os
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kiosk.booth.diag_client import DiagRefused, DiagUnreachable, ask_sync, diag_socket_path

EXIT_REFUSED = 1
EXIT_UNREACHABLE = 2

# The self-tests `selftest` runs one by one for "all" (kiosk/maintenance/workshop.py's docstring).
SELFTEST_DEVICES = ("a4", "receipt", "fingerprint", "server")

app = typer.Typer(name="kiosk diag", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="The technician's tool: the running kiosk's state, self-tests, supplies, cash, vouchers, "
                       "logs and support bundles; serial ports and USB printers of this machine.")
refill_app = typer.Typer(no_args_is_help=True, help="Paper and coins put in (maintenance only).")
vouchers_app = typer.Typer(no_args_is_help=True, help="Change vouchers: list, show, pay out, reprint.")
maintenance_app = typer.Typer(no_args_is_help=True, help="Enter or leave maintenance from the console (root).")
app.add_typer(refill_app, name="refill")
app.add_typer(vouchers_app, name="vouchers")
app.add_typer(maintenance_app, name="maintenance")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]


@dataclass
class Options:
    socket: Path | None = None
    json: bool = False


def _opts(ctx: typer.Context) -> Options:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Options) else Options()


def out() -> Console:
    return Console(highlight=False, soft_wrap=False)


def err() -> Console:
    """Messages are not wrapped: a path cut in two cannot be copied (and a script's grep misses it)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


@app.callback()
def main(ctx: typer.Context,
         socket: Annotated[Path | None, typer.Option("--socket", help="The kiosk's diag socket (default: "
                                                      "$KIOSK_DIAG_SOCKET, ./run/diag.sock, /run/kiosk/diag.sock).")]
         = None,
         json_: JsonOpt = False) -> None:
    ctx.obj = Options(socket=socket, json=json_)


# --- talking to the kiosk ------------------------------------------------------------------------------


def _ask(ctx: typer.Context, cmd: str, **args: Any) -> dict[str, Any]:
    """One request to the kiosk; unreachable or refused at the socket ends the command (exit 2)."""
    path = diag_socket_path(_opts(ctx).socket)
    if cmd == "act":  # journaled as this console user (`console:<user>`), not whoever is at the screen
        args.setdefault("user", os.environ.get("SUDO_USER") or getpass.getuser())
    try:
        return ask_sync(path, cmd, **args)
    except DiagUnreachable as exc:
        err().print(f"[bold red]kiosk diag:[/] {exc}")
        raise typer.Exit(EXIT_UNREACHABLE) from None
    except DiagRefused as exc:
        err().print(f"[bold red]kiosk diag:[/] the kiosk refused {cmd}: {exc}")
        raise typer.Exit(EXIT_UNREACHABLE) from None


def _wants_json(ctx: typer.Context, flag: bool) -> bool:
    return flag or _opts(ctx).json


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _finish(ctx: typer.Context, title: str, answer: Mapping[str, Any], as_json: bool) -> None:
    """Print a workshop answer (a table, or JSON) and exit 1 when it was refused."""
    if _wants_json(ctx, as_json):
        _print_json(answer)
    else:
        render(out(), title, answer)
    if not answer.get("ok"):
        err().print(f"[bold red]refused:[/] {title}: {_why(answer)}")
        raise typer.Exit(EXIT_REFUSED)


# What the workshop's short error codes mean to a technician, and what to do next.
HINTS = {
    "not-in-maintenance": "only in maintenance: `kiosk diag maintenance enter` (or the technician card) first",
    "unknown-action": "this kiosk's workshop has no such action (an older version?)",
    "unknown-query": "this kiosk's workshop has no such query (an older version?)",
    "bad-arguments": "the kiosk did not take these arguments: see --help",
    "busy": "a resident is being served: wait for the session to end and try again",
    "already-in-maintenance": "maintenance is already open",
}


def _why(answer: Mapping[str, Any]) -> str:
    code = str(answer.get("error", "refused"))
    hint = HINTS.get(code)
    return f"{code} ({hint})" if hint else code


# --- tables -----------------------------------------------------------------------------------------------


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _cell(value: Any) -> str:
    """One table cell: numbers with thousands separators, a record as `key=value, ...`, a list joined."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ("; " if any(isinstance(v, dict) for v in value) else ", ").join(_cell(v) for v in value)
    return "" if value is None else str(value)


def _rows_table(title: str, rows: Sequence[Mapping[str, Any]], first: str | None = None) -> Table:
    columns: list[str] = [first] if first else []
    for row in rows:
        columns += [k for k in row if k not in columns]
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    return table


def _pairs_table(title: str, pairs: Mapping[str, Any], *, header: bool = False) -> Table:
    table = Table(title=title, title_justify="left", show_header=header)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in pairs.items():
        table.add_row(str(key).replace("_", " "), "(none)" if value in ([], {}) else _cell(value))
    return table


def render(console: Console, title: str, answer: Mapping[str, Any]) -> None:
    """Any workshop answer as tables: its plain fields as one table of field and value; each record of
    plain values (counters), each list of records and each map of records (devices by name) as a table of
    its own; a list of lines (logs) line by line."""
    plain: dict[str, Any] = {}
    nested: list[Table] = []
    for key, value in answer.items():
        label = key.replace("_", " ")
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            nested.append(_rows_table(label, value))
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            lines = Table(title=label, title_justify="left", show_header=False)
            lines.add_column(label, overflow="fold")
            for line in value:
                lines.add_row(line)
            nested.append(lines)
        elif isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            nested.append(_rows_table(label, [{"name": k, **v} for k, v in value.items()], "name"))
        elif isinstance(value, dict) and value and all(_is_scalar(v) for v in value.values()):
            nested.append(_pairs_table(label, value))
        else:
            plain[key] = value
    console.print(_pairs_table(title, plain))
    for table in nested:
        console.print(table)


@contextmanager
def progress(total: int | None, description: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr; the step function advances it by one and names what comes next."""
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn()]
    with Progress(*columns, console=err(), transient=True) as bar:
        task = bar.add_task(description, total=total)

        def step(next_description: str) -> None:
            bar.update(task, advance=1, description=next_description)

        yield step


# --- commands: the booth --------------------------------------------------------------------------------


@app.command()
def status(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """The kiosk's state, its devices, and the workshop's status (supplies, last errors)."""
    booth = _ask(ctx, "booth")
    workshop = _ask(ctx, "query", what="status")
    if _wants_json(ctx, json_out):
        _print_json({"ok": True, "booth": booth, "status": workshop})
        return
    console = out()
    devices = booth.get("devices", {})
    render(console, "kiosk", {k: v for k, v in booth.items() if k not in ("devices", "ok")})
    table = Table(title="devices", title_justify="left")
    for column in ("device", "state", "reason", "supplies"):
        table.add_column(column)
    for name, device in devices.items():
        supplies = ", ".join(f"{k} {v}" for k, v in device.get("supplies", {}).items())
        style = "" if device.get("state") == "online" else "yellow"
        table.add_row(name, str(device.get("state", "")), str(device.get("reason", "")), supplies, style=style)
    console.print(table)
    if workshop.get("ok"):
        render(console, "workshop status", {k: v for k, v in workshop.items() if k != "ok"})
    else:
        err().print(f"the workshop's status is not available: {_why(workshop)}")


@app.command()
def selftest(ctx: typer.Context,
             device: Annotated[str, typer.Argument(help="a4, receipt, fingerprint, server, or all")] = "all",
             json_out: JsonOpt = False) -> None:
    """Run self-tests one by one (maintenance only): a test page, a test receipt, a capture, the server."""
    if device != "all" and device not in SELFTEST_DEVICES:
        err().print(f"kiosk diag selftest: no device {device!r}; one of {', '.join(SELFTEST_DEVICES)} or all")
        raise typer.Exit(EXIT_UNREACHABLE)
    devices = list(SELFTEST_DEVICES) if device == "all" else [device]
    results: list[dict[str, Any]] = []
    with progress(len(devices), f"self-test: {devices[0]}") as step:
        for index, name in enumerate(devices):
            answer = _ask(ctx, "act", do="selftest", args={"device": name})
            results.append({"device": name, **answer})
            step(f"self-test: {devices[index + 1]}" if index + 1 < len(devices) else "self-tests done")
            if answer.get("error") in ("not-in-maintenance", "unknown-action"):
                break  # the others would be refused the same way
    summary = {"ok": all(r.get("ok") for r in results), "results": results}
    if not summary["ok"]:
        summary["error"] = next((str(r.get("error") or "failed") for r in results if not r.get("ok")), "failed")
    _finish(ctx, "self-tests", summary, json_out)


@app.command()
def counters(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Counters: documents, pages, coins and bills in, change paid, since the last collection."""
    _finish(ctx, "counters", _ask(ctx, "query", what="counters"), json_out)


@app.command()
def logs(ctx: typer.Context,
         since: Annotated[str, typer.Option("--since", help="ISO time or date (2026-12-06T09:00); default all")] = "",
         limit: Annotated[int, typer.Option("--limit", min=1, max=10000)] = 200,
         json_out: JsonOpt = False) -> None:
    """The booth's log lines (no personal data), newest last."""
    _finish(ctx, "logs", _ask(ctx, "query", what="logs", args={"since": since, "limit": limit}), json_out)


@app.command()
def sessions(ctx: typer.Context,
             count: Annotated[int, typer.Option("--count", min=1, max=1000)] = 20,
             json_out: JsonOpt = False) -> None:
    """The last residents' sessions: document, outcome, money (no personal data)."""
    _finish(ctx, "sessions", _ask(ctx, "query", what="sessions", args={"count": count}), json_out)


@app.command("collect-cash")
def collect_cash(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Empty the stacker and cash box (maintenance only): counts by denomination, a settlement sent."""
    _finish(ctx, "collect cash", _ask(ctx, "act", do="collect_cash"), json_out)


@refill_app.command("paper")
def refill_paper(ctx: typer.Context,
                 which: Annotated[str, typer.Argument(help="a4 or receipt")],
                 json_out: JsonOpt = False) -> None:
    """Paper put in: the counter is reset and the refill journaled."""
    if which not in ("a4", "receipt"):
        err().print(f"kiosk diag refill paper: {which!r} is not a4 or receipt")
        raise typer.Exit(EXIT_UNREACHABLE)
    _finish(ctx, f"refill {which} paper", _ask(ctx, "act", do="refill_paper", args={"which": which}), json_out)


@refill_app.command("hopper")
def refill_hopper(ctx: typer.Context,
                  coins: Annotated[int, typer.Option("--coins", min=0, max=10000,
                                                     help="coins in the hopper after the refill")],
                  json_out: JsonOpt = False) -> None:
    """Coins put in the hopper: the count the change logic relies on."""
    _finish(ctx, "refill hopper", _ask(ctx, "act", do="refill_hopper", args={"coins": coins}), json_out)


@vouchers_app.command("list")
def vouchers_list(ctx: typer.Context,
                  all_: Annotated[bool, typer.Option("--all", help="paid ones too")] = False,
                  json_out: JsonOpt = False) -> None:
    """Vouchers the booth issued for change it could not pay (open ones unless --all)."""
    _finish(ctx, "vouchers", _ask(ctx, "query", what="vouchers", args={"open_only": not all_}), json_out)


@vouchers_app.command("show")
def vouchers_show(ctx: typer.Context, code: str, json_out: JsonOpt = False) -> None:
    """One voucher by its code."""
    _finish(ctx, f"voucher {code}", _ask(ctx, "query", what="voucher", args={"code": code}), json_out)


@vouchers_app.command("pay")
def vouchers_pay(ctx: typer.Context, code: str,
                 by: Annotated[str, typer.Option("--by", help="hopper (coins into the tray) or hand")] = "hopper",
                 json_out: JsonOpt = False) -> None:
    """Pay a voucher out (maintenance only), by the hopper or by hand; journaled."""
    if by not in ("hopper", "hand"):
        err().print(f"kiosk diag vouchers pay: --by {by!r} is not hopper or hand")
        raise typer.Exit(EXIT_UNREACHABLE)
    _finish(ctx, f"pay voucher {code}", _ask(ctx, "act", do="voucher_pay", args={"code": code, "by": by}), json_out)


@vouchers_app.command("reprint")
def vouchers_reprint(ctx: typer.Context, code: str, json_out: JsonOpt = False) -> None:
    """Print a voucher again (one that could not be printed), maintenance only."""
    _finish(ctx, f"reprint voucher {code}", _ask(ctx, "act", do="voucher_reprint", args={"code": code}), json_out)


@maintenance_app.command("enter")
def maintenance_enter(ctx: typer.Context,
                      user: Annotated[str, typer.Option("--user", help="who is at the console (journaled)")] = "",
                      json_out: JsonOpt = False) -> None:
    """Open maintenance from the console (root; the booth must be idle or out of service)."""
    who = user or os.environ.get("SUDO_USER") or getpass.getuser()
    _finish(ctx, "enter maintenance", _ask(ctx, "maintenance_enter", user=who), json_out)


@maintenance_app.command("exit")
def maintenance_exit(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Leave maintenance: the self-test runs and the booth returns to service only if it is fit."""
    _finish(ctx, "leave maintenance", _ask(ctx, "maintenance_exit"), json_out)


@app.command()
def bundle(ctx: typer.Context,
           out_path: Annotated[Path | None, typer.Option("--out", help="the tar.gz to write "
                                                         "(default ./kiosk-bundle-<kiosk>-<time>.tar.gz)")] = None,
           json_out: JsonOpt = False) -> None:
    """A support bundle: config without secrets, logs, journal extract, devices, versions, last screens."""
    from kiosk.maintenance.support_bundle import pack

    kiosk_id = str(_ask(ctx, "booth").get("kiosk_id", "kiosk"))
    names = [str(n) for n in _ask(ctx, "bundle_parts").get("parts", [])]
    parts: dict[str, bytes] = {}
    with progress(len(names), f"bundle: {names[0] if names else ''}") as step:
        for index, name in enumerate(names):
            answer = _ask(ctx, "bundle_part", name=name)
            data = base64.b64decode(str(answer.get("base64", "")))
            if data:
                parts[name] = data
            step(f"bundle: {names[index + 1]}" if index + 1 < len(names) else "bundle: packing")
    journald = _journald_lines()
    if journald:
        parts["journald.txt"] = journald
    now = dt.datetime.now()
    target = out_path or Path(f"kiosk-bundle-{kiosk_id}-{now:%Y%m%d-%H%M%S}.tar.gz")
    data = pack(parts, prefix=target.name.removesuffix(".tar.gz"), mtime=now.timestamp())
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    answer = {"ok": True, "path": str(target), "bytes": len(data), "parts": sorted(parts)}
    if _wants_json(ctx, json_out):
        _print_json(answer)
    else:
        out().print(f"support bundle: [bold]{target}[/] ({len(data):,} bytes, {len(parts)} files)")


# The kiosk's own log as journald keeps it (its stderr under the unit): the last lines, when there is one.
JOURNALD_COMMAND = ("journalctl", "--unit", "kiosk", "--lines", "5000", "--no-pager", "--output", "short-iso")


def _journald_lines() -> bytes:
    """`journalctl -u kiosk` on a booth under systemd (masked like every text part of the bundle by
    `pack`); nothing where there is no journald or no such unit."""
    try:
        done = subprocess.run(JOURNALD_COMMAND, capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return b""
    text = done.stdout if done.returncode == 0 else b""
    return b"" if text.strip() in (b"", b"-- No entries --") else text


# --- commands: this machine -------------------------------------------------------------------------------


@app.command("serial-probe")
def serial_probe(ctx: typer.Context,
                 ports: Annotated[list[str] | None, typer.Argument(help="ports to probe (default: every "
                                                                    "serial port under /dev)")] = None,
                 baud: Annotated[list[int] | None, typer.Option("--baud", help="speeds to try (repeatable; "
                                                                "default 9600 19200 57600 115200)")] = None,
                 timeout: Annotated[float, typer.Option("--timeout", min=0.02, max=5.0,
                                                        help="seconds to wait for each answer")] = 0.15,
                 json_out: JsonOpt = False) -> None:
    """Which device answers on which serial port at which baud (stop the kiosk first)."""
    from kiosk.booth import serial_probe as probe

    running = diag_socket_path(_opts(ctx).socket)
    if running.exists():
        err().print(f"[yellow]a kiosk seems to be running (its socket {running} is there): stop it first "
                    f"(systemctl stop kiosk), or it and the probe talk over each other on the ports it holds[/]")
    targets = list(ports or probe.serial_ports())
    bauds = tuple(baud or probe.BAUDS)
    if not targets:
        if _wants_json(ctx, json_out):
            _print_json({"ok": True, "ports": []})
        else:
            out().print("no serial ports on this machine")
        return
    results = []
    with progress(len(targets) * len(bauds), f"probing {targets[0]}") as step:
        for port in targets:
            done = [0]

            def stepped(name: str, speed: int, done: list[int] = done) -> None:
                done[0] += 1
                step(f"probing {name} (tried {speed} baud)")

            result = probe.probe_port(port, bauds=bauds, timeout=timeout, on_step=stepped)
            for _ in range(len(bauds) - done[0]):  # a port that answered early: its other speeds are skipped
                step(f"probed {port}")
            results.append(result)
    if _wants_json(ctx, json_out):
        _print_json({"ok": True, "ports": [r.as_dict() for r in results]})
        return
    table = Table(title="serial ports", title_justify="left")
    for column in ("port", "baud", "device", "protocol", "answer"):
        table.add_column(column)
    for result in results:
        if result.error:
            table.add_row(result.port, "", "", "", result.error, style="yellow")
        elif not result.findings:
            table.add_row(result.port, "", "(nothing answered)", "", "", style="dim")
        for finding in result.findings:
            table.add_row(finding.port, str(finding.baud), finding.device, finding.protocol, finding.detail)
    out().print(table)


@app.command()
def usb(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """The USB printers present (class 7): vendor and product ids, maker, model, serial number."""
    from kiosk.booth.usb_printers import UsbUnavailable, find_printers

    try:
        printers = find_printers(_USB_BACKEND[0])
    except UsbUnavailable as exc:
        err().print(f"kiosk diag usb: {exc}")
        raise typer.Exit(EXIT_UNREACHABLE) from None
    if _wants_json(ctx, json_out):
        _print_json({"ok": True, "printers": [p.as_dict() for p in printers]})
        return
    if not printers:
        out().print("no USB printers found (none plugged in, or not powered)")
        return
    table = Table(title="USB printers", title_justify="left")
    for column in ("bus:address", "vendor:product", "maker", "model", "serial"):
        table.add_column(column)
    for p in printers:
        table.add_row(f"{p.bus:03d}:{p.address:03d}", f"{p.vendor_id}:{p.product_id}", p.manufacturer, p.product,
                      p.serial)
    out().print(table)


# pyusb's backend for `usb` (None: libusb); the tests put a backend of their own here.
_USB_BACKEND: list[Any] = [None]


def run(argv: Sequence[str]) -> int:
    """`kiosk diag ARGS`: the exit code."""
    try:
        app(args=list(argv), prog_name="kiosk diag", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_UNREACHABLE)
    return 0

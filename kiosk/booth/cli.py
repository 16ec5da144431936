"""``kiosk``: the one command for residents' booths, technicians and CI.

    kiosk demo [--out out/demo]          the scripted demo session against the simulators
    kiosk run [--hardware|--simulators] [--config F]  the kiosk for a person (window if a display, else headless)
    kiosk scenario FILE.toml [...] [--keep DIR]  scripted sessions; exits non-zero naming the failing step
    kiosk sim SIMULATOR COMMAND [k=v]    drive a running simulator (insert a coin, place a finger)
    kiosk tap WIDGET / kiosk screen      touch the running kiosk's screen / see what it shows
    kiosk journal [--tail N|--sessions N|--totals|--csv DAY]  the journal, for a technician over SSH
    kiosk refill-hopper --coins N [--path J]      journal a hopper refill (the coins it now holds)
    kiosk diagram [--out docs/state-diagram]      the state diagram, drawn from the machine itself
    kiosk diag COMMAND [--json]          the technician's tool (status, selftest, refill, bundle, ...; --help)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common.languages import LANGUAGES
from kiosk.booth.logging_setup import setup_logging

ROOT = Path(__file__).resolve().parents[2]


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.rig.scenario import ScenarioFailed, run_scenario

    out = Path(args.out)
    try:
        result = asyncio.run(run_scenario(ROOT / "scenarios" / "demo.toml", out_dir=out, language=args.lang))
    except ScenarioFailed as exc:
        print(f"demo FAILED at {exc}", file=sys.stderr)
        return 1
    print(f"demo: {result.name}: {result.steps} steps passed in {result.elapsed_seconds:.2f} s")
    print(f"screens ({len(result.snapshots)} PNGs): {out}/")
    for path in result.snapshots:
        print(f"  {path}")
    for path in result.documents:
        print(f"A4 document (the PDF the printer received): {path}")
    for path in result.receipts:
        print(f"receipt (rendered by the receipt printer simulator): {path}")
    voice = out / "voice"
    if voice.is_dir():
        print(f"voice guidance ({len(list(voice.glob('*.wav')))} WAVs, transcript.jsonl): {voice}/")
    print(f"journal totals: {json.dumps(result.journal_totals)}")
    return 0


def cmd_scenario(args: argparse.Namespace) -> int:
    from kiosk.rig.scenario import ScenarioFailed, run_scenario

    failed = 0
    for name in args.files:
        try:
            result = asyncio.run(run_scenario(Path(name), out_dir=Path(args.out) if args.out else None,
                                              keep_journal=_kept_journal(args.keep, name, len(args.files))))
        except ScenarioFailed as exc:
            print(f"FAIL {name}: {exc}")
            failed += 1
            continue
        print(f"ok   {name}: {result.name} ({result.steps} steps, {result.elapsed_seconds:.2f} s)")
    return 1 if failed else 0


def _kept_journal(keep: str | None, name: str, files: int) -> Path | None:
    """Where `kiosk scenario --keep DIR` puts a scenario's journal: DIR/journal.sqlite3 for one file,
    DIR/<scenario>.sqlite3 for several."""
    if not keep:
        return None
    return Path(keep) / ("journal.sqlite3" if files == 1 else f"{Path(name).stem}.sqlite3")


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.booth.live import run_live

    return asyncio.run(run_live(config_files=[Path(p) for p in args.config], hardware=args.hardware,
                                until_ready=args.until_ready, production=args.simulators))


def cmd_sim(args: argparse.Namespace) -> int:
    from common.control_socket import control_socket_path, send_control

    kwargs = {}
    for pair in args.args:
        key, sep, value = pair.partition("=")
        if not sep:
            print(f"argument {pair!r} is not key=value", file=sys.stderr)
            return 2
        kwargs[key] = _parse_value(value)
    path = control_socket_path(args.simulator)
    try:
        answer = asyncio.run(send_control(path, args.command, **kwargs))
    except (FileNotFoundError, ConnectionRefusedError):
        print(f"no simulator {args.simulator!r} is running (no socket at {path}); start one with `make run`",
              file=sys.stderr)
        return 2
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    return 0 if answer.get("ok") else 1


def cmd_touch(args: argparse.Namespace) -> int:
    from common.control_socket import send_control
    from kiosk.booth.live import STATUS_SOCKET, TOUCH_SOCKET
    from kiosk.booth.service_dirs import control_run_dirs

    name = TOUCH_SOCKET if args.command == "tap" else STATUS_SOCKET
    run_dirs = control_run_dirs()
    running = [d for d in run_dirs if (d / STATUS_SOCKET).exists()]
    path = (running[0] if running else run_dirs[0]) / name
    if args.command == "tap" and running and not path.exists():
        print(f"the kiosk in {running[0]}/ runs in production mode (--hardware or --simulators): touch "
              f"injection is off; `kiosk screen` shows what it shows", file=sys.stderr)
        return 2
    try:
        if args.command == "tap":
            answer = asyncio.run(send_control(path, "tap", widget=args.widget))
        else:
            answer = asyncio.run(send_control(path, "screen"))
    except (FileNotFoundError, ConnectionRefusedError):
        print(f"no kiosk is running (no socket at {path}); start one with `make run`", file=sys.stderr)
        return 2
    except PermissionError:
        print(f"not allowed to reach the kiosk at {path}: technicians are members of its control group "
              f"(KIOSK_CONTROL_GROUP in the unit, kiosk-tech)", file=sys.stderr)
        return 2
    print(json.dumps(answer, ensure_ascii=False, indent=2, default=str))
    return 0 if answer.get("ok") else 1


def cmd_journal(args: argparse.Namespace) -> int:
    from kiosk.journal import Journal, JournalCorrupt, JournalUnreadable
    from kiosk.session_history import documents_by_type, recent_sessions
    from kiosk.settlement import daily_csv

    try:
        journal = Journal.read_only(args.path)  # a wrong path is refused, never created
    except (JournalUnreadable, JournalCorrupt) as exc:
        print(f"kiosk journal: {exc}", file=sys.stderr)
        return 2
    try:
        if args.totals:
            print(json.dumps({**journal.totals(), "cash_box": journal.cash_box(),
                              "documents": documents_by_type(journal)}, indent=2))
        elif args.csv:
            sys.stdout.write(daily_csv(journal, args.csv))
        elif args.sessions:
            for summary in recent_sessions(journal, args.sessions):
                print(summary.line())
        else:
            for entry in journal.tail(args.tail):
                print(entry.line())
    finally:
        journal.close()
    return 0


def cmd_refill_hopper(args: argparse.Namespace) -> int:
    """A technician refilled the hopper: journal the coins it now holds. The running kiosk reads its
    change from that count (kiosk.hopper_inventory), so a refill not journaled is change never offered."""
    import datetime as dt

    from kiosk.hopper_inventory import record_refill
    from kiosk.journal import Journal

    path = Path(args.path)
    if not path.is_file():
        print(f"no journal at {path}", file=sys.stderr)
        return 2
    if args.coin is None:
        # The hopper's coin is the booth's config, not a guess: a 500-won hopper refilled as 100-won coins
        # would promise a fifth of its change.
        from kiosk.booth.service_dirs import ServiceDirs
        from kiosk.config import ConfigError
        from kiosk.config_loader import CONFIG_DIR, load_config

        files = [*ServiceDirs.from_environment().site_config_for_tools(), *map(Path, args.config)]
        try:
            args.coin = load_config(CONFIG_DIR / "kiosk.toml", *files).cash.hopper_coin
        except ConfigError as exc:
            print(f"kiosk: configuration error: {exc} (or give --coin)", file=sys.stderr)
            return 2
    if args.coins < 0 or args.coin <= 0:
        print(f"a refill is a count of coins (>= 0) of a coin worth more than 0 won; got --coins {args.coins} "
              f"--coin {args.coin}", file=sys.stderr)
        return 2
    journal = Journal(path)
    try:
        now = dt.datetime.now().isoformat(timespec="milliseconds")
        record_refill(journal, coins=args.coins, coin=args.coin, at=now, source="kiosk refill-hopper")
        print(json.dumps({"hopper_coins": journal.totals().get("hopper_coins")}))
    finally:
        journal.close()
    return 0


def cmd_crashtest(args: argparse.Namespace) -> int:
    files = [Path(p) for p in args.files]
    logging.disable(logging.CRITICAL)  # a power cut per kill point makes a great deal of expected noise
    if args.in_process:
        from kiosk.rig.crashtest import crashtest

        points: list[Any] = asyncio.run(crashtest(files, every=args.every))
        how = "power cuts (in-process)"
    else:
        from kiosk.rig.crash_process import kill9_crashtest

        points = asyncio.run(kill9_crashtest(files, every=args.every, jobs=args.jobs, in_flight_ms=args.in_flight_ms))
        how = "kill -9 points"
    tested = [p for p in points if getattr(p, "reached", True)]
    bad = [p for p in tested if p.problems]
    scenarios = len({p.scenario for p in tested})
    print(f"{len(tested)} {how} in {scenarios} scenario{'' if scenarios == 1 else 's'}: "
          f"{len(tested) - len(bad)} recovered with the books balanced, {len(bad)} did not"
          + (f" ({len(points) - len(tested)} not reached)" if len(points) > len(tested) else ""))
    return 1 if bad or not tested else 0


def cmd_diagram(args: argparse.Namespace) -> int:
    from kiosk.rig.diagram import write_diagrams

    for path in write_diagrams(Path(args.out)):
        print(path)
    return 0


def cmd_diag(args: argparse.Namespace) -> int:
    from kiosk.booth.diag_cli import run

    return run(args.rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="run the scripted demo session")
    p.add_argument("--out", default="out/demo")
    p.add_argument("--lang", default=None, choices=LANGUAGES,
                   help="the language the booth greets in (default: the config's first); voice in out/demo/voice/")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("scenario", help="run scenario files")
    p.add_argument("files", nargs="+")
    p.add_argument("--out", default=None, help="save a PNG of every screen here")
    p.add_argument("--keep", default=None, metavar="DIR",
                   help="keep the journal: DIR/journal.sqlite3 (DIR/<scenario>.sqlite3 for several files), "
                        "for `kiosk journal --path`")
    p.set_defaults(func=cmd_scenario)

    p = sub.add_parser("run", help="run the kiosk for a person")
    devices = p.add_mutually_exclusive_group()
    devices.add_argument("--hardware", action="store_true",
                         help="production: real devices from the config, no simulators, no `kiosk tap`")
    devices.add_argument("--simulators", action="store_true",
                         help="production against a booth of simulators (no `kiosk tap`): a bench check")
    p.add_argument("--config", action="append", default=[], help="TOML files (later ones win)")
    p.add_argument("--until-ready", action="store_true",
                   help="exit 0 once the idle screen is up (bench); 3 if the journal was refused")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("sim", help="send a control command to a running simulator")
    p.add_argument("simulator", help="fingerprint, cctalk, receipt_printer, a4_printer, server, smartcard")
    p.add_argument("command", help="e.g. insert_coin, place_finger, empty_tray; 'help' lists them")
    p.add_argument("args", nargs="*", help="key=value (values are JSON: value=100, on=true)")
    p.set_defaults(func=cmd_sim)

    p = sub.add_parser("tap", help="touch a widget of the running kiosk's screen (headless `make run`)")
    p.add_argument("widget", help="a widget id, e.g. start, doc:resident_copy, key:9, ok (see `kiosk screen`)")
    p.set_defaults(func=cmd_touch)

    p = sub.add_parser("screen", help="show the running kiosk's current screen and its widgets")
    p.set_defaults(func=cmd_touch)

    p = sub.add_parser("journal", help="read the journal (technician)")
    p.add_argument("--path", default="run/journal.sqlite3")
    p.add_argument("--tail", type=int, default=20)
    p.add_argument("--totals", action="store_true")
    p.add_argument("--csv", metavar="YYYY-MM-DD", help="daily settlement totals as CSV")
    p.add_argument("--sessions", type=int, metavar="N", help="the last N sessions, one line each")
    p.set_defaults(func=cmd_journal)

    p = sub.add_parser("refill-hopper", help="journal a hopper refill: the coins it now holds (technician)")
    p.add_argument("--coins", type=int, required=True, help="coins in the hopper after the refill")
    p.add_argument("--coin", type=int, default=None,
                   help="the hopper's coin, in won (default: [cash] hopper_coin of the booth's config)")
    p.add_argument("--config", action="append", default=[], help="TOML files read after the booth's (later ones win)")
    p.add_argument("--path", default="run/journal.sqlite3")
    p.set_defaults(func=cmd_refill_hopper)

    p = sub.add_parser("crashtest", help="kill -9 the kiosk at every journal step; restart; check the books")
    p.add_argument("files", nargs="+")
    p.add_argument("--every", type=int, default=1, help="only every Nth kill point")
    p.add_argument("--jobs", type=int, default=2, help="kill points run at once (kill -9 form)")
    p.add_argument("--in-flight-ms", type=float, default=0.0,
                   help="kill this long after each journal step, in the middle of the action it announced")
    p.add_argument("--in-process", action="store_true",
                   help="cut the power inside one process instead of killing a kiosk process")
    p.set_defaults(func=cmd_crashtest)

    p = sub.add_parser("diag", help="the technician's tool (typer): kiosk diag --help", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_diag)

    p = sub.add_parser("diagram", help="write the state diagram")
    p.add_argument("--out", default="docs/state-diagram")
    p.set_defaults(func=cmd_diagram)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["diag"]:  # its own parser (typer): every option after `diag` is its own
        from kiosk.booth.diag_cli import run

        setup_logging(verbose=False)
        return run(argv[1:])
    args = build_parser().parse_args(argv)
    setup_logging(verbose=args.verbose)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())

"""Which part of the house may import which: one direction, checked on every file's source.

Every import counts: at the top, inside a function, and under `if TYPE_CHECKING:` (a type is a
dependency too). A failure names the file, the line, the import and the rule it breaks, with what to
do instead. The rules (the README's architecture section carries the same table):

    common               nothing of ours (the shared basics: clock, backoff, status, control socket, ...)
    drivers              common, drivers
    screens              common, kiosk.views (the view types), screens; the only part that imports pygame
    controller core      common, kiosk core, a driver's public API (its package: `from drivers.cash import X`)
      (kiosk/*.py)
    simulators           common, simulators, and the drivers' wire modules they share (SHARED_WIRE_MODULES)
    composition root     everything but the rig (kiosk.booth.cli may dispatch a subcommand to it) and bench
      (kiosk/booth/)
    test rig (kiosk/rig) everything but bench; screens only through screens.runner
    bench                everything
    kiosk/__main__.py    kiosk.booth.cli (`python -m kiosk`)

Only the composition root, the rig, bench and tests import simulators; pygame stays inside screens/.
No cycle among our modules: a package's __init__ re-exporting its own modules is not one (a module
that imports its own package's __init__ back would be).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("common", "drivers", "kiosk", "screens", "simulators", "bench")

# The drivers' wire modules the simulators share: the byte-level codecs (frames, APDUs, TLV, IPP), the
# errors those codecs raise, and the PC/SC wrapper the private pcscd is checked through. One spec in one
# place: a simulator with its own copy of a codec could drift from the driver's and both would stay green,
# while the codecs are pinned to the vendors' documents by their own golden-vector tests
# (tests/cash/test_cash_frames.py, tests/fingerprint/test_fp_frames.py, tests/card/, tests/a4_printer/).
# No client, transport or state machine of a driver is shared: a simulator talks to a driver only
# over the wire, as a device does.
SHARED_WIRE_MODULES = frozenset({
    "drivers.cash.frames",
    "drivers.fingerprint.frames_sfm",
    "drivers.fingerprint.frames_zfm",
    "drivers.card.apdu",
    "drivers.card.tlv",
    "drivers.card.errors",
    "drivers.card.pcsc",
    "drivers.a4_printer.ipp_codec",
    "drivers.keypad.codec",  # struct input_event, pinned to <linux/input.h> (tests/keypad/test_keypad_codec.py)
    "drivers.keypad.keymap",  # the key codes of <linux/input-event-codes.h> a keypad sends
    "drivers.card.technician",  # the technician applet's APDUs and the ISO 9564 PIN block
    "drivers.receipt_printer.printer_id",  # GS I's answer block (tests/maintenance/test_board_words.py)
    "drivers.io_module.registers",  # the I/O module's register map, one definition for both ends
    "drivers.io_module.rtu",  # Modbus RTU framing, pinned to the serial line spec (tests/io_module)
    "drivers.barcode_scanner.frames",  # the Honeywell serial command set (tests/barcode_scanner/test_scanner_frames.py)
})


@dataclass(frozen=True)
class Import:
    path: Path  # the importing file
    line: int
    module: str  # the importing module
    target: str  # the module imported (a submodule when `from package import submodule`)
    lazy: bool  # inside a function: runs only when the function does

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: imports {self.target}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _our_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


MODULES = {_module_name(p): p for p in _our_files()}


def _ours(name: str) -> bool:
    return name.split(".", maxsplit=1)[0] in PACKAGES


class _Collector(ast.NodeVisitor):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.module = _module_name(path)
        self.is_package = path.name == "__init__.py"
        self.depth = 0  # functions we are inside
        self.found: list[Import] = []

    def _add(self, node: ast.stmt, target: str) -> None:
        imp = Import(self.path, node.lineno, self.module, target, self.depth > 0)
        if imp not in self.found:  # `from x.y import A, B`: one import of x.y
            self.found.append(imp)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            package = self.module.split(".") if self.is_package else self.module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            self._add(node, sub if sub in MODULES else base)


def _imports() -> Iterator[Import]:
    for path in _our_files():
        collector = _Collector(path)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        yield from collector.found


IMPORTS = list(_imports())


def _part(module: str) -> str:
    top = module.split(".", maxsplit=1)[0]
    if top != "kiosk":
        return top
    if module == "kiosk.__main__":
        return "entry"
    if module.startswith("kiosk.booth"):
        return "booth"
    if module.startswith("kiosk.rig"):
        return "rig"
    return "core"


def _in(target: str, *packages: str) -> bool:
    return any(target == p or target.startswith(p + ".") for p in packages)


def _broken(imp: Import) -> str | None:
    """The rule `imp` breaks, with what to do instead; None when it keeps them all."""
    part, target = _part(imp.module), imp.target
    if _in(target, "pygame") and part != "screens":
        return ("pygame is imported only inside screens/: call the screens' public runner "
                "(screens.runner.ScreenRunner) or add a function to screens/ that does the drawing")
    if not _ours(target):
        return None
    target_part = _part(target)
    if part == "common":
        return ("common/ holds basics every part uses, so it imports nothing of ours: "
                "move what it needs into common/ too")
    if part == "drivers":
        if target_part not in ("common", "drivers"):
            return ("drivers import only common/ and drivers/: a driver knows nothing above it; "
                    "have the caller pass what the driver needs (a callback, a value)")
    elif part == "screens":
        if not (target_part in ("common", "screens") or target == "kiosk.views"):
            return ("screens import only common/, kiosk.views (the view types) and screens/: "
                    "what a screen shows must arrive in its View")
    elif part == "core":
        if target_part in ("common", "core"):
            return None
        if target_part == "drivers":
            if target.count(".") == 1:
                return None
            package = ".".join(target.split(".")[:2])
            return (f"the controller core uses a driver only through its public API, the package itself: "
                    f"`from {package} import ...` (export the name from {package.replace('.', '/')}/__init__.py), "
                    f"or a port in kiosk/ports.py")
        return ("the controller core imports only common/, kiosk core and the drivers' public API: never "
                "pygame, screens, simulators, kiosk.booth (the composition root) or kiosk.rig (the test rig); "
                "have the composition root (kiosk/booth/app.py) pass it in")
    elif part == "simulators":
        if target_part in ("common", "simulators") or target in SHARED_WIRE_MODULES:
            return None
        return ("simulators import only common/, simulators/ and the drivers' wire modules they share "
                "(SHARED_WIRE_MODULES in tests/test_import_rules.py): a simulator is a device, it meets "
                "the driver only over the wire and never knows the kiosk")
    elif part == "booth":
        if target_part == "rig":
            if imp.module == "kiosk.booth.cli" and imp.lazy:
                return None
            return ("the composition root never imports the test rig; only kiosk/booth/cli.py may, inside "
                    "the function of the subcommand that runs it (scenario, crashtest, diagram), so that "
                    "`kiosk run` never loads it")
        if target_part == "bench":
            return "the composition root never imports bench/"
    elif part == "rig":
        if target_part == "bench":
            return "the test rig never imports bench/ (bench builds on the rig, not the other way)"
        if target_part == "screens" and target not in ("screens", "screens.runner"):
            return "the test rig uses the screens only through their public runner, screens.runner"
    elif part == "entry" and target != "kiosk.booth.cli":
        return "kiosk/__main__.py only hands over to kiosk.booth.cli"
    if target_part == "simulators" and part not in ("booth", "rig", "bench", "simulators"):
        return "only kiosk.booth, kiosk.rig, bench and tests import simulators"
    return None


def test_every_import_follows_the_rules() -> None:
    broken = [f"{imp.where()}\n    rule: {why}" for imp in IMPORTS if (why := _broken(imp)) is not None]
    assert not broken, f"{len(broken)} import(s) against the import rules (tests/test_import_rules.py):\n" + "\n".join(
        broken)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle() -> None:
    edges: dict[str, set[str]] = {module: set() for module in MODULES}
    lines: dict[tuple[str, str], Import] = {}
    for imp in IMPORTS:
        if imp.target in MODULES and imp.target != imp.module:
            edges[imp.module].add(imp.target)
            lines.setdefault((imp.module, imp.target), imp)
    report = []
    for component in _cycles(edges):
        members = set(component)
        inside = [lines[(a, b)].where() for a in component for b in sorted(edges[a] & members)]
        report.append(f"cycle of {len(component)} modules: {', '.join(component)}\n    "
                      + "\n    ".join(inside))
    assert not report, ("modules that import each other, directly or round a circle (break it by moving what "
                        "both need into a module of its own, or by passing it in):\n" + "\n".join(report))


def test_the_rules_catch_what_they_forbid() -> None:
    """The checker itself: a few imports it must refuse and a few it must let through."""
    def verdict(module: str, target: str, *, lazy: bool = False) -> bool:
        return _broken(Import(ROOT / "x.py", 1, module, target, lazy)) is None

    assert not verdict("kiosk.till", "drivers.cash.client")
    assert verdict("kiosk.till", "drivers.cash")
    assert not verdict("kiosk.controller", "screens.runner")
    assert not verdict("kiosk.controller", "simulators.cctalk")
    assert not verdict("kiosk.controller", "kiosk.booth.app")
    assert not verdict("kiosk.controller", "pygame")
    assert not verdict("kiosk.rig.scenario", "pygame")
    assert verdict("screens.runner", "pygame")
    assert not verdict("screens.base", "kiosk.controller")
    assert not verdict("drivers.cash.client", "kiosk.views")
    assert not verdict("common.clock", "drivers.cash")
    assert not verdict("simulators.server.app", "kiosk.views")
    assert not verdict("simulators.fingerprint.device", "drivers.fingerprint.client")
    assert verdict("simulators.cctalk.devices", "drivers.cash.frames")
    assert not verdict("kiosk.booth.live", "kiosk.rig.scenario", lazy=True)
    assert not verdict("kiosk.booth.cli", "kiosk.rig.scenario")
    assert verdict("kiosk.booth.cli", "kiosk.rig.scenario", lazy=True)
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"p": {"p.m"}, "p.m": set()}) == []


def test_the_hardware_path_never_imports_a_simulator(tmp_path: Path) -> None:
    """`kiosk run --hardware` (the systemd unit's command) up to READY, out of service on devices that are
    not there, with Python listing every module it imports: not one of simulators/ or kiosk.rig."""
    from simulators.server.pki import generate_pki  # the test process may; the kiosk under test may not

    generate_pki(tmp_path / "pki")
    site = tmp_path / "site.toml"
    site.write_text(f"""
[server]
base_url = "https://127.0.0.1:9"
pki_dir = "{tmp_path / 'pki'}"
[fingerprint]
port = "{tmp_path / 'no-fingerprint'}"
[cash]
port = "{tmp_path / 'no-cctalk'}"
[receipt_printer]
endpoint = "tcp://127.0.0.1:9"
[a4_printer]
uri = "ipp://127.0.0.1:9/ipp/print"
[journal]
path = "{tmp_path / 'journal.sqlite3'}"
""")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "KIOSK_RUN_DIR": str(tmp_path / "run"),
           "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "kiosk", "run", "--hardware", "--until-ready",
                           "--config", str(site)], capture_output=True, text=True, timeout=60, check=False,
                          env=env, cwd=tmp_path)
    imported = [line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:") and "|" in line]
    assert done.returncode == 0, done.stderr[-3000:]
    assert "kiosk.booth.live" in imported and "kiosk.controller" in imported  # it did run the kiosk
    assert [m for m in imported if _in(m, "simulators", "kiosk.rig", "bench")] == []


@pytest.mark.parametrize("part", ["kiosk.controller", "kiosk.booth.app"])
def test_importing_the_core_and_app_loads_no_pygame_or_simulator(part: str) -> None:
    """What the import rules promise, seen at run time: importing the controller (or the app that wires it)
    loads neither pygame nor a simulator."""
    code = (f"import sys, {part}; "
            "print([m for m in sys.modules if m.split('.')[0] in ('pygame', 'simulators', 'screens')])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert done.stdout.strip() == "[]"

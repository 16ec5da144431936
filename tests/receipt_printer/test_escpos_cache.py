"""python-escpos caches its parsed capabilities in a pickle it writes in place: a second process importing
it at that moment read an empty file (EOFError) and two `make test` on one machine failed at collection.
The kiosk writes that cache itself, whole, with an atomic rename, in a directory of its own installation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMPORT_THE_DRIVER = "import drivers.receipt_printer, escpos.capabilities as c; assert c.CAPABILITIES['profiles']"


def _imports_at_once(cache_home: Path, count: int) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONPATH": str(ROOT)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    starts = [subprocess.Popen([sys.executable, "-c", IMPORT_THE_DRIVER], env=env, cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(count)]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=60), *p.communicate()) for p in starts]


def test_processes_importing_the_driver_at_once_all_read_a_whole_cache(tmp_path: Path) -> None:
    first = _imports_at_once(tmp_path, 1)
    assert first[0].returncode == 0, first[0].stderr
    (pickle,) = (tmp_path / "civil-kiosk" / "escpos").glob("*/*.capabilities.pickle")
    os.utime(pickle, (0, 0))  # older than the capabilities file: every process below rewrites it
    for done in _imports_at_once(tmp_path, 6):
        assert done.returncode == 0, done.stderr[-1500:]
    assert pickle.stat().st_size > 1000
    assert not [p for p in pickle.parent.iterdir() if p.name.startswith(".capabilities-")]  # no half-written left

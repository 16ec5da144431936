"""Where a running kiosk keeps its sockets, journal, site config and caches.

Under the shipped unit (systemd/kiosk.service) the system is read-only (``ProtectSystem=strict``) and
the working directory is the installed code: the only places the kiosk may write are the directories
systemd creates for it and names in the environment. So the kiosk reads them from there:

- ``RUNTIME_DIRECTORY`` (``/run/kiosk``): the run-dir lock and the control sockets (and, with
  ``--simulators``, the simulators' PTY links and spools);
- ``STATE_DIRECTORY`` (``/var/lib/kiosk``): the journal, the one file that must survive a reboot;
- ``CONFIGURATION_DIRECTORY`` (``/etc/kiosk``): the booth's ``site.toml``, read after the shipped
  defaults;
- ``CACHE_DIRECTORY`` (``/var/cache/kiosk``): ``XDG_CACHE_HOME`` for libraries that cache (fonts).

Logs go to stderr, which journald keeps (``journalctl -u kiosk``); nothing is written to
``LOGS_DIRECTORY``. Without these variables (a developer's checkout) everything lives in ``run/``
under the current directory, as before; ``KIOSK_RUN_DIR`` overrides the run directory in both cases.

The control sockets let in only the kiosk's own user and the technicians' group
(``KIOSK_CONTROL_GROUP``, ``kiosk-tech`` in the unit): sockets 0660 and the directories 0750, both
owned by that group (no group set: the kiosk's own). A group the kiosk cannot use (absent, or the
kiosk is not a member) is logged and the sockets stay owner-only: a booth that serves residents
matters more than a technician's status socket.
"""

from __future__ import annotations

import grp
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

CONTROL_GROUP_VARIABLE = "KIOSK_CONTROL_GROUP"
SITE_CONFIG_NAME = "site.toml"
JOURNAL_NAME = "journal.sqlite3"
# Where the shipped unit's RuntimeDirectory= lands: technicians' `kiosk screen` looks here last.
INSTALLED_RUN_DIR = Path("/run/kiosk")
# Where the installed unit reads its site.toml (ConfigurationDirectory=kiosk), for commands run over SSH.
INSTALLED_CONFIG_DIR = Path("/etc/kiosk")
SOCKET_MODE = 0o660
DIR_MODE = 0o750
# Sockets that stay owner-only (0600) whatever the group: `kiosk diag` enters maintenance with no card,
# so its socket is for the kiosk's user and root (kiosk/booth/diag_socket.py).
OWNER_ONLY_SOCKETS = frozenset({"diag.sock"})


def _first(value: str | None) -> Path | None:
    """systemd joins several directories of one kind with ':'; the unit declares one of each."""
    return Path(value.split(":")[0]) if value else None


@dataclass(frozen=True)
class ServiceDirs:
    run: Path
    state: Path | None
    configuration: Path | None
    cache: Path | None
    control_group: str | None

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> ServiceDirs:
        env = os.environ if env is None else env
        explicit = env.get("KIOSK_RUN_DIR")
        run = Path(explicit) if explicit else (_first(env.get("RUNTIME_DIRECTORY")) or Path("run"))
        return cls(run=run, state=_first(env.get("STATE_DIRECTORY")),
                   configuration=_first(env.get("CONFIGURATION_DIRECTORY")),
                   cache=_first(env.get("CACHE_DIRECTORY")),
                   control_group=env.get(CONTROL_GROUP_VARIABLE) or None)

    def journal_path(self) -> Path:
        """Under systemd, the state directory (the only writable place that survives a reboot; the config's
        ``journal.path`` is for `--hardware` by hand); a developer's simulated booth keeps it in ``run/``."""
        return (self.state or self.run) / JOURNAL_NAME

    def site_config(self) -> list[Path]:
        """The booth's own config under systemd: required there, as a booth must not run on the examples."""
        return [] if self.configuration is None else [self.configuration / SITE_CONFIG_NAME]

    def site_config_for_tools(self) -> list[Path]:
        """The booth's site.toml for a technician's command: systemd's, else the installed one if present."""
        if self.configuration is not None:
            return self.site_config()
        installed = INSTALLED_CONFIG_DIR / SITE_CONFIG_NAME
        return [installed] if installed.is_file() else []


def control_run_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    """Where `kiosk screen` / `kiosk tap` look for a running kiosk: this shell's run directory, then the
    installed unit's (a technician over SSH has no RUNTIME_DIRECTORY)."""
    first = ServiceDirs.from_environment(env).run
    return [first] if first == INSTALLED_RUN_DIR else [first, INSTALLED_RUN_DIR]


def _group_id(group: str) -> int | None:
    try:
        return int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
    except KeyError:
        return None


def restrict_to_group(run_dir: Path, group: str | None) -> None:
    """Sockets under `run_dir` 0660 and their directories 0750, owned by `group` (when it can be used).

    Called once every socket is bound. Under the unit's UMask=0077 a socket is born 0700, so there is
    no moment when it was open wider than this.
    """
    gid: int | None = None
    usable = True  # False: a group was asked for and cannot be used, so sockets stay owner-only
    if group is not None:
        gid = _group_id(group)
        if gid is None:
            log.warning("control group %r does not exist: the control sockets stay owner-only", group)
            usable = False
    every_socket = sorted(run_dir.rglob("*.sock"))
    for path in every_socket:
        if path.name in OWNER_ONLY_SOCKETS:
            os.chmod(path, 0o600)
    sockets = [path for path in every_socket if path.name not in OWNER_ONLY_SOCKETS]
    dirs = sorted({run_dir, *(s.parent for s in every_socket)})
    if gid is not None:
        try:
            for path in [*dirs, *sockets]:
                os.chown(path, -1, gid)
        except PermissionError:
            log.warning("cannot give the control sockets to group %r (is the kiosk's user a member? "
                        "SupplementaryGroups=): they stay owner-only", group)
            usable = False
    for path in dirs:
        os.chmod(path, DIR_MODE)
    for path in sockets:
        os.chmod(path, SOCKET_MODE if usable else 0o600)

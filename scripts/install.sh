#!/usr/bin/env bash
# `make install`: the kiosk as a city installs it on a booth.
#   code + venv  -> $PREFIX (/opt/kiosk), read-only to the service
#   site config  -> /etc/kiosk/site.toml (the example, only if the booth has none), /etc/kiosk/pki (0750 root:kiosk)
#   unit         -> $UNITDIR/kiosk.service (/etc/systemd/system), and kiosk.service.d/network.conf: the
#                   IP allow list for this booth's server, printers and resolvers (python -m kiosk.booth.network_allow)
#   logs         -> $JOURNALDDIR/kiosk.conf (/etc/systemd/journald.conf.d): journald keeps 200 MB, a year
#   users        -> the kiosk user/group and the technicians' group kiosk-tech, if absent (not with DESTDIR)
# DESTDIR=/some/root stages everything there (for a package) and builds no venv: a venv is not
# relocatable, so the package's postinst runs `VENV=$PREFIX/.venv $PREFIX/scripts/bootstrap.sh` on the booth.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/opt/kiosk}
DESTDIR=${DESTDIR:-}
UNITDIR=${UNITDIR:-/etc/systemd/system}
JOURNALDDIR=${JOURNALDDIR:-/etc/systemd/journald.conf.d}
CONFDIR=/etc/kiosk            # fixed: the unit's ConfigurationDirectory=kiosk
KIOSK_USER=kiosk
TECH_GROUP=kiosk-tech
PYTHON=${PYTHON:-python3}
root="$DESTDIR"
step() { echo "install: $*" >&2; }

# 0. The compiled message catalogs (`make catalogs`; build output, not in git): the booth reads them with
#    the standard library's gettext and stops at start, naming `make catalogs`, without them.
if "$PYTHON" -c "import babel" 2>/dev/null; then
  have_babel=1
elif ls common/locale/*/LC_MESSAGES/messages.mo >/dev/null 2>&1; then
  have_babel=0
else
  echo "install: no compiled message catalogs and no Babel to make them: run 'make catalogs' first" >&2
  exit 1
fi

# 1. The code: the project's own files only (no venv, caches, run/ or out/ of this checkout).
step "code -> $root$PREFIX"
install -d -m 0755 "$root$PREFIX"
CODE="common kiosk drivers screens simulators config scripts systemd docs pyproject.toml README.md"
for part in $CODE; do rm -rf "$root${PREFIX:?}/$part"; done   # no module of an older version lingers; .venv stays
tar -c --exclude=__pycache__ --exclude='*.pyc' --exclude=.venv --exclude=run --exclude=out \
    --exclude='.*_cache' --exclude='*.egg-info' \
    $CODE | tar -x --no-same-owner -C "$root$PREFIX"
# Compiled in the installed copy, never in this checkout: a kiosk started from the checkout meanwhile (a
# test beside `make install`'s) read a catalog half rewritten and stopped.
if [ "$have_babel" = 1 ]; then
  step "catalogs: common/locale/*/LC_MESSAGES/messages.po -> .mo"
  "$PYTHON" -m babel.messages.frontend -q compile -d "$root$PREFIX/common/locale" -D messages
fi
chmod -R u+rwX,go+rX,go-w "$root$PREFIX"

# 2. The venv, built in place by the project's own bootstrap (not with DESTDIR: see above).
if [ -z "$DESTDIR" ]; then
  step "venv -> $PREFIX/.venv (scripts/bootstrap.sh)"
  VENV="$PREFIX/.venv" "$PREFIX/scripts/bootstrap.sh"
  ln -sf "$PREFIX/.venv/bin/kiosk" /usr/local/bin/kiosk   # `kiosk screen` for technicians
  PY="$PREFIX/.venv/bin/python"
else
  step "DESTDIR set: no venv; on the booth run: VENV=$PREFIX/.venv $PREFIX/scripts/bootstrap.sh"
  PY="$PYTHON"
fi

# 3. The booth's config: never overwritten.
install -d -m 0755 "$root$CONFDIR"
if [ ! -e "$root$CONFDIR/site.toml" ]; then
  step "example config -> $CONFDIR/site.toml (edit it before the first start)"
  install -m 0644 config/site.example.toml "$root$CONFDIR/site.toml"
else
  step "$CONFDIR/site.toml exists: kept"
fi
install -d -m 0750 "$root$CONFDIR/pki"

# 4. The users, before anything is given to them.
if [ -z "$DESTDIR" ]; then
  getent group "$KIOSK_USER" >/dev/null || { step "group $KIOSK_USER"; groupadd --system "$KIOSK_USER"; }
  getent group "$TECH_GROUP" >/dev/null || { step "group $TECH_GROUP (technicians: usermod -aG $TECH_GROUP NAME)"; groupadd --system "$TECH_GROUP"; }
  getent passwd "$KIOSK_USER" >/dev/null || {
    step "user $KIOSK_USER"
    useradd --system --gid "$KIOSK_USER" --home-dir /var/lib/kiosk --no-create-home --shell /usr/sbin/nologin \
      --comment "civil-document kiosk" "$KIOSK_USER"
  }
  chgrp "$KIOSK_USER" "$CONFDIR/pki"
fi

# 5. The unit (paths follow PREFIX) and this booth's network allow list.
step "unit -> $UNITDIR/kiosk.service"
install -d -m 0755 "$root$UNITDIR/kiosk.service.d"
sed "s#/opt/kiosk#$PREFIX#g" systemd/kiosk.service > "$root$UNITDIR/kiosk.service"
chmod 0644 "$root$UNITDIR/kiosk.service"
step "network allow list -> $UNITDIR/kiosk.service.d/network.conf"
PYTHONPATH="$root$PREFIX" "$PY" -m kiosk.booth.network_allow --config "$root$CONFDIR/site.toml" \
  > "$root$UNITDIR/kiosk.service.d/network.conf"
chmod 0644 "$root$UNITDIR/kiosk.service.d/network.conf"

step "log size bound -> $JOURNALDDIR/kiosk.conf (journald: 200 MB, a year)"
install -d -m 0755 "$root$JOURNALDDIR"
install -m 0644 systemd/journald-kiosk.conf "$root$JOURNALDDIR/kiosk.conf"

if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi
step "done. Next: edit $CONFDIR/site.toml, put the client certificate in $CONFDIR/pki, then"
step "  make network-allow (if the server or printers changed) && systemctl enable --now kiosk"

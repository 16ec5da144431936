#!/usr/bin/env bash
# Sets up everything `make demo` and `make test` need on a fresh Debian machine:
# the Debian packages (only when root and only what is missing) and the project's venv.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

# Debian packages: pcscd + vpcd (virtual smart card reader), ippeveprinter (IPP printer),
# swig + libpcsclite-dev (pyscard compiles), dbus (ippeveprinter needs a bus), graphviz (state diagram),
# poppler-utils (PDF -> PNG for the README gallery), socat (PTY pairs for manual sessions),
# systemd (systemd-analyze checks the unit file; no running systemd is needed).
APT_PACKAGES="pcscd vsmartcard-vpcd libpcsclite-dev swig pcsc-tools cups-ipp-utils dbus socat graphviz poppler-utils systemd"
missing=""
for pkg in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing Debian packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "bootstrap: missing Debian packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
"$VENV/bin/python" -m pip install -q -e ".[test]" 2> >(grep -v "^WARNING: Location" >&2)
touch "$VENV/.installed"

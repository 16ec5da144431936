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
# systemd (systemd-analyze checks the unit file; no running systemd is needed),
# espeak-ng (the offline voice guidance: Korean, English, Mandarin, Vietnamese) and alsa-utils (aplay plays it),
# chromium (the public status page is tested in a real browser, driven by Playwright without a browser download).
APT_PACKAGES="pcscd vsmartcard-vpcd libpcsclite-dev swig pcsc-tools cups-ipp-utils dbus socat graphviz poppler-utils systemd espeak-ng alsa-utils chromium"
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
# Exactly the versions and files in the lock (pip itself included): every hash must match, and a
# dependency missing from the lock is an error rather than a fresh download. pyscard has no Linux
# wheel and compiles here, with swig and libpcsclite-dev from above.
"$VENV/bin/python" -m pip install -q --require-hashes -r requirements.lock 2> >(grep -v "^WARNING: Location" >&2)
# The project itself, editable, adding nothing: all it needs came from the lock, its build backend
# (setuptools) too, so no unpinned build environment is downloaded.
"$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e . 2> >(grep -v "^WARNING: Location" >&2)
# A dependency added to pyproject.toml but not locked yet (`make lock`) shows here.
"$VENV/bin/python" -m pip check >/dev/null || { "$VENV/bin/python" -m pip check >&2; \
  echo "bootstrap: the lock does not satisfy pyproject.toml: run make lock" >&2; exit 1; }
touch "$VENV/.installed"

# The two commands: `make demo` and `make test`. Both set everything up themselves.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export SDL_VIDEODRIVER ?= dummy
export SDL_AUDIODRIVER ?= dummy
export PYGAME_HIDE_SUPPORT_PROMPT := 1

.PHONY: setup demo run test lint unit bench soak crashtest diagram docs gallery clean lock audit catalogs catalogs-update fonts

# Every dependency pinned with its hashes (Linux x86_64 and aarch64, Python 3.11): two booths installed a
# week apart run the same code. requirements.lock is what the venv gets (tests and tools included);
# requirements-booth.lock is the kiosk's own share of it, for an installed booth.
LOCK := requirements.lock
BOOTH_LOCK := requirements-booth.lock
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" --quiet

$(STAMP): pyproject.toml $(LOCK) scripts/bootstrap.sh
	VENV=$(VENV) ./scripts/bootstrap.sh

setup: $(STAMP)

# The resident's words: gettext catalogs managed with Babel (common/messages.py declares, common/locale/ holds
# the template and one .po per language). `make catalogs` compiles them (.mo: build output, not committed);
# `make catalogs-update` re-extracts the template after common/messages.py changed and merges it into every
# .po (then translate what came in empty: tests/test_catalogs.py fails until none is missing or fuzzy).
LOCALE := common/locale
CATALOG_PO := $(wildcard $(LOCALE)/*/LC_MESSAGES/messages.po)
CATALOG_MO := $(CATALOG_PO:.po=.mo)
BABEL_EXTRACT := -F babel.cfg --no-default-keywords -k P_:1c,2 --no-location --project=civil-kiosk \
	--copyright-holder="civil-kiosk contributors"

catalogs: $(CATALOG_MO)

$(LOCALE)/%/LC_MESSAGES/messages.mo: $(LOCALE)/%/LC_MESSAGES/messages.po | $(STAMP)
	$(VENV)/bin/pybabel -q compile -i $< -o $@ -l $*

catalogs-update: $(STAMP)
	$(VENV)/bin/pybabel -q extract $(BABEL_EXTRACT) -o $(LOCALE)/messages.pot .
	$(VENV)/bin/pybabel -q update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages --ignore-pot-creation-date \
		--no-fuzzy-matching

# The fonts, subset to what the catalogs (and Korean place and document names) need, from Noto Sans CJK SC
# (apt: fonts-noto-cjk). The subsets are committed, so only a change of words needs this (a test says when).
fonts: $(STAMP)
	$(PY) scripts/subset_fonts.py

demo: $(STAMP) catalogs
	$(PY) -m kiosk demo --out out/demo $(if $(DEMO_LANG),--lang $(DEMO_LANG))

# A window when a display is present (mouse = touch), headless otherwise.
run: $(STAMP) catalogs
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then SDL_VIDEODRIVER= $(PY) -m kiosk run; else $(PY) -m kiosk run; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check common kiosk drivers simulators screens bench tests
	$(VENV)/bin/mypy

# The suite on every core (pytest-xdist; CI has two): each worker has its own pcscd, ports and temp dirs.
PYTEST_WORKERS ?= auto
unit: $(STAMP) catalogs
	$(VENV)/bin/pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS)

test: lint unit

# kill -9 the kiosk process after every journal step of these sessions, restart it, check the books;
# then again 40 ms after every step, in the middle of the action it announced.
# CRASH_ARGS="--every 3" samples; "--in-process" cuts the power inside one process instead (faster).
CRASH_SCENARIOS ?= scenarios/demo.toml scenarios/cancel_refund.toml scenarios/cash_bill_change.toml \
	scenarios/cash_print_fails_refund.toml scenarios/print_jam.toml scenarios/card_approve.toml \
	scenarios/print_slow_printer.toml scenarios/print_tray_empty_mid_job.toml
crashtest: $(STAMP)
	$(PY) -m kiosk crashtest $(CRASH_SCENARIOS) $(CRASH_ARGS)
	$(PY) -m kiosk crashtest $(CRASH_SCENARIOS) --in-flight-ms 40 $(CRASH_ARGS)

bench: $(STAMP) catalogs
	$(PY) -m bench

# A month in a day: 10,000 sessions (faults sprinkled) on the virtual clock through the real controller and
# simulators; `make bench` runs 1,000. Exits non-zero when a figure misses its target.
soak: $(STAMP) catalogs
	$(PY) -m bench --only soak --soak-sessions 10000

diagram: $(STAMP)
	$(PY) -m kiosk diagram --out docs/state-diagram

# Documents generated from the code: the state diagram (also in the README) and docs/simulators.md.
docs: diagram
	$(PY) -m simulators.catalog

# Refresh docs/gallery (the README's pictures) from a fresh demo run.
gallery: demo catalogs
	$(PY) scripts/update_gallery.py

# Re-resolve the locks to the newest versions pyproject.toml allows (LOCK_ARGS="--upgrade-package httpx" for one,
# LOCK_ARGS= to only add what pyproject.toml gained), then reinstall the venv from them.
LOCK_ARGS ?= --upgrade
lock:
	@test -x $(VENV)/bin/uv || VENV=$(VENV) ./scripts/bootstrap.sh || test -x $(VENV)/bin/uv
	$(UV_COMPILE) --extra test --extra tools $(LOCK_ARGS) -o $(LOCK)
	$(UV_COMPILE) --constraint $(LOCK) -o $(BOOTH_LOCK)
	VENV=$(VENV) ./scripts/bootstrap.sh

# Known vulnerabilities in every pinned version, from PyPI's advisory data. --strict: a package the database
# cannot answer for fails the audit rather than being skipped (behind an index mirror without PyPI's JSON API,
# every package is "not found", and the audit must say it did not run, not "no known vulnerabilities").
audit: $(STAMP)
	@$(VENV)/bin/pip-audit --strict --require-hashes --disable-pip --progress-spinner off -r $(LOCK) || { \
	  echo "audit: NOT completed or vulnerabilities found (above). 'Dependency not found on PyPI' for every" \
	       "package means PyPI's vulnerability data was unreachable from here: run make audit where it is." >&2; \
	  exit 1; }

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache

# A booth's install (scripts/install.sh): code and venv in PREFIX, /etc/kiosk/site.toml, the unit and
# its network allow list, the kiosk user and the technicians' group. DESTDIR stages for a package.
PREFIX ?= /opt/kiosk
UNITDIR ?= /etc/systemd/system
.PHONY: install network-allow
# With DESTDIR no venv is built: the staged network allow list is written with this checkout's venv.
install: catalogs
	PYTHON=$(if $(wildcard $(PY)),$(abspath $(PY)),python3) PREFIX=$(PREFIX) UNITDIR=$(UNITDIR) DESTDIR=$(DESTDIR) \
		./scripts/install.sh

# Rewrite the unit's IP allow list after the server's address or the booth's config changed.
network-allow:
	$(PREFIX)/.venv/bin/python -m kiosk.booth.network_allow --config /etc/kiosk/site.toml \
		> $(DESTDIR)$(UNITDIR)/kiosk.service.d/network.conf
	systemctl daemon-reload

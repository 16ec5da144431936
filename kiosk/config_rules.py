"""What each configuration value means, checked after the files are merged.

A value can be well typed and still wrong for a booth: `payment = inf` holds a resident's coins
forever, `hopper_coin = 0` divides by zero in the change logic, an `http://` server sends the
catalog in plain text. Each bound below says why it is there, so a technician who hits one knows
whether to change the value or the bound. Errors name the key; `load_config` adds the file.
"""

from __future__ import annotations

import math
import re
import urllib.parse

from common.languages import LANGUAGES
from kiosk.config import KioskConfig, _KeyProblem

# (low, high, why) per timeout, in seconds.
TIMEOUT_BOUNDS: dict[str, tuple[float, float, str]] = {
    "screen": (10.0, 600.0, "a person needs at least 10 s to read a screen; past 10 min a walk-away holds the booth"),
    "payment": (30.0, 900.0, "counting coins takes at least 30 s; past 15 min a walk-away's coins stay held"),
    "grace": (5.0, 300.0, "'more time?' needs at least 5 s to answer; past 5 min the next person waits on nobody"),
    "done": (3.0, 300.0, "the result must be readable (3 s) and the booth free again within 5 min"),
    "device_response": (0.05, 30.0, "a serial device answers in milliseconds (under 50 ms a busy bus looks "
                        "offline); past 30 s a dead device blocks the resident"),
    "media_wait": (10.0, 3600.0, "a technician needs time to load paper, but a paid fee must not wait past an hour"),
}
# How much longer the limits get for a resident using voice or the keypad: not shorter than for
# anyone else, and past 5x a walk-away holds the booth (and its coins) for too long.
ASSISTED_FACTOR_BOUNDS = (1.0, 5.0)
# The help line as dialled: digits and hyphens, from a short city number (120) to a full one.
HELP_PHONE_RE = re.compile(r"^[0-9][0-9-]{1,18}[0-9]$")
HELP_HOLD_BOUNDS = (60.0, 1800.0)
COINS = (10, 50, 100, 500)
BILLS = (1000, 5000, 10000, 50000)
CCTALK_CHANNELS = range(1, 17)  # ccTalk acceptors report credits on channels 1-16
# A kiosk fee is a few hundred won; above the largest bill is a typo (an extra zero or two).
MAX_FEE = 50000
MAX_COPIES = 20  # one session's copies must fit the A4 tray (and the resident's patience)
FINGERPRINT_BAUDRATES = (0, 9600, 19200, 38400, 57600, 115200)  # 0: the sensor family's default
# The fingers a booth may ask for and where its sensor may sit: the fingerprint screen has words
# and a picture for each (tests/screens checks it).
FINGERS = ("right_index", "left_index", "right_thumb", "left_thumb", "any")
SENSOR_POSITIONS = ("below-screen-right", "below-screen-left", "below-screen-center", "right-of-screen")
# The reach band of the accessibility criteria (MSIT 검증기준): controls 400-1,220 mm above the floor.
REACH_LOW_MM, REACH_HIGH_MM = 400.0, 1220.0


def _bounded(key: tuple[str, ...], value: float, low: float, high: float, why: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise _KeyProblem(key, f"{value!r} is not a finite number ({why})")
    if not low <= value <= high:
        raise _KeyProblem(key, f"{value!r} is outside {low:g}..{high:g} ({why})")


def check_meaning(config: KioskConfig) -> None:
    """Raise `_KeyProblem` naming the first value that is wrong for a booth."""
    _check_kiosk(config)
    for name, (low, high, why) in TIMEOUT_BOUNDS.items():
        _bounded(("timeouts", name), getattr(config.timeouts, name), low, high, why)
    _bounded(("timeouts", "assisted_factor"), config.timeouts.assisted_factor, *ASSISTED_FACTOR_BOUNDS,
             "voice and keypad users get at least everyone's time; past 5x a walk-away holds the booth")
    _check_help(config)
    _check_ui(config)
    _check_devices(config)
    _check_keypad(config)
    _check_cash(config)
    _check_server(config)
    _check_voice(config)
    _check_maintenance(config)
    _check_operations(config)
    _check_hours(config)
    _check_sensors(config)
    for code, doc in config.documents.items():
        key = ("documents", code)
        if not 0 <= doc.fee <= MAX_FEE:
            raise _KeyProblem((*key, "fee"),
                              f"{doc.fee} is outside 0..{MAX_FEE} won (a kiosk fee is a few hundred won)")
        if doc.fee % min(COINS):
            raise _KeyProblem((*key, "fee"), f"{doc.fee} is not a multiple of {min(COINS)} won (the smallest coin)")
        if not 1 <= doc.max_copies <= MAX_COPIES:
            raise _KeyProblem((*key, "max_copies"), f"{doc.max_copies} is outside 1..{MAX_COPIES}")
        for lang, title in (("title_ko", doc.title_ko), ("title_en", doc.title_en)):
            if not title.strip():
                raise _KeyProblem((*key, lang), "empty: the resident chooses the document by this title")


def _check_kiosk(config: KioskConfig) -> None:
    k = config.kiosk
    if not k.id.strip():
        raise _KeyProblem(("kiosk", "id"), "empty: the server and the journal know the booth by it")
    if not k.name.strip():
        raise _KeyProblem(("kiosk", "name"), "empty: every screen's header shows it")
    if not k.languages:
        raise _KeyProblem(("kiosk", "languages"),
                          "empty: the screens need at least one language (the first is the default)")
    for index, code in enumerate(k.languages):
        key = ("kiosk", f"languages[{index}]")
        if code not in LANGUAGES:  # the languages the booth has catalogs and fonts for (common/languages.py)
            raise _KeyProblem(key, f"{code!r} is not a language code the kiosk knows ({', '.join(LANGUAGES)})")
        if code in k.languages[:index]:
            raise _KeyProblem(key, f"{code!r} is listed twice")
    if k.hours != "24h" and not _valid_hours(k.hours):
        raise _KeyProblem(("kiosk", "hours"),
                          f"{k.hours!r} is neither '24h' nor 'HH:MM-HH:MM' with two different times")


def _valid_hours(text: str) -> bool:
    try:
        start, end = text.split("-")
        minutes = []
        for part in (start, end):
            hh, mm = part.split(":")
            if len(hh) != 2 or len(mm) != 2 or not (hh + mm).isdigit():
                return False
            if not (0 <= int(hh) <= 24 and 0 <= int(mm) < 60) or (int(hh) == 24 and int(mm)):
                return False
            minutes.append(int(hh) * 60 + int(mm))
    except ValueError:
        return False
    return minutes[0] != minutes[1]


def _check_help(config: KioskConfig) -> None:
    phone = config.help.phone
    if not HELP_PHONE_RE.match(phone):
        raise _KeyProblem(("help", "phone"), f"{phone!r} is not a phone number of digits and hyphens "
                          "(e.g. 1588-0000): the help prompt tells a resident who cannot finish to call it")
    _bounded(("help", "hold"), config.help.hold, *HELP_HOLD_BOUNDS,
             "a call to the help line needs at least a minute; past 30 min a walk-away holds the booth")


def _check_ui(config: KioskConfig) -> None:
    ui = config.ui
    for name, value in (("width", ui.width), ("height", ui.height)):
        _bounded(("ui", name), value, 240, 7680, "pixels of a real panel, from a small display to 8K")
    _bounded(("ui", "scale"), ui.scale, 0.5, 4.0, "below half size nobody reads the text; past 4x nothing fits")
    for name, mm in (("panel_width_mm", ui.panel_width_mm), ("panel_height_mm", ui.panel_height_mm)):
        _bounded(("ui", name), mm, 50.0, 2000.0, "the active area of a real panel, 5 cm to 2 m")
    ratio = (ui.panel_width_mm / ui.width) / (ui.panel_height_mm / ui.height)
    if not 0.95 <= ratio <= 1.05:
        raise _KeyProblem(("ui", "panel_height_mm"), f"{ui.panel_width_mm:g} x {ui.panel_height_mm:g} mm does not "
                          f"match {ui.width} x {ui.height} px (pixels are square: text would be the wrong size)")
    half = ui.panel_height_mm / 2
    _bounded(("ui", "panel_bottom_mm"), ui.panel_bottom_mm, max(0.0, REACH_LOW_MM - half), REACH_HIGH_MM - half,
             "at least half the panel must lie 400-1,220 mm above the floor, where every control has to be")


def _check_devices(config: KioskConfig) -> None:
    fp = config.fingerprint
    if not 1 <= fp.max_attempts <= 10:
        raise _KeyProblem(("fingerprint", "max_attempts"),
                          f"{fp.max_attempts} is outside 1..10 (0 tries lets nobody in; the server caps tries anyway)")
    if fp.baudrate not in FINGERPRINT_BAUDRATES:
        raise _KeyProblem(("fingerprint", "baudrate"),
                          f"{fp.baudrate} is not one of {', '.join(map(str, FINGERPRINT_BAUDRATES))}")
    if fp.finger not in FINGERS:
        raise _KeyProblem(("fingerprint", "finger"), f"{fp.finger!r} is not one of {', '.join(FINGERS)}")
    if fp.sensor_position not in SENSOR_POSITIONS:
        raise _KeyProblem(("fingerprint", "sensor_position"),
                          f"{fp.sensor_position!r} is not one of {', '.join(SENSOR_POSITIONS)}")
    for key, port in ((("fingerprint", "port"), fp.port), (("cash", "port"), config.cash.port)):
        if not port.strip():
            raise _KeyProblem(key, "empty: name the serial device (e.g. /dev/serial/by-id/...)")
    from drivers.receipt_printer import EndpointError, parse_endpoint  # the driver only when a config is checked

    try:
        parse_endpoint(config.receipt_printer.endpoint)
    except (EndpointError, ValueError) as exc:
        raise _KeyProblem(("receipt_printer", "endpoint"), str(exc)) from None
    uri = _url(("a4_printer", "uri"), config.a4_printer.uri)
    if uri.scheme not in ("ipp", "ipps") or not uri.hostname:
        raise _KeyProblem(("a4_printer", "uri"), f"{config.a4_printer.uri!r} is not an ipp:// or ipps:// printer URI")


def _check_keypad(config: KioskConfig) -> None:
    keypad = config.keypad
    if not keypad.enabled:
        return
    for name, path in (("device", keypad.device), ("jack_device", keypad.jack_device)):
        if name == "jack_device" and not path:
            continue
        if not path.startswith("/"):
            raise _KeyProblem(("keypad", name), f"{path!r}: name the event node by its absolute path "
                              "(e.g. /dev/input/by-id/usb-...-event-kbd)")
    if keypad.jack_device and keypad.jack_device == keypad.device:
        raise _KeyProblem(("keypad", "jack_device"), "the keypad's own node: leave jack_device empty for that")
    from drivers.keypad import build_keymap  # the driver only when a config is checked

    for code, key in keypad.keys.items():
        try:
            build_keymap({code: key})
        except ValueError as exc:
            raise _KeyProblem(("keypad", "keys", code), str(exc)) from None


def _url(key: tuple[str, ...], text: str) -> urllib.parse.SplitResult:
    try:
        url = urllib.parse.urlsplit(text)
        url.port  # noqa: B018 - a port that is not a number (or past 65535) raises here, not at connect time
    except ValueError as exc:
        raise _KeyProblem(key, f"{text!r} is not a URL: {exc}") from None
    return url


def _check_cash(config: KioskConfig) -> None:
    cash = config.cash
    for table, known in (("coin_channels", COINS), ("bill_channels", BILLS)):
        for channel, value in getattr(cash, table).items():
            key = ("cash", table, channel)
            if not channel.isdigit() or int(channel) not in CCTALK_CHANNELS:
                raise _KeyProblem(key, "a ccTalk channel is a number 1..16")
            if value not in known:
                raise _KeyProblem(key, f"{value} won is not a Korean {table[:4]} ({', '.join(map(str, known))})")
    if cash.hopper_coin not in cash.coin_channels.values():
        raise _KeyProblem(("cash", "hopper_coin"),
                          f"{cash.hopper_coin} is not a coin the acceptor takes "
                          f"({', '.join(map(str, sorted(set(cash.coin_channels.values()))))}): change is paid in it")
    _bounded(("cash", "poll_interval"), cash.poll_interval, 0.01, 1.0,
             "a ccTalk poll takes ~10 ms at 9600 baud; past 1 s fast coins overflow the 5-event buffer")
    # A hopper of the common size holds 1,000-2,000 coins; the low probe sits well below its fill.
    _bounded(("cash", "hopper_float"), cash.hopper_float, 0, 5000,
             "the coins loaded at a refill: no hopper holds more than a few thousand")
    _bounded(("cash", "hopper_low_coins"), cash.hopper_low_coins, 0, 1000,
             "the coins left when the low probe trips: the most change promised once it has")


def _check_server(config: KioskConfig) -> None:
    url = _url(("server", "base_url"), config.server.base_url)
    if url.scheme != "https":
        raise _KeyProblem(("server", "base_url"),
                          f"{config.server.base_url!r}: only https:// "
                          "(the catalog and documents travel under mutual TLS)")
    if not url.hostname:
        raise _KeyProblem(("server", "base_url"), f"{config.server.base_url!r} has no host")
    if not config.server.pki_dir.strip():
        raise _KeyProblem(("server", "pki_dir"), "empty: the kiosk's certificate and the pinned CA live there")
    if config.card.enabled and not config.card.reader.strip():
        raise _KeyProblem(("card", "reader"), "empty while card.enabled: name the PC/SC reader (pcsc_scan lists them)")
    if not config.journal.path.strip():
        raise _KeyProblem(("journal", "path"), "empty: every coin and page is journaled there")
    _bounded(("journal", "keep_days"), config.journal.keep_days, 0, 3660,
             "0 keeps every session in the journal; past ten years the archive is what a city keeps")


# Voice guidance: the gain steps a resident moves through with volume +/- (a range of 50 dB, the
# national criterion's minimum) and the speech rates of rate +/- (espeak-ng's floor is 80 words a minute).
VOLUME_DB_RANGE = (-50, 0, 5)
RATE_WPM_RANGE = (80, 300, 20)


def _check_voice(config: KioskConfig) -> None:
    voice = config.voice
    for name, value, (low, high, step), unit in (("volume_db", voice.volume_db, VOLUME_DB_RANGE, "dB"),
                                                 ("rate_wpm", voice.rate_wpm, RATE_WPM_RANGE, "words a minute")):
        if not low <= value <= high or (value - low) % step:
            raise _KeyProblem(("voice", name), f"{value} is not one of {low}..{high} {unit} in steps of {step} "
                              "(the steps volume and rate +/- move through)")
    if voice.enabled and not voice.earphone_device.strip():
        raise _KeyProblem(("voice", "earphone_device"),
                          "empty while voice.enabled: name the ALSA device of the earphone jack (aplay -L)")


def _check_maintenance(config: KioskConfig) -> None:
    _bounded(("maintenance", "door_grace_seconds"), config.maintenance.door_grace_seconds, 10.0, 600.0,
             "a technician needs a few seconds from the door to the card reader; past 10 min an open booth "
             "goes unreported too long")
    _bounded(("maintenance", "pin_seconds"), config.maintenance.pin_seconds, 10.0, 300.0,
             "typing a PIN takes some seconds; past 5 min a forgotten PIN screen keeps the booth from residents")
    _bounded(("maintenance", "idle_minutes"), config.maintenance.idle_minutes, 1.0, 60.0,
             "a technician reading a page needs a minute; past an hour a visit left open keeps the booth from "
             "residents and its pages to anyone at the glass")
    _bounded(("maintenance", "door_closed_seconds"), config.maintenance.door_closed_seconds, 10.0, 600.0,
             "a technician needs a few seconds from the door to the screen; past 10 min a booth left behind "
             "stays open to passers-by too long")


# [metrics], [alerts], [public] (issue 16): the city's view of the booth.
OUT_OF_SERVICE_ALERT_MINUTES = (1.0, 24 * 60.0)
DOOR_CLEAR_MINUTES = (1.0, 24 * 60.0)


def _check_operations(config: KioskConfig) -> None:
    metrics, alerts, public = config.metrics, config.alerts, config.public
    if not 0 <= metrics.port <= 65535:  # 0: any free port (simulated booths, tests; the log names it)
        raise _KeyProblem(("metrics", "port"), f"{metrics.port} is not a TCP port (0..65535)")
    if not metrics.bind.strip():
        raise _KeyProblem(("metrics", "bind"), "empty: name an address (127.0.0.1 keeps it on the booth)")
    _bounded(("alerts", "change_low_won"), alerts.change_low_won, 0, 1_000_000,
             "a hopper of 500-won coins holds a few hundred thousand won at most")
    _bounded(("alerts", "out_of_service_minutes"), alerts.out_of_service_minutes, *OUT_OF_SERVICE_ALERT_MINUTES,
             "under a minute alerts on every paper change; past a day the city learns it from residents")
    _bounded(("alerts", "door_clear_minutes"), alerts.door_clear_minutes, *DOOR_CLEAR_MINUTES,
             "a door alarm must stay up long enough to be seen, and not forever")
    if alerts.webhook_url:
        url = _url(("alerts", "webhook_url"), alerts.webhook_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise _KeyProblem(("alerts", "webhook_url"), f"{alerts.webhook_url!r}: an http(s):// URL with a host")
    _bounded(("public", "latitude"), public.latitude, -90.0, 90.0, "WGS84 degrees")
    _bounded(("public", "longitude"), public.longitude, -180.0, 180.0, "WGS84 degrees")
    if len(public.location_en) > 120:
        raise _KeyProblem(("public", "location_en"), "longer than 120 characters (a place, not a description)")


# The longest last-start margin: a session takes minutes; past two hours the booth is closed in all but name.
LAST_START_BOUNDS = (0.0, 120.0)
IO_POLL_BOUNDS = (0.05, 60.0)  # a door must be noticed within a minute; faster than 50 ms floods the bus
OVERHEAT_BOUNDS = (30.0, 80.0)  # below 30 C a summer afternoon closes the booth; past 80 C the printers are gone


def _check_hours(config: KioskConfig) -> None:
    from kiosk.opening_hours import check_weekdays, parse_span, valid_time

    h = config.hours
    for name in ("open", "close"):
        if not valid_time(getattr(h, name)):
            raise _KeyProblem(("hours", name), f"{getattr(h, name)!r} is not a time 'HH:MM' (00:00..24:00)")
    if h.open == h.close or (h.open, h.close) == ("24:00", "00:00"):
        raise _KeyProblem(("hours", "close"), f"{h.close!r} is the opening time too (a 24-hour booth: "
                          "open = '00:00', close = '24:00')")
    if (h.open != "00:00" or h.close != "24:00") and config.kiosk.hours != "24h":
        raise _KeyProblem(("kiosk", "hours"), "set either [kiosk] hours or [hours] open/close, not both")
    wrong = check_weekdays(list(h.weekdays))
    if wrong:
        raise _KeyProblem(("hours", "weekdays", wrong), "not a weekday (mon, tue, wed, thu, fri, sat, sun)")
    for day, text in h.weekdays.items():
        try:
            parse_span(text)
        except ValueError as exc:
            raise _KeyProblem(("hours", "weekdays", day), str(exc)) from None
    _bounded(("hours", "last_start_minutes"), h.last_start_minutes, *LAST_START_BOUNDS,
             "a session takes minutes; past two hours before closing the booth is closed in all but name")


def _check_sensors(config: KioskConfig) -> None:
    io = config.io_module
    endpoint = io.endpoint
    if endpoint.startswith("tcp://"):
        host, _, port = endpoint[len("tcp://"):].rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise _KeyProblem(("io_module", "endpoint"), f"{endpoint!r}: expected tcp://host:port")
    elif endpoint.startswith("rtu:"):
        parts = endpoint.split(":")
        if len(parts) != 3 or not parts[1] or not parts[2].isdigit():
            raise _KeyProblem(("io_module", "endpoint"), f"{endpoint!r}: expected rtu:/dev/ttyX:BAUD")
    else:
        raise _KeyProblem(("io_module", "endpoint"), f"{endpoint!r}: expected tcp://host:port or rtu:/dev/ttyX:BAUD")
    if not 1 <= io.device_id <= 247:
        raise _KeyProblem(("io_module", "device_id"), f"{io.device_id} is outside 1..247 (Modbus unit addresses)")
    _bounded(("io_module", "poll_interval"), io.poll_interval, *IO_POLL_BOUNDS,
             "a door must be noticed within a minute; faster than 50 ms floods a serial bus")
    s = config.sensors
    _bounded(("sensors", "overheat_c"), s.overheat_c, *OVERHEAT_BOUNDS,
             "below 30 C a summer afternoon closes the booth; past 80 C the printers have already failed")
    _bounded(("sensors", "hysteresis_c"), s.hysteresis_c, 0.5, 20.0,
             "without a margin the booth flaps in and out of service around the limit")
    _bounded(("sensors", "shutdown_margin_s"), s.shutdown_margin_s, 30.0, 3600.0,
             "a clean shutdown needs half a minute; past an hour the UPS is not worth having")

"""What voice guidance says, composed from what a frame drew (Theme.recording) and its widgets.

A new screen, prompt or menu is said whole ("screen"): every text in drawing order (the screens draw
top to bottom, so that is reading order), a button's label said as a button with its state, buttons
whose labels are pictures (+, -) added after, and where the keypad's focus is, last. The same screen
with new words says only what is new ("change": money credited, a page printed, an error); ticking
clocks and countdowns are not news. The focus moving says the item ("focus": label, role, state,
"3 of 7").

Privacy: a masked number (resident number, card number) is said as how many digits it has, never its
digits; any run of six or more digits is said the same way, whatever drew it; the resident number
being typed (and a mobile number or a pickup code) is said as how many digits were typed, an e-mail address
as how many characters.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.views import (
    DoneView,
    FingerprintView,
    IdleView,
    MoreTimePrompt,
    NoticeView,
    ParcelView,
    PaymentView,
    PickupView,
    ResidentNumberView,
    Utterance,
    View,
)
from screens.focus import position
from screens.screen import lang_of
from screens.strings import t
from screens.widgets import Widget

# A run of digits, stars, dashes and spaces that starts and ends with a digit or a star.
_NUMBER_RUN = re.compile(r"[\d*](?:[\d*\- ]*[\d*])?")
_LONG_DIGITS = re.compile(r"\d{6,}")
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")

# Widgets whose label is a picture or a sign: what to call them instead.
_SPOKEN_NAMES = {
    "copies:+": "runner.say.copies_more",
    "copies:-": "runner.say.copies_fewer",
    "key:dash": "runner.say.key_dash",
    # The e-mail keyboard's signs (screens/notice_email.py): "at sign", "dot", ...
    "key:at": "email.say.at",
    "key:dot": "email.say.dot",
    "key:underscore": "email.say.underscore",
    "key:hyphen": "email.say.hyphen",
    "key:plus": "email.say.plus",
}


@dataclass(frozen=True)
class Spoken:
    """What the last frame said, to compare the next one with."""

    key: tuple[str, str | None, str | None, int]  # (screen, prompt, menu, resident): a new resident hears it all
    texts: tuple[str, ...]  # everything said, in order
    steady: tuple[str, ...]  # the same without clocks and countdowns
    focus: str | None
    focus_text: str = ""


def hidden(count: int, lang: str) -> str:
    return t("runner.say.hidden_number", lang, count=count)


def private_strings(view: View) -> list[str]:
    """The masked numbers this view carries: never said as they are."""
    data = view.data
    found: list[str] = []
    if isinstance(data, ResidentNumberView | FingerprintView):
        found.append(data.masked)
    if isinstance(data, PaymentView | DoneView):
        found.append(data.masked_pan)
    return [s for s in found if any(ch.isdigit() or ch == "*" for ch in s)]


def sanitize(text: str, view: View) -> str:
    """`text` with every masked or long number replaced by how many digits it has."""
    lang = lang_of(view)
    for secret in private_strings(view):
        text = text.replace(secret, hidden(sum(ch.isdigit() or ch == "*" for ch in secret), lang))

    def run(match: re.Match[str]) -> str:
        s = match.group(0)
        if "*" in s:
            return hidden(sum(ch.isdigit() or ch == "*" for ch in s), lang)
        return _LONG_DIGITS.sub(lambda m: hidden(len(m.group(0)), lang), s)

    return _NUMBER_RUN.sub(run, text)


def ticking(view: View) -> set[str]:
    """Texts of this view that change by themselves as time passes (a clock, a countdown)."""
    lang = lang_of(view)
    data = view.data
    found: set[str] = set()
    if isinstance(data, PaymentView) and data.seconds_left > 0:
        left = data.seconds_left
        found.add(t("time_left", lang, time=f"{left // 60}:{left % 60:02d}"))
    if isinstance(data, IdleView) and data.clock:
        found.add(data.clock)
    if isinstance(view.prompt_data, MoreTimePrompt) and view.prompt_data.seconds_left > 0:
        found.add(t("more_time.body", lang, seconds=view.prompt_data.seconds_left))
    return found


def spoken_label(widget: Widget, lang: str) -> str:
    key = _SPOKEN_NAMES.get(widget.widget_id)
    return t(key, lang) if key else widget.label


def _state(widget: Widget, lang: str) -> str:
    if not widget.enabled:
        return t("runner.say.disabled", lang)
    wid = widget.widget_id
    # The accessibility menu's settings show (and so say) "On" / "Off" themselves.
    toggle = wid.startswith(("opt:", "lang:")) and not wid.endswith(":close")
    if not toggle:
        return ""
    on = widget.detail == "on" or widget.style == "lang_on"
    return t("runner.say.selected" if on else "runner.say.not_selected", lang)


def as_button(widget: Widget, lang: str) -> str:
    """A button as said among the screen's texts: "label, button[, state]"."""
    parts = [t("runner.say.button", lang, label=spoken_label(widget, lang))]
    state = _state(widget, lang)
    if state:
        parts.append(state)
    return ", ".join(parts)


def describe_focus(widget: Widget, order: Sequence[Widget], lang: str) -> str:
    """The focused item: label, role, state, and where it is ("3 of 7")."""
    index, total = position(order, widget.widget_id)
    parts = [as_button(widget, lang)]
    if widget.detail and widget.detail not in {"on", "off"}:
        parts.append(widget.detail)
    if total > 1:
        parts.append(t("runner.say.position", lang, index=index, total=total))
    return ", ".join(parts)


def frame_texts(view: View, drawn: Sequence[str], order: Sequence[Widget]) -> list[str]:
    """What a frame says, in order: drawn texts (labels as buttons), what was typed on a number screen,
    and buttons drawn as pictures where they stand among the others."""
    lang = lang_of(view)
    by_label: dict[str, Widget] = {}
    for w in order:
        by_label.setdefault(w.label, w)
    typed = ""
    if isinstance(view.data, ResidentNumberView) and view.prompt is None:
        typed = t("runner.say.digits_typed", lang, count=view.data.digits)
    elif isinstance(view.data, ParcelView) and view.data.lot and view.prompt is None:
        typed = t("runner.say.typed", lang, text=view.data.lot)
    elif isinstance(view.data, NoticeView) and view.data.channel == "sms" and view.prompt is None:
        # A mobile number is said as the resident number is: how many digits, never which.
        typed = t("runner.say.digits_typed", lang, count=view.data.digits)
    elif isinstance(view.data, PickupView) and view.data.code and view.prompt is None:
        typed = t("runner.say.digits_typed", lang, count=sum(ch.isdigit() for ch in view.data.code))
    elif isinstance(view.data, NoticeView) and view.data.channel == "email" and view.data.chars:
        # The e-mail address is never said (the screen does not note it as drawn): only its length.
        typed = t("email.say.typed", lang, count=view.data.chars)
    said: list[str] = []
    at: dict[str, int] = {}  # widget id -> where its label is said
    for text in drawn:
        widget = by_label.get(text)
        if widget is not None and widget.widget_id not in at:
            if typed:  # the digits typed so far, said before the buttons that type them
                said.append(typed)
                typed = ""
            at[widget.widget_id] = len(said)
            said.append(as_button(widget, lang))
        elif not said or said[-1] != text:
            said.append(text)
    if typed:
        said.append(typed)
    # Buttons drawn as pictures (+, -): said just before the next button in reading order.
    for i, w in reversed(list(enumerate(order))):
        if w.widget_id in at:
            continue
        after = [at[o.widget_id] for o in order[i + 1 :] if o.widget_id in at]
        where = min(after) if after else len(said)
        said.insert(where, as_button(w, lang))
        at = {k: (v + 1 if v >= where else v) for k, v in at.items()}
        at[w.widget_id] = where
    return [sanitize(s, view) for s in said]


def _join(parts: Sequence[str]) -> str:
    """Sentences one after another, with a full stop where a text does not end with one."""
    out = ""
    for part in parts:
        if out:
            out += " " if out[-1] in ".!?。" else ". "
        out += part
    return out


def compose(
    previous: Spoken | None,
    view: View,
    *,
    menu: str | None,
    drawn: Sequence[str],
    order: Sequence[Widget],
    focus: str | None,
) -> tuple[Spoken, list[Utterance]]:
    """What to say for this frame, given what the last frame said; and what this frame said."""
    lang = lang_of(view)
    key = (view.screen, view.prompt, menu, view.resident)
    texts = frame_texts(view, drawn, order)
    clocks = {sanitize(s, view) for s in ticking(view)}
    steady = tuple(s for s in texts if s not in clocks and not _CLOCK.match(s))
    focused = next((w for w in order if w.widget_id == focus), None)
    focus_text = sanitize(describe_focus(focused, order, lang), view) if focused is not None else ""
    now = Spoken(key, tuple(texts), steady, focus, focus_text)
    said: list[Utterance] = []
    if previous is None or previous.key != key:
        whole = list(texts)
        if focus_text:
            whole.append(t("runner.say.focus", lang, item=focus_text))
        said.append(Utterance(_join(whole), lang, "screen"))
        return now, said
    new = Counter(steady) - Counter(previous.steady)
    changed: list[str] = []
    for s in steady:
        if new[s] > 0:
            changed.append(s)
            new[s] -= 1
    refocused = bool(focus_text) and (focus != previous.focus or focus_text != previous.focus_text)
    # A setting toggled under the focus is said as the focused item in its new state, not as a bare "On".
    if changed and not (refocused and focus == previous.focus and all(s in focus_text for s in changed)):
        said.append(Utterance(_join(changed), lang, "change"))
    if refocused:
        said.append(Utterance(focus_text, lang, "focus"))
    return now, said

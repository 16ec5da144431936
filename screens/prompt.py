"""The prompts over a screen: "need more time?" and the help prompt. Modal: while one is up its buttons
are the only targets."""

from __future__ import annotations

import pygame

from kiosk.views import HelpPrompt, Intent, MoreTimePrompt, View
from screens.overlay import Overlay, button_height_for, dim_behind, draw_overlay, overlay_widgets
from screens.screen import lang_of
from screens.strings import t
from screens.text import draw_text, text_height
from screens.theme import Theme
from screens.widgets import Widget, draw_widgets, radius

PROMPT_MORE_TIME = "more_time"
PROMPT_HELP = "help"


def help_overlay(view: View) -> Overlay:
    """The help prompt: the booth's help line, whether the request reached the staff, and close."""
    lang = lang_of(view)
    data = view.prompt_data if isinstance(view.prompt_data, HelpPrompt) else HelpPrompt()
    sentences = [t("runner.help.phone", lang, phone=data.phone)] if data.phone else []
    if data.sent:
        sentences.append(t("runner.help.sent", lang))
    else:
        sentences.append(t("runner.help.not_sent" if data.phone else "runner.help.not_sent_no_phone", lang))
    close = Widget("help:close", pygame.Rect(0, 0, 0, 0), Intent("help_close"), t("runner.menu.close", lang), "primary")
    return Overlay(t("runner.help.title", lang), sentences, (), close)


def _prompt_geometry(view: View, theme: Theme) -> tuple[pygame.Rect, pygame.Rect, list[Widget]]:
    lang = lang_of(view)
    margin = theme.sp(56)
    pad = theme.sp(48)
    inner_w = theme.width - 2 * margin - 2 * pad
    title = t("more_time.title", lang)
    body = _prompt_body(view)
    title_h = text_height(theme, title, "title", inner_w)
    body_h = text_height(theme, body, "body", inner_w)
    answers = [Widget("", pygame.Rect(0, 0, 0, 0), None, t(k, lang)) for k in ("more_time.yes", "more_time.no")]
    # Roomy at 100 %; zoomed, as tall as the longer answer's lines (the band is short).
    bh = max(button_height_for(answers, theme, inner_w), theme.px(150) if theme.scale <= 1.0 else 0)
    gap = theme.sp(28)
    panel_h = pad + title_h + gap + body_h + 2 * gap + 2 * bh + gap + pad
    top = theme.height - panel_h - theme.sp(40) if theme.low_position else (theme.height - panel_h) // 2
    panel = pygame.Rect(margin, top, theme.width - 2 * margin, panel_h)
    text_rect = pygame.Rect(panel.left + pad, panel.top + pad, inner_w, title_h + gap + body_h)
    yes_top = text_rect.bottom + 2 * gap
    yes = Widget(
        "more_time:yes",
        pygame.Rect(panel.left + pad, yes_top, inner_w, bh),
        Intent("more_time"),
        t("more_time.yes", lang),
        "primary",
    )
    no = Widget(
        "more_time:no",
        pygame.Rect(panel.left + pad, yes_top + bh + gap, inner_w, bh),
        Intent("cancel"),
        t("more_time.no", lang),
        "secondary",
    )
    return panel, text_rect, [yes, no]


def _prompt_body(view: View) -> str:
    lang = lang_of(view)
    seconds = view.prompt_data.seconds_left if isinstance(view.prompt_data, MoreTimePrompt) else 0
    if seconds > 0:
        return t("more_time.body", lang, seconds=seconds)
    return t("more_time.body_plain", lang)


def prompt_widgets(view: View, theme: Theme) -> list[Widget]:
    """The overlay's buttons; while it is up they are the only touch targets (it is modal)."""
    if view.prompt == PROMPT_HELP:
        return overlay_widgets(help_overlay(view), theme)
    if view.prompt != PROMPT_MORE_TIME:
        return []
    return _prompt_geometry(view, theme)[2]


def draw_prompt(surface: pygame.Surface, view: View, theme: Theme) -> None:
    if view.prompt == PROMPT_HELP:
        draw_overlay(surface, help_overlay(view), theme)
        return
    if view.prompt != PROMPT_MORE_TIME:
        return
    c = theme.colors
    dim_behind(surface, c.scrim)
    panel, text_rect, widgets = _prompt_geometry(view, theme)
    pygame.draw.rect(surface, c.surface, panel, border_radius=radius(theme) * 2)
    pygame.draw.rect(surface, c.primary, panel, width=theme.sp(6), border_radius=radius(theme) * 2)
    lang = lang_of(view)
    title = t("more_time.title", lang)
    title_h = text_height(theme, title, "title", text_rect.width)
    draw_text(
        surface,
        theme,
        title,
        "title",
        c.text,
        pygame.Rect(text_rect.left, text_rect.top, text_rect.width, title_h),
        valign="top",
    )
    draw_text(
        surface,
        theme,
        _prompt_body(view),
        "body",
        c.muted,
        pygame.Rect(
            text_rect.left,
            text_rect.top + title_h + theme.sp(28),
            text_rect.width,
            text_rect.height - title_h - theme.sp(28),
        ),
        valign="top",
    )
    draw_widgets(surface, theme, widgets)

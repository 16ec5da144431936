"""Short words for 200 % zoom, where the usual ones do not fit their button or band (helper "fix").

Folded into the catalogs by the lead (scripts/import_strings.py); shaped like screens.strings.STRINGS.
"""

from __future__ import annotations

STRINGS_FIX: dict[str, dict[str, str]] = {
    # The pager's buttons at 200 %: "previous" and "next" alone (the next one carries "1/3").
    "page.prev_short": {"ko": "이전", "en": "Previous", "zh": "上页", "vi": "Trước"},
    "page.next_short": {"ko": "다음", "en": "Next", "zh": "下页", "vi": "Sau"},
    # The header's name of the booth when the whole one does not fit one line at 200 %.
    "kiosk.title_short": {"ko": "민원발급기", "en": "Document Kiosk", "zh": "证明书发放机", "vi": "Máy cấp giấy tờ"},
}

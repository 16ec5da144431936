"""Words the layout work (issue 14) added, in all four languages; merged into screens.strings.STRINGS.

The lead folds them into the gettext catalogs at merge time.
"""

from __future__ import annotations

STRINGS_LAYOUT: dict[str, dict[str, str]] = {
    # The clear key's word when "전체 지움" does not fit a key at 200 % (ATMs say 정정).
    "key.clear_short": {"ko": "정정", "en": "Clear", "zh": "清除", "vi": "Xóa"},
}

"""Every word the resident reads, looked up by the codes in kiosk.views, in the resident's language.

The words live in gettext catalogs (common/locale/, managed with Babel; declared in common/messages.py,
loaded by common/languages.py), so translators work in the standard .po form and the receipt (the core)
shares them. This module keeps the screens' small API: `t(key, lang, **values)`, `won`, `fee`, `document`,
`language`, `has`. Codes the catalogs do not know fall back to a generic sentence of their family
(`reason.*`, `notice.*`, ...), so a new controller code never shows a blank or a raw identifier to a
resident.

`STRINGS` holds sentences not yet folded into the catalogs: a helper's dict module
(screens/strings_<name>.py, {key: {"ko", "en", "zh", "vi"}}) added with `STRINGS.update(...)` at the end
of this file, until `scripts/import_strings.py` moves it into the catalogs.
"""

from __future__ import annotations

from common.languages import LANGUAGES, NAMES, lookup, require_all
from common.messages import MESSAGES

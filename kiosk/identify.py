"""Identify a resident by number + fingerprint, with the central system doing the matching.

The kiosk captures and sends; it never matches locally. Capture quality and clear guidance are the
product here (a 2015 audit measured ~68 % recognition at kiosks): a poor image gets a specific hint
and another try without using up one of the resident's three verification attempts.
The template is wiped after every attempt and the number as soon as the server has answered.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from kiosk.privacy import SecretBytes

if TYPE_CHECKING:
    from kiosk.controller import Kiosk

log = logging.getLogger(__name__)

# Poor captures allowed on top of the verification attempts, so a dry finger gets its hints.
EXTRA_POOR_CAPTURES = 3
# Long enough to read a hint before the sensor asks again.
HINT_SECONDS = 1.5

POOR_IMAGE_GUIDANCE = {"dry": "too_dry", "wet": "too_wet", "partial": "press_harder"}


async def identify(kiosk: Kiosk) -> str:
    """'identified', 'cancelled', or the failure reason code shown on the result screen."""
    session = kiosk.session
    assert session is not None
    reader = kiosk.devices.fingerprint
    if reader is None or not reader.status.usable:
        return "fingerprint-unavailable"
    max_attempts = kiosk.config.fingerprint.max_attempts
    poor_left = EXTRA_POOR_CAPTURES

    def guide(code: str) -> None:
        session.guidance = code
        kiosk.publish()

    while session.attempts < max_attempts:
        guide("place")
        try:
            captured = await reader.capture(guide)
        except asyncio.CancelledError:
            await _cancel_quietly(reader)
            raise
        except Exception as exc:
            name = type(exc).__name__
            if name == "PoorImage" and poor_left > 0:
                poor_left -= 1
                guide(POOR_IMAGE_GUIDANCE.get(str(getattr(exc, "kind", "")), "lift_and_place"))
                await kiosk.clock.sleep(HINT_SECONDS)
                continue
            if name == "FakeFinger":
                session.attempts += 1
                guide("fake_finger")
                await kiosk.clock.sleep(HINT_SECONDS)
                continue
            if name == "PoorImage":
                session.attempts += 1
                continue
            log.warning("fingerprint capture failed: %s", name)
            guide("unavailable")
            return "fingerprint-unavailable"
        template = SecretBytes(captured.template)
        for i in range(len(captured.template)):
            captured.template[i] = 0
        session.template = template
        guide("verifying")
        try:
            result = await kiosk.server.verify_identity(session.number.formatted(), template.reveal(),
                                                        str(captured.fmt))
        except Exception as exc:
            log.warning("identity verification unavailable: %s", type(exc).__name__)
            return "server-unavailable"
        finally:
            template.wipe()
            session.template = None
        if result.verified:
            session.token = result.token
            session.exempt = bool(result.exempt)
            session.forget_identity()
            return "identified"
        reason = str(result.reason or "no-match")
        if reason in ("locked", "not-enrolled"):
            session.forget_identity()
            return f"identity-{reason}"
        session.attempts += 1
        guide("no_match")
        await kiosk.clock.sleep(HINT_SECONDS)
        guide("lift_and_place")
    session.forget_identity()
    return "fingerprint-no-match"


async def _cancel_quietly(reader: object) -> None:
    cancel = getattr(reader, "cancel", None)
    if cancel is not None:
        try:
            await asyncio.shield(cancel())
        except Exception as exc:
            log.debug("sensor cancel failed: %s", exc)

"""Identify a resident by number + fingerprint, with the central system doing the matching.

The kiosk captures and sends; it never matches locally. Capture quality and clear guidance are the
product here (a 2015 audit measured ~68 % recognition at kiosks): a poor image gets a specific hint
and another try without using up one of the resident's three verification attempts. A failed
attempt stays on screen as "attempt N of 3" with its reason, then "lift and place again" stays up
until the sensor reads the next finger; the last failure goes straight to the result screen.
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
# Long enough to read a hint before the sensor asks again (a short sentence at ~4 words a second).
HINT_SECONDS = 1.5

POOR_IMAGE_GUIDANCE = {"dry": "too_dry", "wet": "too_wet", "partial": "press_harder"}

# Why the last attempt failed -> the reason code the result screen explains (screens/strings.py).
FAILURE_REASON = {"no_match": "fingerprint-no-match", "fake_finger": "fingerprint-fake",
                  "unreadable": "fingerprint-unreadable"}


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

    def from_sensor(code: str) -> None:
        # The driver says "place" whenever it starts waiting; after a failed read the screen keeps
        # "lift your finger, then place it again" until the sensor is reading a finger.
        if code == "place" and session.guidance == "lift_and_place":
            return
        guide(code)

    async def failed_attempt(code: str) -> bool:
        """Show why this attempt failed; True while the resident has attempts left."""
        guide(code)
        if session.attempts + 1 >= max_attempts:
            session.attempts += 1
            return False
        await kiosk.clock.sleep(HINT_SECONDS)
        session.attempts += 1
        guide("lift_and_place")
        return True

    failure = "no_match"
    prompt = "place"
    while session.attempts < max_attempts:
        guide(prompt)
        try:
            captured = await reader.capture(from_sensor)
        except asyncio.CancelledError:
            await _cancel_quietly(reader)
            raise
        except Exception as exc:
            name = type(exc).__name__
            if name == "PoorImage":
                hint = POOR_IMAGE_GUIDANCE.get(str(getattr(exc, "kind", "")), "lift_and_place")
                if poor_left > 0:
                    poor_left -= 1
                    guide(hint)
                    await kiosk.clock.sleep(HINT_SECONDS)
                    prompt = "lift_and_place"
                    continue
                failure = "unreadable"
                if not await failed_attempt(hint):
                    break
                prompt = "lift_and_place"
                continue
            if name == "FakeFinger":
                failure = "fake_finger"
                if not await failed_attempt("fake_finger"):
                    break
                prompt = "lift_and_place"
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
        failure = "no_match"
        if not await failed_attempt("no_match"):
            break
        prompt = "lift_and_place"
    session.forget_identity()
    return FAILURE_REASON[failure]


async def _cancel_quietly(reader: object) -> None:
    cancel = getattr(reader, "cancel", None)
    if cancel is not None:
        try:
            await asyncio.shield(cancel())
        except Exception as exc:
            log.debug("sensor cancel failed: %s", exc)

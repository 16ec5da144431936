"""Identify a resident by number + fingerprint, with the central system doing the matching.

The kiosk captures and sends; it never matches locally. Capture quality and clear guidance are the
product here (a 2015 audit measured ~68 % recognition at kiosks): a poor image gets a specific hint
and another try without using up one of the resident's three verification attempts. A failed
attempt stays on screen as "attempt N of 3" with its reason, then "lift your finger" stays up until
the glass is empty (a finger left there would use up every attempt in seconds); the last failure
goes straight to the result screen. Tries are counted as the server counts them: a finger that does
not match the number uses one (never more than the server says are left); a number the server
knows no fingerprints for uses none, and the resident is sent back to retype it.
The template is wiped after every attempt and the number as soon as the server has answered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from drivers.fingerprint import FakeFinger, FingerprintError, PoorImage
from kiosk.context import Context
from kiosk.ports import FingerprintPort
from kiosk.privacy import SecretBytes, wipe_bytes

log = logging.getLogger(__name__)

# Poor captures allowed on top of the verification attempts, so a dry finger gets its hints.
EXTRA_POOR_CAPTURES = 3
# Long enough to read a hint before the sensor asks again (a short sentence at ~4 words a second).
HINT_SECONDS = 1.5

POOR_IMAGE_GUIDANCE = {"dry": "too_dry", "wet": "too_wet", "partial": "press_harder"}

# Why the last attempt failed -> the reason code the result screen explains (screens/strings.py).
# A mismatch may be a mistyped number as well as a finger: the no-match text says both.
FAILURE_REASON = {"no_match": "fingerprint-no-match", "fake_finger": "fingerprint-fake",
                  "unreadable": "fingerprint-unreadable"}
# The outcome that sends the resident back to the number screen: the server knows no fingerprints
# for the number typed (almost always a typo).
NUMBER_REJECTED = "number-rejected"
# Numbers the server does not know, per session, before the session ends: enough for two typos,
# too few to probe which numbers are enrolled.
MAX_NUMBER_REJECTIONS = 3


class SensorLostBetweenReads(Exception):
    """The sensor failed while the kiosk waited for the finger to leave the glass."""


async def identify(ctx: Context) -> str:
    """'identified', 'cancelled', NUMBER_REJECTED, or the failure reason code shown on the result screen.

    A sensor lost between two reads ends identification as one lost during a read does: the resident
    is told the sensor is unavailable (nothing was charged yet), never an internal error.
    """
    try:
        return await _identify(ctx)
    except SensorLostBetweenReads as lost:
        log.warning("fingerprint sensor lost between reads: %s", type(lost.__cause__).__name__)
        if ctx.session is not None:
            ctx.session.forget_identity()
            ctx.session.guidance = "unavailable"
            ctx.publish()
        return "fingerprint-unavailable"


async def _identify(ctx: Context) -> str:
    session = ctx.session
    assert session is not None
    reader = ctx.devices.fingerprint
    if reader is None or not reader.status.usable:
        return "fingerprint-unavailable"
    max_attempts = ctx.config.fingerprint.max_attempts
    poor_left = EXTRA_POOR_CAPTURES

    def guide(code: str) -> None:
        session.guidance = code
        ctx.publish()

    async def next_read(*, after: Callable[[], None] | None = None) -> None:
        """Between reads: the hint stays up to be read, then the finger must leave the glass.

        A finger left on the sensor would be read again at once, and every read the server turns
        down costs one of the resident's attempts (three in 2.5 s): the screen says "lift your
        finger" for as long as it stays.
        """
        await ctx.clock.sleep(HINT_SECONDS)
        if after is not None:
            after()
        # Right whether or not the finger is still there; "lift" replaces it while it is.
        guide("lift_and_place")
        try:
            await reader.wait_lifted(guide)
        except asyncio.CancelledError:
            await _cancel_quietly(reader)
            raise
        except FingerprintError as exc:
            raise SensorLostBetweenReads from exc

    async def failed_attempt(code: str) -> bool:
        """Show why this attempt failed; True (once the finger is lifted) while attempts are left."""
        guide(code)
        if session.attempts + 1 >= session_limit():
            session.attempts += 1
            return False

        def count() -> None:
            session.attempts += 1

        await next_read(after=count)
        return True

    def session_limit() -> int:
        """The kiosk's attempts, or fewer when the server says this resident has fewer left."""
        return min(max_attempts, session.attempts_cap or max_attempts)

    failure = "no_match"
    while session.attempts < session_limit():
        guide("place")
        try:
            captured = await reader.capture(guide)
        except asyncio.CancelledError:
            await _cancel_quietly(reader)
            raise
        except PoorImage as exc:
            hint = POOR_IMAGE_GUIDANCE.get(exc.kind, "lift_and_place")
            if poor_left > 0:
                poor_left -= 1
                guide(hint)
                await next_read()
                continue
            failure = "unreadable"
            if not await failed_attempt(hint):
                break
            continue
        except FakeFinger:
            failure = "fake_finger"
            if not await failed_attempt("fake_finger"):
                break
            continue
        except Exception as exc:
            name = type(exc).__name__
            log.warning("fingerprint capture failed: %s", name)
            guide("unavailable")
            return "fingerprint-unavailable"
        template = SecretBytes(captured.template)
        for i in range(len(captured.template)):
            captured.template[i] = 0
        session.template = template
        guide("verifying")
        number = session.number.formatted()  # a bytearray, wiped below: never a str
        try:
            result = await ctx.server.verify_identity(number, template.reveal(), captured.fmt)
        except Exception as exc:
            log.warning("identity verification unavailable: %s", type(exc).__name__)
            return "server-unavailable"
        finally:
            wipe_bytes(number)
            template.wipe()
            session.template = None
        if result.verified:
            session.token = result.token
            session.exempt = bool(result.exempt)
            session.forget_identity()
            return "identified"
        reason = str(result.reason or "no-match")
        if reason == "locked":
            session.forget_identity()
            return "identity-locked"
        if reason == "not-enrolled":
            # The server knows no fingerprints for this number, which almost always means a typo.
            # It counts no attempt for it (there is nobody to count against); the kiosk counts
            # the re-entries, so a session cannot walk through numbers.
            session.forget_identity()
            session.number_rejections += 1
            if session.number_rejections >= MAX_NUMBER_REJECTIONS:
                return FAILURE_REASON["no_match"]
            session.number_error = "no-match"
            return NUMBER_REJECTED
        # A finger that does not match the number: the server counted it against this number and
        # says how many tries it has left; the kiosk never offers more than that.
        left = result.attempts_left
        if isinstance(left, int) and not isinstance(left, bool):
            session.attempts_cap = session.attempts + 1 + left
        session.no_match_seen = True
        failure = "no_match"
        if not await failed_attempt("no_match"):
            break
    session.forget_identity()
    return FAILURE_REASON[failure]


async def _cancel_quietly(reader: FingerprintPort) -> None:
    try:
        await asyncio.shield(reader.cancel())
    except Exception as exc:
        log.debug("sensor cancel failed: %s", exc)

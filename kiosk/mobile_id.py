"""Mobile ID (모바일 신분증) as an identity route without a fingerprint (issue 17).

Fingerprints fail for many (worn fingers, the elderly), and KS X 9211 asks for an alternative to
biometrics. This follows the public description of the government mobile ID's verifier flow, QR-MPM
mode (the verifier shows a QR, the holder's wallet app scans it; see simulators/server/mobile_id.py):
the kiosk, as service provider, asks the issuance server (the verifier) to open a transaction and
shows its one-time QR, the VP request message (M200) with the transaction code; the resident's wallet
app scans it, fetches the verifier's signed profile with its nonce (M310) and submits the Verifiable
Presentation (M400); the server verifies it and the kiosk, polling the transaction, receives the same
verification token a matched fingerprint yields. No resident number is typed, and none reaches the
kiosk. An expired QR is replaced by a new one; a presentation that does not verify ends the session
before any money is taken.
"""

from __future__ import annotations

import logging
from typing import Any

from drivers.issuance_server import ServerUnavailable
from kiosk.context import Context
from kiosk.machine import S
from kiosk.views import MobileIdView

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # how often the kiosk asks where the wallet is (the verifier's own pages poll alike)
MAX_QRS = 3  # fresh QRs after expiry before the session gives up (about nine minutes)


class MobileIdDesk:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.qr = ""
        self.state = ""
        self.error = ""

    def offered(self) -> bool:
        """The number screen offers the mobile ID while the server can be reached."""
        return self._ctx.server.status.usable

    async def start(self) -> None:
        """Intent `mobile_id` on the resident number screen."""
        session = self._ctx.session
        if self._ctx.state == S.NUMBER and session is not None and self.offered():
            session.number.clear()  # not typed after all: wiped
            session.number_error = ""
            await self._ctx.fire("mobile_id")

    async def handle(self, name: str, args: dict[str, Any]) -> bool:
        if self._ctx.state != S.MOBILE_ID or name not in ("back", "confirm"):
            return False
        if name == "back":
            self._forget()
            await self._ctx.fire("back")
        return True

    async def run(self) -> None:
        """The transaction: a QR, the wallet's presentation, the verified identity (or why not)."""
        ctx = self._ctx
        session = ctx.session
        assert session is not None
        self._forget()
        for attempt in range(1, MAX_QRS + 1):
            try:
                challenge = await ctx.server.start_mobile_id(f"mobile-id-{session.id}-{attempt}")
            except Exception as exc:
                await self._fail("server-unavailable" if isinstance(exc, ServerUnavailable) else "mobile-id-failed",
                                 exc)
                return
            self.qr, self.state, self.error = challenge.qr, "requested", "" if attempt == 1 else "expired"
            ctx.record(session.id, "mobile_id_requested", ref=challenge.trxcode)
            ctx.publish()
            while True:
                await ctx.clock.sleep(POLL_SECONDS)
                try:
                    answer = await ctx.server.poll_mobile_id(challenge.trxcode)
                except Exception as exc:
                    await self._fail("server-unavailable" if isinstance(exc, ServerUnavailable)
                                     else "mobile-id-failed", exc)
                    return
                if answer.state != self.state:
                    self.state = answer.state
                    ctx.publish()
                if answer.state == "verified":
                    session.token, session.exempt = answer.token, answer.exempt
                    ctx.record(session.id, "mobile_id_verified", ref=challenge.trxcode)
                    self._forget()
                    pickup = session.pickup_fee is not None
                    await ctx.fire("mobile_id_pickup_verified" if pickup else "mobile_id_verified")
                    return
                if answer.state == "failed":
                    ctx.record(session.id, "mobile_id_failed", ref=challenge.trxcode, reason=answer.reason)
                    await self._fail("mobile-id-failed", None)
                    return
                if answer.state == "expired":
                    break  # a new QR
        await self._fail("mobile-id-expired", None)

    async def _fail(self, reason: str, exc: Exception | None) -> None:
        if exc is not None:
            log.warning("mobile ID verification stopped: %s", type(exc).__name__)
        session = self._ctx.session
        assert session is not None
        if session.pickup_fee is not None and reason.startswith("mobile-id-"):
            # A pickup: say that the code was not used (nothing was reserved yet) and can be tried again.
            reason = "pickup-" + reason
        session.outcome, session.reason = "failed", reason
        self._forget()
        await self._ctx.fire("failed")

    def _forget(self) -> None:
        self.qr, self.state, self.error = "", "", ""

    def view(self) -> MobileIdView:
        session = self._ctx.session
        return MobileIdView(document=session.document if session else "", qr=self.qr, state=self.state,
                            error=self.error)

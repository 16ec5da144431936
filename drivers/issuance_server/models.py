"""What the issuance server's answers mean to the kiosk, as frozen dataclasses.

Only the client (client.py, via validators.py) builds these, and only from fields it has checked;
everything past the driver (ports, controller, screens) reads them, never the server's JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServerConfig:
    base_url: str
    ca_file: Path
    cert_file: Path
    key_file: Path
    signing_key_file: Path
    identity_key_file: Path
    kiosk_id: str
    timeout: float = 5.0
    max_body_bytes: int = 20_000_000


@dataclass(frozen=True)
class CatalogDocument:
    code: str
    title_ko: str
    title_en: str
    fee: int
    needs_identity: bool
    options: tuple[str, ...]
    max_copies: int
    hours: tuple[str, str] = ("00:00", "24:00")
    # Daily windows ("HH:MM", "HH:MM") in which the central system issues none of this document (its
    # maintenance): the kiosk does not offer it then.
    maintenance: tuple[tuple[str, str], ...] = ()
    delivery_fee: int = 0  # issue 17: won a delivery adds; 0: the catalog does not deliver it


@dataclass(frozen=True)
class Catalog:
    documents: list[CatalogDocument]

    def get(self, code: str) -> CatalogDocument | None:
        return next((d for d in self.documents if d.code == code), None)


@dataclass(frozen=True)
class IdentityResult:
    verified: bool
    token: str | None
    exempt: bool
    reason: str  # "" when verified; else "no-match", "not-enrolled", "locked", ...
    expires_in: float | None = None
    attempts_left: int | None = None


@dataclass(frozen=True)
class SignedDocument:
    pdf: bytes
    verification_number: str
    pages: int


@dataclass(frozen=True)
class Reservation:
    issuance_id: str
    fee_total: int
    documents: list[SignedDocument]
    # Seconds the server holds the reservation for its commit (None: the server sets no limit).
    hold_seconds: float | None = None


@dataclass(frozen=True)
class PaymentAnswer:
    """The payment API's answer to one authorisation: approved with a reference, or declined."""

    approved: bool
    amount: int
    reference: str  # "" when declined
    reason: str  # "" when approved; else "issuer-declined", "cryptogram-invalid", ...


@dataclass(frozen=True)
class ServerPayment:
    """One card payment the server holds for a session (GET /v1/payments), masked PAN only."""

    reference: str
    state: str  # "approved", "declined" or "voided"
    amount: int
    masked_pan: str

    @property
    def approved(self) -> bool:
        """Money taken from the card and not given back: what a kiosk must keep or void."""
        return self.state == "approved"


@dataclass(frozen=True)
class Building:
    building_id: str
    name: str
    floors: int


@dataclass(frozen=True)
class Parcel:
    """A parcel (필지) the server knows, for 토지대장 and 건축물대장."""

    parcel_id: str
    district: str
    lot: str
    address: str
    land_category: str  # 지목: 대, 전, 답, 임야, ...
    area_m2: float
    buildings: tuple[Building, ...]

    @property
    def reference(self) -> str:
        """The `parcel` a register's reservation names it by ("<district> <lot>")."""
        return f"{self.district} {self.lot}"


@dataclass(frozen=True)
class Pickup:
    """What an online reservation's pickup code is for (민원예약)."""

    code: str
    document: str
    copies: int
    fee_total: int  # 0 when paid online
    needs_identity: bool
    expires_at: dt.datetime


@dataclass(frozen=True)
class Settlement:
    """The server's record of one emptied cash box: a difference is accepted but flagged."""

    settlement_id: str
    difference_won: int  # counted minus journal
    accepted: bool
    flagged: bool


@dataclass(frozen=True)
class HelpRequest:
    """The server's receipt for a resident's call for help: staff have been told which booth and screen."""

    help_request_id: str
    received_at: str  # ISO 8601, the server's clock


@dataclass(frozen=True)
class SupportBundleReceipt:
    """The server's receipt for a support bundle (POST /v1/support-bundles): kept for the operators."""

    bundle_id: str
    received_at: str  # ISO 8601, the server's clock
    size: int  # the bytes the server received, as it counted them


@dataclass(frozen=True)
class NoticeReceipt:
    """The notice gateway's receipt for a text message or e-mail it will send (issue 17)."""

    notice_id: str
    accepted_at: str  # ISO 8601, the server's clock


@dataclass(frozen=True)
class DeliveryOrder:
    """A document ordered for delivery to the registered address (민원택배, issue 17): pending until
    the booth confirms it (paid) or cancels it."""

    order_id: str
    tracking_code: str
    fee_total: int  # fee x copies + delivery fee, in won
    delivery_fee: int
    state: str  # pending | confirmed | dispatched (the courier took it) | cancelled


@dataclass(frozen=True)
class MobileIdChallenge:
    """A mobile ID (모바일 신분증) transaction opened at the verifier: the QR the kiosk shows (issue 17)."""

    trxcode: str
    qr: str  # the VP request message (M200) as the QR's text
    expires_in: int


@dataclass(frozen=True)
class MobileIdState:
    """Where a mobile ID transaction stands; once verified, the same token a matched finger yields."""

    state: str  # requested | profile | verifying | verified | failed | expired
    token: str | None = None
    exempt: bool = False
    reason: str = ""

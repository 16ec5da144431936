"""One resident's visit, from the first touch to the result screen.

Everything personal a session holds (the number being typed, the fingerprint template) is a secret
that `wipe()` destroys when the session ends; the rest is what the screens and the journal need.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from drivers.issuance_server import Reservation
from kiosk.privacy import ResidentNumberEntry, SecretBytes


def new_session_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Session:
    id: str = field(default_factory=new_session_id)
    document: str = ""
    options: set[str] = field(default_factory=set)
    copies: int = 1
    number: ResidentNumberEntry = field(default_factory=ResidentNumberEntry)
    number_error: str = ""
    lot: str = ""  # 지번 typed for a land or building register, e.g. "123-4"
    lot_error: str = ""
    template: SecretBytes | None = None
    token: str | None = None
    exempt: bool = False
    attempts: int = 0  # fingerprint attempts used this session (as the server counts them)
    attempts_cap: int | None = None  # fewer than configured: the server said so after a mismatch
    number_rejections: int = 0  # numbers the server knows no fingerprints for, this session
    no_match_seen: bool = False  # a finger did not match the number: offer to retype the number
    guidance: str = "place"
    # Money, in won.
    total: int = 0
    paid: int = 0
    change: int = 0
    refund: int = 0
    voucher: str = ""
    payment_message: str = ""
    payment_hint: str = ""
    payment_complete: bool = False
    accepting: bool = False  # acceptors enabled: money put in now is counted, not returned
    fee_kept: bool = False
    # Paper.
    reservation: Reservation | None = None
    pages_done: int = 0
    pages_total: int = 0
    print_status: str = ""
    receipt_printed: bool = False
    # How it ended: issued / partial (some copies printed) / cancelled / refunded / failed / timed_out, and why.
    outcome: str = ""
    reason: str = ""
    closed: bool = False
    # The failsafe path (a bug): settling retried once, then left to the next boot's recovery.
    settle_tries: int = 0
    settle_abandoned: bool = False
    # OK pressed on the result screen while the session was still settling: honoured once it is.
    finish_requested: bool = False
    # A pickup of a document reserved online (kiosk/pickup.py): the code typed or scanned (a bearer
    # secret, wiped with the rest), its error code, and the fee the server asks here (0: paid online).
    pickup_code: str = ""
    pickup_error: str = ""
    pickup_fee: int | None = None
    # Delivery instead of print (kiosk/delivery.py): chosen (or the only way), its fee, its tracking code.
    delivery: bool = False
    delivery_fee: int = 0
    tracking_code: str = ""

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.paid)

    def forget_identity(self) -> None:
        """Drop the number and template as soon as the server has answered: they are not needed after."""
        self.number.wipe()
        if self.template is not None:
            self.template.wipe()
            self.template = None

    def wipe(self) -> None:
        self.forget_identity()
        self.token = None
        self.pickup_code = ""

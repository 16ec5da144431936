"""The central issuance server, as a driver: HTTPS with mutual TLS, answers checked, a link status.

The controller core reaches the server only through kiosk.ports.ServerPort, which names the models
below; the composition root builds the `IssuanceClient`. Inside: errors.py (the error tree),
models.py (what answers mean), client.py (the calls, retries and deadlines), validators.py (every
field checked), transport.py (transport failures in words; cancel-safe sockets), keys.py (key files
checked at start-up), document_check.py (an issued PDF is what it claims), link.py (up or down).
"""

from __future__ import annotations

from drivers.issuance_server.client import CLOCK_SKEW_WARN_S, TIMEOUT_FACTORS, IssuanceClient
from drivers.issuance_server.document_check import document_problem
from drivers.issuance_server.errors import (
    DocumentMalformed,
    DocumentSignatureInvalid,
    KeyFileExposed,
    ServerError,
    ServerProtocolError,
    ServerRejected,
    ServerTimeout,
    ServerTLSError,
    ServerUnavailable,
)
from drivers.issuance_server.link import LinkState, ServerLink
from drivers.issuance_server.models import (
    Building,
    Catalog,
    CatalogDocument,
    DeliveryOrder,
    HelpRequest,
    IdentityResult,
    MobileIdChallenge,
    MobileIdState,
    NoticeReceipt,
    Parcel,
    PaymentAnswer,
    Pickup,
    Reservation,
    ServerConfig,
    ServerPayment,
    Settlement,
    SignedDocument,
    SupportBundleReceipt,
)

__all__ = [
    "CLOCK_SKEW_WARN_S",
    "TIMEOUT_FACTORS",
    "Building",
    "Catalog",
    "CatalogDocument",
    "DeliveryOrder",
    "DocumentMalformed",
    "DocumentSignatureInvalid",
    "HelpRequest",
    "IdentityResult",
    "IssuanceClient",
    "KeyFileExposed",
    "LinkState",
    "MobileIdChallenge",
    "MobileIdState",
    "NoticeReceipt",
    "Parcel",
    "PaymentAnswer",
    "Pickup",
    "Reservation",
    "ServerConfig",
    "ServerError",
    "ServerLink",
    "ServerPayment",
    "ServerProtocolError",
    "ServerRejected",
    "ServerTLSError",
    "ServerTimeout",
    "ServerUnavailable",
    "Settlement",
    "SignedDocument",
    "SupportBundleReceipt",
    "document_problem",
]

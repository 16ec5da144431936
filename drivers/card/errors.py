"""The card path's typed errors: what went wrong with a card payment, in words the controller acts on.

The controller tells the resident "take your card and try again" for `CardRemoved`, "this card was
declined" for `CardDeclinedOffline`, "try another card" for `CardMute` / `CardProtocolError`, and
goes out of card service for `ReaderUnavailable`.
"""

from __future__ import annotations


class CardError(Exception):
    """Base of every error the card path raises."""


class ReaderUnavailable(CardError):
    """pcscd is not running, or no matching reader is attached."""


class NoCard(CardError):
    """A payment was asked for but no card is in the reader."""


class CardRemoved(CardError):
    """The card left the reader (or stopped being reachable) during a transaction."""


class CardMute(CardError, TimeoutError):
    """The card did not answer a command within the APDU timeout."""


class CardDeclinedOffline(CardError):
    """The card itself refused the transaction: it answered GENERATE AC with an AAC."""


class CardProtocolError(CardError):
    """The card sent bytes that are not valid ISO 7816-4 / EMV (bad TLV, missing data, bad template)."""


class CardStatusError(CardProtocolError):
    """The card answered a command with an error status word (SW1 SW2)."""

    def __init__(self, command: str, sw: int) -> None:
        super().__init__(f"{command} answered SW {sw:04X}")
        self.command = command
        self.sw = sw


class TlvError(CardProtocolError, ValueError):
    """Bytes that are not valid BER-TLV as EMV uses it (EMV 4.3 Book 3 Annex B)."""


class ApduError(CardProtocolError, ValueError):
    """Bytes that are not a valid short command or response APDU (ISO/IEC 7816-4 §5.1)."""

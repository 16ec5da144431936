"""A synthetic EMV payment card behind pcscd's vpcd reader: ``python -m simulators.smartcard``."""

from __future__ import annotations

from simulators.smartcard.card import EmvTestCard, issuer_verify
from simulators.smartcard.simulator import PROFILES, SmartcardSimulator

__all__ = ["PROFILES", "EmvTestCard", "SmartcardSimulator", "issuer_verify"]

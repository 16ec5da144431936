"""Fingerprint sensors over a serial port: ZFM/R30x/R50x and Suprema UniFinger SFM.

Use `open_reader(port, protocol=..., clock=...)`; see `client.py` for the contract.
"""

from __future__ import annotations

from drivers.fingerprint.client import (
    GUIDANCE_CODES,
    QUALITY_NOT_REPORTED,
    CapturedTemplate,
    FingerprintReader,
    Guidance,
    SensorProtocol,
    open_reader,
)
from drivers.fingerprint.errors import (
    CaptureCancelled,
    DeviceError,
    FakeFinger,
    FingerprintError,
    FingerprintTimeout,
    FingerprintUnavailable,
    FrameError,
    PoorImage,
)

__all__ = [
    "GUIDANCE_CODES",
    "QUALITY_NOT_REPORTED",
    "CaptureCancelled",
    "CapturedTemplate",
    "DeviceError",
    "FakeFinger",
    "FingerprintError",
    "FingerprintReader",
    "FingerprintTimeout",
    "FingerprintUnavailable",
    "FrameError",
    "Guidance",
    "PoorImage",
    "SensorProtocol",
    "open_reader",
]

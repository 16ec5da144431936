"""Fingerprint sensor simulator (ZFM/R30x or Suprema SFM) on a PTY behind a stable symlink."""

from __future__ import annotations

from simulators.fingerprint.device import FingerprintSimulator, default_link
from simulators.fingerprint.glass import QUALITIES, Finger, Quality

__all__ = ["QUALITIES", "Finger", "FingerprintSimulator", "Quality", "default_link"]

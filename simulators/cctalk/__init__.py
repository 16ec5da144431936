"""Simulated ccTalk cash bus: coin acceptor, hopper and bill validator behind one PTY."""

from __future__ import annotations

from simulators.cctalk.simulator import CcTalkSimulator

__all__ = ["CcTalkSimulator"]

"""The central issuance server simulator (HTTPS + mutual TLS): see app.py."""

from simulators.server.app import ServerSimulator

__all__ = ["ServerSimulator"]

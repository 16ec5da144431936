"""Fixtures for the issuance server and its client: one PKI per session, one server per test."""

from __future__ import annotations

import dataclasses
import gc
import ssl
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from common.clock import VirtualClock
from drivers.issuance_server import IssuanceClient, ServerConfig
from simulators.server import ServerSimulator
from simulators.server.pki import PkiPaths, generate_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    """The simulator's PKI, made once (key generation is the slow part of a start)."""
    return generate_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def foreign_pki(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    """A second, unrelated CA with its own kiosk certificate and keys."""
    return generate_pki(tmp_path_factory.mktemp("foreign-pki"), ca_name="Somebody Else's CA")


@pytest.fixture
async def server(pki: PkiPaths, tmp_path: Path) -> AsyncIterator[ServerSimulator]:
    sim = ServerSimulator(pki.root, tmp_path / "server.sqlite3")
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


def config_for(pki: PkiPaths, base_url: str, **overrides: Any) -> ServerConfig:
    config = ServerConfig(
        base_url=base_url,
        ca_file=pki.ca_cert,
        cert_file=pki.client_cert,
        key_file=pki.client_key,
        signing_key_file=pki.signing_public,
        identity_key_file=pki.identity_public,
        kiosk_id="KIOSK-0001",
    )
    return dataclasses.replace(config, **overrides)


@pytest.fixture
async def client(
    server: ServerSimulator, pki: PkiPaths, clock: VirtualClock
) -> AsyncIterator[IssuanceClient]:
    c = IssuanceClient(config_for(pki, server.base_url), clock=clock, retry_base=0.001)
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture
def make_config(pki: PkiPaths) -> Callable[..., ServerConfig]:
    """`make_config(base_url, **overrides)`: the kiosk's configuration against the session PKI."""
    return lambda base_url, **overrides: config_for(pki, base_url, **overrides)


@pytest.fixture
def new_key() -> Callable[[], str]:
    """Fresh idempotency keys, one per transaction."""
    return lambda: f"txn-{uuid.uuid4().hex}"


@pytest.fixture
def mtls_context(pki: PkiPaths) -> ssl.SSLContext:
    """What a tester's own HTTPS client needs to talk to the simulator directly."""
    context = ssl.create_default_context(cafile=str(pki.ca_cert))
    context.load_cert_chain(str(pki.client_cert), str(pki.client_key))
    return context



@pytest.fixture(autouse=True)
def _no_leaked_sockets() -> Iterator[None]:
    """Fail a test that leaves a socket or transport for the garbage collector to find."""
    yield
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaks, leaks

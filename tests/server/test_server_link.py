"""The server link keeps its own status, read like a device's: up once the catalog is read, down with
the reason as soon as a catalog read or a heartbeat fails, and up again only with the next catalog."""

from __future__ import annotations

import pytest

from common.status import DeviceState
from drivers.issuance_server import IssuanceClient, LinkState, ServerUnavailable
from simulators.server import ServerSimulator


async def test_the_link_is_up_once_the_catalog_is_read_and_down_with_the_reason_when_a_heartbeat_fails(
    client: IssuanceClient, server: ServerSimulator
) -> None:
    assert (client.link.state, client.status.state, client.status.reason) == (
        LinkState.NOT_CONTACTED, DeviceState.OFFLINE, "not-yet-contacted")
    assert not client.status.usable

    await client.catalog()
    assert (client.link.state, client.status.state, client.status.usable) == (LinkState.UP, DeviceState.ONLINE, True)

    server.maintenance(True)
    with pytest.raises(ServerUnavailable):
        await client.heartbeat({})
    assert (client.link.state, client.status.state, client.status.reason) == (
        LinkState.DOWN, DeviceState.OFFLINE, "maintenance")

    server.maintenance(False)
    await client.heartbeat({})  # an answer alone does not bring the link up: the catalog does
    assert client.status.reason == "maintenance"
    await client.catalog()
    assert (client.status.state, client.status.reason) == (DeviceState.ONLINE, "")


async def test_a_failed_reservation_leaves_the_link_as_it_was(client: IssuanceClient, server: ServerSimulator) -> None:
    await client.catalog()
    server.fail_next(503, count=10)
    with pytest.raises(ServerUnavailable):
        await client.reserve("txn-link-0001", "resident_register", options=[], copies=1, token=None)
    assert client.link.state is LinkState.UP

"""Issue 17's server calls, the kiosk's client against the server simulator over mutual TLS: a pickup
code bound to another booth, deliveries (what the catalog delivers, confirm and cancel exclude each
other), notices (a recipient that is not a mobile number is refused; a retry sends once), and a mobile
ID transaction (the QR's request message, the wallet's presentation, the token it yields)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest

from drivers.issuance_server import IssuanceClient, ServerRejected
from simulators import residents
from simulators.server import ServerSimulator

BORAM = "세종특별자치시 보람동"


async def _token(client: IssuanceClient, index: int = 0) -> str:
    who = residents.resident(index)
    result = await client.verify_identity(who.number, residents.captured_template(index, 1, "zfm"), "zfm")
    assert result.token
    return result.token


async def test_a_code_bound_to_another_booth_is_refused_there(server: ServerSimulator, client: IssuanceClient,
                                                              new_key: Callable[[], str]) -> None:
    code = server.pickups.reserve_online(2, "land_register", parcel=f"{BORAM} 12-3", booth="KIOSK-0999")
    with pytest.raises(ServerRejected) as refused:
        await client.lookup_pickup(code)
    assert (refused.value.status, refused.value.reason) == (403, "pickup-other-booth")
    with pytest.raises(ServerRejected):
        await client.reserve_pickup(code, new_key())
    assert server.pickups.pickups()[-1]["state"] == "open"  # still there for the right booth


async def test_deliveries_follow_the_catalog_and_confirm_or_cancel_once(server: ServerSimulator,
                                                                         client: IssuanceClient,
                                                                         new_key: Callable[[], str]) -> None:
    catalog = {d.code: d for d in (await client.catalog()).documents}
    assert catalog["resident_copy"].delivery_fee > 0 and catalog["local_tax"].delivery_fee == 0
    with pytest.raises(ServerRejected) as refused:
        await client.order_delivery(new_key(), "local_tax", copies=1, token=await _token(client))
    assert refused.value.reason == "not-deliverable"
    key = new_key()
    order = await client.order_delivery(key, "land_register", copies=2, parcel=f"{BORAM} 12-3")
    assert (order.state, order.fee_total) == ("pending", 2 * catalog["land_register"].fee
                                              + catalog["land_register"].delivery_fee)
    assert (await client.order_delivery(key, "land_register", copies=2, parcel=f"{BORAM} 12-3")) == order
    assert (await client.confirm_delivery(key)).state == "confirmed"
    assert (await client.confirm_delivery(key)).state == "confirmed"  # a replay: the same order, once
    assert server.deliveries.dispatch() == 1  # the courier's run
    assert (await client.confirm_delivery(key)).state == "dispatched"
    with pytest.raises(ServerRejected) as late:
        await client.cancel_delivery(key, reason="refunded")
    assert late.value.reason == "delivery-dispatched"
    assert [(d["state"], d["paid"]) for d in server.deliveries.deliveries()] == [("dispatched", False)]
    unanswered = new_key()  # confirmed, its answer lost, refunded by the booth: cancelled before the courier
    await client.order_delivery(unanswered, "land_register", copies=1, parcel=f"{BORAM} 12-3")
    await client.confirm_delivery(unanswered)
    await client.cancel_delivery(unanswered, reason="refunded")
    assert server.deliveries.dispatch() == 0
    assert (server.deliveries.deliveries()[-1]["state"], server.deliveries.deliveries()[-1]["paid"]) == (
        "cancelled", False)
    other = new_key()
    await client.order_delivery(other, "land_register", copies=1, parcel=f"{BORAM} 12-3")
    await client.cancel_delivery(other, reason="resident-cancelled")
    with pytest.raises(ServerRejected) as cancelled:
        await client.confirm_delivery(other)
    assert cancelled.value.reason == "delivery-cancelled"


async def test_a_notice_goes_once_to_a_mobile_number_only(server: ServerSimulator, client: IssuanceClient,
                                                          new_key: Callable[[], str]) -> None:
    facts = {"document": "resident_copy", "copies": 1, "fee_kept": 200,
             "verification_numbers": ["1234-5678-9012-3456"]}
    with pytest.raises(ServerRejected) as refused:
        await client.send_notice(new_key(), channel="sms", to="0212345678", kind="receipt", language="ko",
                                 facts=facts)
    assert refused.value.reason == "bad-recipient"
    key = new_key()
    first = await client.send_notice(key, channel="sms", to="01012345678", kind="receipt", language="ko",
                                     facts=facts)
    again = await client.send_notice(key, channel="sms", to="01012345678", kind="receipt", language="ko",
                                     facts=facts)
    assert first == again
    sent = server.notices.notices()
    assert len(sent) == 1 and sent[0]["to"] == "01012345678" and "1234-5678-9012-3456" in sent[0]["text"]


async def test_a_mobile_id_presentation_yields_a_token_without_a_number(server: ServerSimulator,
                                                                        client: IssuanceClient,
                                                                        new_key: Callable[[], str]) -> None:
    challenge = await client.start_mobile_id(new_key())
    m200 = json.loads(base64.urlsafe_b64decode(challenge.qr + "=" * (-len(challenge.qr) % 4)))
    assert (m200["cmd"], m200["trxcode"]) == ("200", challenge.trxcode)
    assert (await client.poll_mobile_id(challenge.trxcode)).state == "requested"
    server.mobile_id.present_mobile_id(challenge.qr, resident=0)
    verified = await client.poll_mobile_id(challenge.trxcode)
    assert verified.state == "verified" and verified.token
    # The token reserves like a finger's: the resident's own document, no number sent by the kiosk.
    reservation = await client.reserve(new_key(), "resident_copy", options=[], copies=1, token=verified.token)
    assert reservation.documents
    refused = await client.start_mobile_id(new_key())
    server.mobile_id.present_mobile_id(refused.qr, resident=1, valid=False)
    assert (await client.poll_mobile_id(refused.trxcode)).state == "failed"

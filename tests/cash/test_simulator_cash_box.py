"""The ccTalk simulator's cash box and stacker: what a technician finds in them and empties, apart from
the lifetime record of every coin and bill taken (the books compare both with the journal)."""

from __future__ import annotations

import pytest

from simulators.cctalk.simulator import CcTalkSimulator


def test_the_box_empties_into_the_technicians_hands_and_the_record_of_money_taken_stays() -> None:
    sim = CcTalkSimulator()
    sim.coin.master, sim.coin.enabled = True, frozenset({3, 4})  # 100 and 500 won
    assert sim.insert_coin(100) == "accepted"
    assert sim.insert_coin(500) == "accepted"
    sim.bill.stacker.append(1000)  # a bill routed to the stacker (the wire's ROUTE_BILL does this)
    assert sim.state()["box_won"] == 1600

    taken = sim.empty_cash_box()
    assert taken == {"coins": [100, 500], "bills": [1000], "won": 1600}
    state = sim.state()
    assert (state["box_won"], state["collections"], state["coin"]["cashbox"]) == (0, 1, [])
    assert state["coin"]["accepted"] == [100, 500]


def test_a_test_float_comes_back_out_piece_by_piece_and_a_missing_piece_is_refused() -> None:
    sim = CcTalkSimulator()
    sim.coin.master, sim.coin.enabled = True, frozenset({3})
    sim.insert_coin(100)
    sim.insert_coin(100)
    assert sim.take_from_box(coins=[100])["coin"]["cashbox"] == [100]
    with pytest.raises(ValueError, match="no 1000 won piece"):
        sim.take_from_box(bills=[1000])
    assert sim.state()["box_won"] == 100

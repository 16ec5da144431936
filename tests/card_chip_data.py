"""Field 55 (ICC data) as the simulated card produces it for a sale: what a real chip would hand the
terminal, for tests that talk to the payment API without a card reader in between."""

from __future__ import annotations

import datetime as dt
import secrets

from drivers.card import emv
from simulators.smartcard.card import EmvTestCard


async def chip_data(amount: int) -> str:
    """An ARQC the simulated issuer approves, for `amount` won, as upper-case hex."""
    card = EmvTestCard()
    card.power_on()

    async def transmit(command: bytes) -> bytes:
        return card.process(command)

    txn = emv.TransactionData(amount=amount, date=dt.date(2026, 11, 23), unpredictable_number=secrets.token_bytes(4))
    result = await emv.run_payment(transmit, emv.TerminalConfig(), txn)
    return result.online_data().hex().upper()

"""A journal row and a journal's `entries_since`, as the running counts read them (the hopper's coins,
the metrics' tally, the cash books). Named here, not taken from kiosk.journal, because the journal
imports those counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol


class Row(Protocol):
    @property
    def seq(self) -> int: ...

    @property
    def session(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def amount(self) -> int: ...

    @property
    def ref(self) -> str: ...

    @property
    def detail(self) -> Mapping[str, object]: ...


class RowsSince(Protocol):
    def entries_since(self, seq: int, kinds: tuple[str, ...]) -> Iterable[Row]: ...

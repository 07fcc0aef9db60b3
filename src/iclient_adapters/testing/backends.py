"""Fixture mixins that give the persistence suites their ``uow_factory``.

``class TestMine(MemoryBackend, AccountsContract, QuotesContract): pass`` runs both suites on
the bundled in-memory store: the reference an adapter of your own is compared with, and a
working example of the one fixture every persistence suite needs.
"""

from __future__ import annotations

import pytest

from iclient_adapters.memory import MemoryStore
from iclient_core.unit_of_work import UnitOfWorkFactory


class MemoryBackend:
    """``uow_factory`` on a new, empty :class:`~iclient_adapters.memory.MemoryStore` per test."""

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        """Units of work over an empty in-memory store of the test's own."""
        return MemoryStore().unit_of_work

"""One mixin per persistence adapter, giving a contract suite its ``uow_factory`` fixture.

``class TestSqliteThing(SqliteBackend, ThingContract): ...`` runs ``ThingContract`` on SQLite.
"""

from __future__ import annotations

import pytest

from iclient_adapters.memory import MemoryStore
from iclient_adapters.sql import SqlDatabase
from iclient_core.unit_of_work import UnitOfWorkFactory


class MemoryBackend:
    """The in-memory store."""

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        return MemoryStore().unit_of_work


class SqliteBackend:
    """SQLite, in a file of the test's own."""

    @pytest.fixture
    def uow_factory(self, sqlite_database: SqlDatabase) -> UnitOfWorkFactory:
        return sqlite_database.unit_of_work


@pytest.mark.postgres
class PostgresBackend:
    """PostgreSQL, emptied before each test."""

    @pytest.fixture
    def uow_factory(self, postgres_database: SqlDatabase) -> UnitOfWorkFactory:
        return postgres_database.unit_of_work

"""One mixin per persistence adapter, giving the contract suites their ``uow_factory`` fixture.

``class TestSqliteThing(SqliteBackend, ThingContract): ...`` runs ``ThingContract`` on SQLite.
``MemoryBackend`` ships with the kit (embedders reuse it); the SQL ones need this folder's
``sqlite_database`` and ``postgres_database`` fixtures.
"""

from __future__ import annotations

import pytest

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing.backends import MemoryBackend
from iclient_core.unit_of_work import UnitOfWorkFactory

__all__ = ["MemoryBackend", "PostgresBackend", "SqliteBackend"]


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

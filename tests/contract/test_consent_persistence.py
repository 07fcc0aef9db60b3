"""The consent persistence contract, run over every adapter: memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from iclient_adapters.memory import MemoryStore
from iclient_adapters.sql import SqlDatabase
from iclient_adapters.sql.tables import metadata
from iclient_adapters.testing.consent import ConsentContract
from iclient_core.ports import UnitOfWorkFactory


class TestMemoryConsent(ConsentContract):
    """The in-memory store."""

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        return MemoryStore().unit_of_work


class TestSqliteConsent(ConsentContract):
    """SQLite, in a file of the test's own."""

    @pytest.fixture
    def uow_factory(self, tmp_path: Path) -> Iterator[UnitOfWorkFactory]:
        database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'iclient.db'}")
        try:
            database.upgrade()
            yield database.unit_of_work
        finally:
            database.dispose()


@pytest.fixture(scope="session")
def postgres_database(postgres_url: str) -> Iterator[SqlDatabase]:
    """The run's PostgreSQL database, migrated once."""
    database = SqlDatabase.from_url(postgres_url)
    try:
        database.upgrade()
        yield database
    finally:
        database.dispose()


@pytest.mark.postgres
class TestPostgresConsent(ConsentContract):
    """PostgreSQL, emptied before each test."""

    @pytest.fixture
    def uow_factory(self, postgres_database: SqlDatabase) -> UnitOfWorkFactory:
        with postgres_database.engine.begin() as connection:
            names = ", ".join(t.name for t in reversed(metadata.sorted_tables))
            connection.execute(sa.text(f"TRUNCATE {names}"))
        return postgres_database.unit_of_work

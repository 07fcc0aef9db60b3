"""The databases the persistence contract suites run on: SQLite files and the run's PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.sql.tables import metadata


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[SqlDatabase]:
    """A migrated SQLite file database of the test's own."""
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'iclient.db'}")
    try:
        database.upgrade()
        yield database
    finally:
        database.dispose()


@pytest.fixture(scope="session")
def migrated_postgres(postgres_url: str) -> Iterator[SqlDatabase]:
    """The run's PostgreSQL database, migrated once."""
    database = SqlDatabase.from_url(postgres_url)
    try:
        database.upgrade()
        yield database
    finally:
        database.dispose()


@pytest.fixture
def postgres_database(migrated_postgres: SqlDatabase) -> SqlDatabase:
    """The run's PostgreSQL database, every table emptied for this test."""
    with migrated_postgres.engine.begin() as connection:
        names = ", ".join(t.name for t in reversed(metadata.sorted_tables))
        connection.execute(sa.text(f"TRUNCATE {names}"))
    return migrated_postgres

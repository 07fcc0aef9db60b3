"""The databases the persistence contract suites run on: SQLite files and the run's PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.sql.tables import metadata


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest revision once per worker (running the migrations
    took a tenth of a second for each of some 250 tests); each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite-migrated") / "iclient.db"
    database = SqlDatabase.from_url(f"sqlite:///{path}")
    try:
        database.upgrade()
    finally:
        database.dispose()  # the last connection closed: the WAL is checkpointed into the file
    return path


@pytest.fixture
def sqlite_database(tmp_path: Path, migrated_sqlite_file: Path) -> Iterator[SqlDatabase]:
    """A migrated SQLite file database of the test's own: a copy of the file the shipped
    migrations made, byte for byte (with its write-ahead log, if one was left)."""
    target = tmp_path / "iclient.db"
    for suffix in ("", "-wal", "-shm"):
        source = migrated_sqlite_file.with_name(migrated_sqlite_file.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))
    database = SqlDatabase.from_url(f"sqlite:///{target}")
    try:
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

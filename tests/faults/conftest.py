"""Fault injection on a real PostgreSQL: a migrated database of these tests' own, whose
connections the tests end (``pg_terminate_backend``) as a restart or failover would."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from iclient_adapters.sql import SqlDatabase

UNREACHABLE_URL = "postgresql+psycopg://postgres@127.0.0.1:9/iclient?connect_timeout=2"
"""A PostgreSQL URL where nothing listens (port 9, discard): the database is down."""


@pytest.fixture(scope="session")
def faults_url(postgres_url: str) -> Iterator[str]:
    """A migrated database of the fault tests' own (they end every connection to it)."""
    admin_url = sa.make_url(postgres_url)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"iclient_faults_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    database = SqlDatabase.from_url(url)
    try:
        database.upgrade()
        database.dispose()
        yield url
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Killer:
    """Ends every connection to one database from outside, as a restart would."""

    def __init__(self, url: str) -> None:
        self._name = sa.make_url(url).database
        self._admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)

    def kill_all(self) -> int:
        """Terminate every backend of the database; returns how many there were."""
        with self._admin.connect() as conn:
            ended = conn.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": self._name},
            ).scalar_one()
        return int(ended)

    def close(self) -> None:
        self._admin.dispose()


@pytest.fixture
def killer(faults_url: str) -> Iterator[Killer]:
    """Ends the fault database's connections on demand."""
    found = Killer(faults_url)
    try:
        yield found
    finally:
        found.close()

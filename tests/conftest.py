"""Fixtures shared by every test: a PostgreSQL database of the run's own, services, clocks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import settings

from iclient_adapters.clock import FrozenClock
from iclient_adapters.testing import make_services
from iclient_core.services import Services
from tests.hashing import CHEAP_HASHER

# A shared machine (and CI) can be slow for a moment: an example is judged on what it does,
# never on how long it took.
settings.register_profile("iclient", deadline=None)
settings.load_profile("iclient")

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_admin_url() -> str:
    return os.environ.get("ICLIENT_TEST_DATABASE_URL", DEFAULT_PG_URL)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end.

    Skipped when the server cannot be reached, except under CI, where that is a failure.
    """
    import sqlalchemy as sa

    admin_url = sa.make_url(_pg_admin_url())
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"iclient_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {admin_url!r} is unreachable under CI: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    """A clock that moves only when the test says so."""
    return FrozenClock()


@pytest.fixture
def services(clock: FrozenClock) -> Services:
    """Core services on in-memory adapters, hashing passwords at argon2's smallest cost
    (``tests.hashing``; a module about hashing overrides this fixture with the real cost)."""
    return make_services(clock=clock, hasher=CHEAP_HASHER)

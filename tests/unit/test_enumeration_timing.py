"""Forgot-password and sign-up take the same time whether or not the address has an
account: both branches do the same work (a token signed, a message built, an audit entry,
one commit). Measured on SQLite, where a commit costs a write to disk, as medians of many
interleaved runs; the test compares the two medians with each other, never with a figure."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing import make_services
from iclient_core.accounts import recovery, registration
from iclient_core.services import Services
from iclient_core.shared.limits import Limit
from tests.unit.helpers import IP, active_client

RUNS = 41
"""Runs of each branch, interleaved so that load on the machine hits both alike."""

TOLERANCE = 0.35
"""The largest relative difference of the medians taken as "the same time". Before the two
branches did the same work, forgot-password took several times as long for a known address."""


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    """Core services on a migrated SQLite file, without limits that would stop the runs."""
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'timing.db'}")
    database.upgrade()
    made = make_services(uow=database.unit_of_work)
    many = Limit(10**6, timedelta(hours=1))
    settings = attrs.evolve(
        made.settings,
        reset_per_ip=many,
        reset_per_address=many,
        sign_up_per_ip=many,
        resend_per_account=many,
    )
    try:
        yield attrs.evolve(made, settings=settings)
    finally:
        database.dispose()


BATCHES = 3
"""Batches of ``RUNS``: each branch is judged by its least disturbed batch's median."""


def medians(known: Callable[[int], None], unknown: Callable[[int], None]) -> tuple[float, float]:
    """The median durations of ``known`` and ``unknown`` over ``RUNS`` interleaved runs, the
    smallest of ``BATCHES`` batches for each: on a machine busy with other work (the other
    test worker's disk writes above all), one batch's medians can both be pushed up unevenly,
    never pulled below what the work itself costs."""
    found: dict[str, list[float]] = {"known": [], "unknown": []}
    known(-1), unknown(-1)  # warm up
    for batch in range(BATCHES):
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        gc.disable()
        try:
            for run in range(RUNS):
                order = [("known", known), ("unknown", unknown)]
                for name, action in order if run % 2 else reversed(order):
                    started = time.perf_counter()
                    action(batch * RUNS + run)
                    times[name].append(time.perf_counter() - started)
        finally:
            gc.enable()
        for name, durations in times.items():
            found[name].append(statistics.median(durations))
    return min(found["known"]), min(found["unknown"])


def same_time(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(a, b)


def test_forgot_password_takes_the_same_time_for_known_and_unknown_addresses(
    services: Services,
) -> None:
    active_client(services)

    def ask(email: str) -> None:
        recovery.request_password_reset(services=services, email=email, ip=IP)

    known, unknown = medians(
        lambda _run: ask("ana.silva@example.com"),
        lambda run: ask(f"nobody{run}@example.com"),
    )
    assert same_time(known, unknown), (known, unknown)


def test_sign_up_takes_the_same_time_for_known_and_new_addresses(services: Services) -> None:
    active_client(services)

    def sign_up(email: str) -> None:
        registration.register_client(
            services=services,
            first_name="Ana",
            last_name="Silva",
            phone="912345678",
            email=email,
            language="pt",
            ip=IP,
        )

    known, new = medians(
        lambda _run: sign_up("ana.silva@example.com"),
        lambda run: sign_up(f"new{run}@example.com"),
    )
    assert same_time(known, new), (known, new)

"""The bookings repository contract over memory, SQLite and PostgreSQL, plus what only a real
database shows: two people confirming the same slot at the same instant, on two connections,
get one booking; on PostgreSQL the database itself refuses the overlap."""

from __future__ import annotations

import threading
from datetime import time, timedelta

import attrs
import pytest
import sqlalchemy as sa

from iclient_adapters.memory import MemoryStore
from iclient_adapters.sql import SqlDatabase
from iclient_adapters.sql.bookings import overlap_guard
from iclient_adapters.testing import make_services
from iclient_adapters.testing.bookings import (
    BookingsContract,
    bookings_sample_booking,
    bookings_sample_service,
)
from iclient_adapters.testing.samples import T0, staff
from iclient_core.bookings import book, service_slots
from iclient_core.bookings.model import Availability, SlotTaken, WeeklyRange
from iclient_core.unit_of_work import UnitOfWorkFactory
from tests.contract.backends import MemoryBackend, PostgresBackend, SqliteBackend
from tests.contract.test_quotes_persistence import Statements


class TestMemoryBookings(MemoryBackend, BookingsContract):
    """BookingsContract on the in-memory store."""


class TestSqliteBookings(SqliteBackend, BookingsContract):
    """BookingsContract on SQLite."""


class TestPostgresBookings(PostgresBackend, BookingsContract):
    """BookingsContract on PostgreSQL."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_database(request: pytest.FixtureRequest) -> SqlDatabase:
    """A migrated, empty database on each SQL engine."""
    name = "sqlite_database" if request.param == "sqlite" else "postgres_database"
    database: SqlDatabase = request.getfixturevalue(name)
    return database


def open_hours(uow_factory: UnitOfWorkFactory) -> str:
    """A staff member who works every day 08:00-20:00 and a service of theirs; its id."""
    member = staff("rui@example.pt")
    service = bookings_sample_service((member.id,))
    with uow_factory() as uow:
        uow.accounts.add(member)
        uow.bookings.add_service(service)
        uow.bookings.save_availability(
            Availability(
                staff_id=member.id,
                weekly=tuple(WeeklyRange(day, time(8), time(20)) for day in range(7)),
            )
        )
        uow.commit()
    return service.id


def test_two_people_confirming_the_same_slot_at_once_get_one_booking(
    sql_database: SqlDatabase,
) -> None:
    """Both check the slot free, then both insert on their own connection at the same time:
    exactly one booking is stored, the other person gets "that time was just taken" with the
    next free times."""
    service_id = open_hours(sql_database.unit_of_work)
    start = (T0 + timedelta(days=2)).replace(hour=10, minute=0).isoformat()
    ready = threading.Barrier(2)
    outcomes: list[object] = []
    original = sql_database.unit_of_work

    def racing_uow():  # type: ignore[no-untyped-def]
        uow = original()
        real_add = None

        class Racing:
            def __enter__(self):  # type: ignore[no-untyped-def]
                nonlocal real_add
                uow.__enter__()
                real_add = uow.bookings.add_booking

                def add_booking(booking):  # type: ignore[no-untyped-def]
                    ready.wait(timeout=10)  # both have read the slot as free
                    assert real_add is not None
                    real_add(booking)

                uow.bookings.add_booking = add_booking  # type: ignore[method-assign]
                return uow

            def __exit__(self, *exc):  # type: ignore[no-untyped-def]
                return uow.__exit__(*exc)

        return Racing()

    racing = make_services(uow=racing_uow)

    def confirm(name: str) -> None:
        try:
            booking = book(
                services=racing,
                service_id=service_id,
                start=start,
                name=name,
                email=f"{name.lower()}@example.pt",
                phone="+351912345678",
                contact_consent=True,
                language="pt",
                account_id=None,
                ip=f"192.0.2.{len(name)}",
            )
            outcomes.append(booking)
        except SlotTaken as error:
            outcomes.append(error)

    threads = [threading.Thread(target=confirm, args=(n,)) for n in ("Ana", "Bruno")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    taken = [o for o in outcomes if isinstance(o, SlotTaken)]
    assert len(outcomes) == 2
    assert len(taken) == 1
    assert taken[0].next_slots  # the next free times are offered
    assert all(s.isoformat() != start for s in taken[0].next_slots)
    with sql_database.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM bookings")).scalar() == 1


@pytest.mark.postgres
def test_postgresql_itself_refuses_overlapping_bookings(postgres_database: SqlDatabase) -> None:
    """Straight SQL, past the application: the exclusion constraint holds."""
    uow_factory = postgres_database.unit_of_work
    member = staff("rui@example.pt")
    service = bookings_sample_service((member.id,))
    first = bookings_sample_booking(service, member.id, minutes=0)
    with uow_factory() as uow:
        uow.accounts.add(member)
        uow.bookings.add_service(service)
        uow.bookings.add_booking(first)
        uow.commit()
    with (
        pytest.raises(sa.exc.IntegrityError, match="ex_bookings_staff_time"),
        postgres_database.engine.begin() as connection,
    ):
        connection.execute(
            sa.text(
                "INSERT INTO bookings SELECT 'other', service_id, staff_id, starts_at + "
                "interval '5 minutes', ends_at, blocked_until, status, name, email, phone, "
                "language, account_id, contact_consent_at, booked_by, moves, reminder_sent_at, "
                "cancelled_at, created_at, updated_at, version FROM bookings"
            )
        )
    with postgres_database.engine.begin() as connection:  # cancelled rows do not count
        connection.execute(
            sa.text(
                "INSERT INTO bookings SELECT 'other', service_id, staff_id, starts_at, ends_at, "
                "blocked_until, 'cancelled', name, email, phone, language, account_id, "
                "contact_consent_at, booked_by, moves, reminder_sent_at, cancelled_at, "
                "created_at, updated_at, version FROM bookings"
            )
        )


def test_a_second_writer_sees_the_first_ones_booking_on_two_connections(
    sql_database: SqlDatabase,
) -> None:
    """Two units of work both insert the same time, the first commits while the second
    waits: the second is refused with SlotTaken (the database's own check on PostgreSQL)."""
    service_id = open_hours(sql_database.unit_of_work)
    with sql_database.unit_of_work() as uow:
        service = uow.bookings.get_service(service_id)
    assert service is not None
    member_id = service.staff_ids[0]
    first_in = threading.Event()
    release = threading.Event()
    results: list[str] = []

    def first() -> None:
        with sql_database.unit_of_work() as uow:
            uow.bookings.add_booking(bookings_sample_booking(service, member_id, minutes=0))
            first_in.set()
            release.wait(timeout=10)
            uow.commit()
        results.append("first committed")

    def second() -> None:
        first_in.wait(timeout=10)
        try:
            with sql_database.unit_of_work() as uow:
                threading.Timer(0.3, release.set).start()
                uow.bookings.add_booking(bookings_sample_booking(service, member_id, minutes=10))
                uow.commit()
            results.append("second committed")
        except SlotTaken:
            results.append("second refused")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["first committed", "second refused"]


def test_the_free_times_cost_the_same_queries_for_3_or_300_bookings(
    sql_database: SqlDatabase,
) -> None:
    """The service, the rules, each staff member's hours and the held time: never a query
    per booking."""
    services = make_services(uow=sql_database.unit_of_work)
    service_id = open_hours(sql_database.unit_of_work)
    with sql_database.unit_of_work() as uow:
        service = uow.bookings.get_service(service_id)
    assert service is not None
    made = 0

    def cost(rows: int) -> int:
        nonlocal made
        with sql_database.unit_of_work() as uow:
            for _ in range(rows):
                day, slot = divmod(made, 12)
                start = T0.replace(hour=8) + timedelta(days=day + 1, minutes=60 * slot)
                uow.bookings.add_booking(
                    attrs.evolve(
                        bookings_sample_booking(service, service.staff_ids[0], minutes=0),
                        start=start,
                        end=start + timedelta(minutes=30),
                        blocked_until=start + timedelta(minutes=40),
                    )
                )
                made += 1
            uow.commit()
        with Statements(sql_database.engine) as counted:
            service_slots(services=services, service_id=service_id, client=False)
        return counted.count

    assert cost(3) == cost(297)


def test_the_memory_store_refuses_the_second_of_two_open_transactions_at_commit() -> None:
    """Both read the time as free and add their booking; the first to commit wins."""
    store = MemoryStore()
    member = staff("rui@example.pt")
    service = bookings_sample_service((member.id,))
    with store.unit_of_work() as uow:
        uow.accounts.add(member)
        uow.bookings.add_service(service)
        uow.commit()
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        first.bookings.add_booking(bookings_sample_booking(service, member.id, minutes=0))
        second.bookings.add_booking(bookings_sample_booking(service, member.id, minutes=20))
        first.commit()
        with pytest.raises(SlotTaken):
            second.commit()
    with store.unit_of_work() as uow:
        assert len(uow.bookings.bookings_between(T0, T0 + timedelta(days=2))) == 1


class _DriverError(Exception):
    """What the driver raises, with PostgreSQL's error code."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.postgres
def test_a_deadlock_between_two_bookings_of_one_time_is_the_slot_taken(
    postgres_database: SqlDatabase,
) -> None:
    """PostgreSQL breaks two exclusion checks waiting for each other by failing one: that
    booking lost the slot; the unit of work goes on. A lost connection stays what it is."""
    deadlock = sa.exc.OperationalError("INSERT INTO bookings", {}, _DriverError("40P01"))
    lost = sa.exc.OperationalError("INSERT INTO bookings", {}, _DriverError("08006"))
    with postgres_database.unit_of_work() as uow:
        with pytest.raises(SlotTaken), overlap_guard(uow.connection):
            raise deadlock
        assert uow.connection.execute(sa.select(sa.literal(1))).scalar_one() == 1
        with pytest.raises(sa.exc.OperationalError) as raised, overlap_guard(uow.connection):
            raise lost
        assert raised.value is lost

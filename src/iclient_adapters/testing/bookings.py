"""The bookings persistence contract: what ``uow.bookings`` (a ``BookingRepository``) must do.

Mix :class:`BookingsContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMyBookings(MemoryBackend, BookingsContract):
        pass

The store must refuse two bookings that hold one staff member at once, itself: the suite
checks it inside one transaction and across two that commit one after the other.

Needs pytest.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import attrs
import pytest

from iclient_adapters.testing.samples import T0, client, new_id, staff
from iclient_core.accounts.model import Account
from iclient_core.bookings.model import (
    Audience,
    Availability,
    AvailabilityException,
    Booking,
    BookingRules,
    BookingStatus,
    Service,
    SlotTaken,
    WeeklyRange,
)
from iclient_core.shared.errors import ConcurrentUpdate
from iclient_core.unit_of_work import UnitOfWorkFactory


def bookings_sample_service(staff_ids: tuple[str, ...], *, buffer: int = 10) -> Service:
    """A 30-minute service with a buffer, bookable by everyone."""
    return Service(
        id=new_id(),
        name_pt="Consulta",
        name_en="Consultation",
        description="Uma **consulta**.",
        duration_minutes=30,
        price_cents=4500,
        buffer_minutes=buffer,
        audience=Audience.EVERYONE,
        staff_ids=staff_ids,
        active=True,
        created_at=T0,
        updated_at=T0,
    )


def bookings_sample_booking(
    service: Service,
    staff_id: str,
    *,
    minutes: int,
    account_id: str | None = None,
    name: str = "Ana Silva",
) -> Booking:
    """A confirmed booking ``minutes`` after a day after ``T0``."""
    return Booking.confirm(
        id=new_id(),
        service=service,
        staff_id=staff_id,
        start=T0 + timedelta(days=1, minutes=minutes),
        name=name,
        email="ana@example.pt",
        phone="+351912345678",
        language="pt",
        account_id=account_id,
        booked_by=None,
        now=T0,
    )


class BookingsContract:
    """Needs ``uow_factory``. Services, hours, rules and bookings: round trips, optimistic
    saves, no overlapping bookings for one staff member, lists by time and by client."""

    def bookings_setup(self, uow_factory: UnitOfWorkFactory) -> tuple[Account, Service]:
        """A staff member and a service they perform, stored."""
        member = staff(f"{new_id()[:8]}@example.pt")
        service = bookings_sample_service((member.id,))
        with uow_factory() as uow:
            uow.accounts.add(member)
            uow.bookings.add_service(service)
            uow.commit()
        return member, service

    def test_bookings_a_service_round_trips_and_saves_once_per_version(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _, service = self.bookings_setup(uow_factory)
        with uow_factory() as uow:
            assert uow.bookings.get_service(service.id) == service
            assert uow.bookings.get_service("nope") is None
            assert list(uow.bookings.services()) == [service]
            loaded = uow.bookings.get_service(service.id)
        assert loaded is not None
        stale = attrs.evolve(loaded)
        loaded.name_en, loaded.price_cents, loaded.audience = "Visit", None, Audience.CLIENTS
        with uow_factory() as uow:
            uow.bookings.save_service(loaded)
            uow.commit()
        assert loaded.version == 2
        with uow_factory() as uow:
            assert uow.bookings.get_service(service.id) == loaded
            with pytest.raises(ConcurrentUpdate):
                uow.bookings.save_service(stale)

    def test_bookings_hours_and_rules_round_trip(self, uow_factory: UnitOfWorkFactory) -> None:
        member, _ = self.bookings_setup(uow_factory)
        with uow_factory() as uow:
            empty = uow.bookings.availability(member.id)
            assert empty == Availability(staff_id=member.id)
            assert uow.bookings.rules() == BookingRules()
        hours = Availability(
            staff_id=member.id,
            weekly=(WeeklyRange(0, time(9), time(12, 30)), WeeklyRange(0, time(14), time(18))),
            exceptions=(
                AvailabilityException(
                    datetime(2026, 12, 24, 0, 0), datetime(2026, 12, 26, 0, 0), False, "Natal"
                ),
            ),
        )
        rules = BookingRules(time_zone="Europe/Madrid", min_notice_minutes=60, step_minutes=15)
        with uow_factory() as uow:
            uow.bookings.save_availability(hours)
            uow.bookings.save_rules(rules)
            uow.commit()
        assert hours.version == 1
        with uow_factory() as uow:
            assert uow.bookings.availability(member.id) == hours
            assert uow.bookings.rules() == rules
        stale = attrs.evolve(hours, version=0)
        with uow_factory() as uow:
            uow.bookings.save_availability(hours)
            uow.commit()
        with uow_factory() as uow, pytest.raises(ConcurrentUpdate):
            uow.bookings.save_availability(stale)

    def test_bookings_a_booking_round_trips_and_lists_by_time(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        member, service = self.bookings_setup(uow_factory)
        ana = client()
        first = bookings_sample_booking(service, member.id, minutes=0, account_id=ana.id)
        second = bookings_sample_booking(service, member.id, minutes=60)
        with uow_factory() as uow:
            uow.accounts.add(ana)
            uow.bookings.add_booking(second)
            uow.bookings.add_booking(first)
            uow.commit()
        day = T0 + timedelta(days=1)
        with uow_factory() as uow:
            assert uow.bookings.get_booking(first.id) == first
            assert uow.bookings.get_booking("nope") is None
            assert [b.id for b in uow.bookings.bookings_between(day, day + timedelta(hours=3))] == [
                first.id,
                second.id,
            ]
            # The buffer counts: the first holds until 09:40.
            held = uow.bookings.bookings_between(
                day + timedelta(minutes=35), day + timedelta(minutes=40), staff_id=member.id
            )
            assert [b.id for b in held] == [first.id]
            assert list(uow.bookings.bookings_between(day, day, staff_id="nobody")) == []
            assert [b.id for b in uow.bookings.bookings_of_account(ana.id)] == [first.id]

    def test_bookings_held_time_is_listed_per_staff_member_without_cancelled_ones(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        member, service = self.bookings_setup(uow_factory)
        other, _ = self.bookings_setup(uow_factory)
        first = bookings_sample_booking(service, member.id, minutes=0)
        gone = bookings_sample_booking(service, member.id, minutes=60)
        theirs = bookings_sample_booking(service, other.id, minutes=0)
        gone.cancel(T0)
        with uow_factory() as uow:
            for booking in (first, gone, theirs):
                uow.bookings.add_booking(booking)
            uow.commit()
        window = (T0, T0 + timedelta(days=2))
        with uow_factory() as uow:
            assert list(uow.bookings.held_between(*window, staff_ids=[member.id])) == [
                (member.id, first.start, first.blocked_until)
            ]
            both = uow.bookings.held_between(*window, staff_ids=[member.id, other.id])
            assert sorted(both) == sorted(
                [
                    (member.id, first.start, first.blocked_until),
                    (other.id, theirs.start, theirs.blocked_until),
                ]
            )
            assert list(uow.bookings.held_between(*window, staff_ids=[])) == []
            later = (first.blocked_until, T0 + timedelta(days=2))
            assert list(uow.bookings.held_between(*later, staff_ids=[member.id])) == []

    def test_bookings_two_overlapping_bookings_of_one_staff_member_are_refused(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        member, service = self.bookings_setup(uow_factory)
        other, _ = self.bookings_setup(uow_factory)
        held = bookings_sample_booking(service, member.id, minutes=0)
        with uow_factory() as uow:
            uow.bookings.add_booking(held)
            uow.commit()
        # Inside the buffer (09:30-09:40), in another transaction committed after.
        with pytest.raises(SlotTaken), uow_factory() as uow:
            uow.bookings.add_booking(bookings_sample_booking(service, member.id, minutes=35))
            uow.commit()
        # Another staff member, or right after the buffer, is fine.
        with uow_factory() as uow:
            uow.bookings.add_booking(bookings_sample_booking(service, other.id, minutes=0))
            uow.bookings.add_booking(bookings_sample_booking(service, member.id, minutes=40))
            uow.commit()
        with uow_factory() as uow:
            assert len(uow.bookings.bookings_between(T0, T0 + timedelta(days=2))) == 3

    def test_bookings_a_cancelled_booking_frees_its_time(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        member, service = self.bookings_setup(uow_factory)
        held = bookings_sample_booking(service, member.id, minutes=0)
        with uow_factory() as uow:
            uow.bookings.add_booking(held)
            uow.commit()
        held.cancel(T0)
        with uow_factory() as uow:
            uow.bookings.save_booking(held)
            uow.commit()
        again = bookings_sample_booking(service, member.id, minutes=0)
        with uow_factory() as uow:
            uow.bookings.add_booking(again)
            uow.commit()
        window = (T0, T0 + timedelta(days=2))
        with uow_factory() as uow:
            assert [b.id for b in uow.bookings.bookings_between(*window)] == [again.id]
            everything = uow.bookings.bookings_between(*window, include_cancelled=True)
            assert {b.id for b in everything} == {held.id, again.id}
            stored = uow.bookings.get_booking(held.id)
            assert stored is not None
            assert stored.status is BookingStatus.CANCELLED

    def test_bookings_moving_onto_another_booking_is_refused(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        member, service = self.bookings_setup(uow_factory)
        first = bookings_sample_booking(service, member.id, minutes=0)
        second = bookings_sample_booking(service, member.id, minutes=120)
        with uow_factory() as uow:
            uow.bookings.add_booking(first)
            uow.bookings.add_booking(second)
            uow.commit()
        second.move_to(first.start + timedelta(minutes=15), service, T0)
        with pytest.raises(SlotTaken), uow_factory() as uow:
            uow.bookings.save_booking(second)
            uow.commit()
        with uow_factory() as uow:
            stored = uow.bookings.get_booking(second.id)
            assert stored is not None
            assert stored.start == T0 + timedelta(days=1, minutes=120)

    def test_bookings_reminders_due_and_a_clients_bookings_erased(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        member, service = self.bookings_setup(uow_factory)
        ana = client()
        soon = bookings_sample_booking(service, member.id, minutes=0, account_id=ana.id)
        later = bookings_sample_booking(service, member.id, minutes=60 * 30)
        with uow_factory() as uow:
            uow.accounts.add(ana)
            uow.bookings.add_booking(soon)
            uow.bookings.add_booking(later)
            uow.commit()
        with uow_factory() as uow:
            due = uow.bookings.due_reminders(T0, T0 + timedelta(days=1, hours=1))
            assert [b.id for b in due] == [soon.id]
            due[0].reminder_sent_at = T0
            uow.bookings.save_booking(due[0])
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.bookings.due_reminders(T0, T0 + timedelta(days=1, hours=1))) == []
            assert uow.bookings.delete_bookings_of_account(ana.id) == 1
            uow.commit()
        with uow_factory() as uow:
            assert uow.bookings.get_booking(soon.id) is None
            assert uow.bookings.get_booking(later.id) is not None

"""The bookings repository on SQL.

No double booking, whatever the engine: PostgreSQL refuses an overlapping row itself (the
migration's exclusion constraint, SQLSTATE 23P01), inside a savepoint so the unit of work
stays usable; SQLite writes the row first, which takes the database's single write lock,
and then looks for an overlapping row in the same transaction, so a second writer waits for
the first to commit and then sees its booking.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, time
from typing import Any

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import booking_availability, booking_rules, booking_services
from iclient_adapters.sql.tables import bookings as bookings_table
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

EXCLUSION_VIOLATION = "23P01"
DEADLOCK_DETECTED = "40P01"


def is_exclusion_violation(error: sa.exc.DBAPIError) -> bool:
    """True when ``error`` is PostgreSQL's exclusion constraint violation."""
    return getattr(error.orig, "sqlstate", None) == EXCLUSION_VIOLATION


def is_deadlock(error: sa.exc.DBAPIError) -> bool:
    """True when PostgreSQL broke a deadlock by failing this statement."""
    return getattr(error.orig, "sqlstate", None) == DEADLOCK_DETECTED


@contextmanager
def overlap_guard(connection: Executor) -> Iterator[None]:
    """Turn an overlap found inside the block into ``SlotTaken`` (PostgreSQL: in a
    savepoint, so the transaction goes on).

    Two bookings of the same time written at the same moment can each wait for the other's
    exclusion check: PostgreSQL then fails one with a deadlock instead of the exclusion
    violation, and lets the other through. Either way this booking lost the slot."""
    savepoint = connection.begin_nested() if connection.dialect.name != "sqlite" else None
    try:
        yield
    except sa.exc.DBAPIError as error:
        taken = is_exclusion_violation(error) or is_deadlock(error)
        if not taken and not isinstance(error, sa.exc.IntegrityError):
            raise  # a lost connection, say: the unit of work reports it as it is
        if savepoint is not None:
            savepoint.rollback()
        if taken:
            raise SlotTaken() from error
        raise
    if savepoint is not None:
        savepoint.commit()


def _service_row(service: Service) -> dict[str, Any]:
    return {
        "id": service.id,
        "name_pt": service.name_pt,
        "name_en": service.name_en,
        "description": service.description,
        "duration_minutes": service.duration_minutes,
        "price_cents": service.price_cents,
        "buffer_minutes": service.buffer_minutes,
        "audience": service.audience.value,
        "staff_ids": list(service.staff_ids),
        "active": service.active,
        "created_at": service.created_at,
        "updated_at": service.updated_at,
        "version": service.version,
    }


def _service(row: sa.Row[Any]) -> Service:
    return Service(
        id=row.id,
        name_pt=row.name_pt,
        name_en=row.name_en,
        description=row.description,
        duration_minutes=row.duration_minutes,
        price_cents=row.price_cents,
        buffer_minutes=row.buffer_minutes,
        audience=Audience(row.audience),
        staff_ids=tuple(str(s) for s in row.staff_ids),
        active=bool(row.active),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _booking_row(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.id,
        "service_id": booking.service_id,
        "staff_id": booking.staff_id,
        "starts_at": booking.start,
        "ends_at": booking.end,
        "blocked_until": booking.blocked_until,
        "status": booking.status.value,
        "name": booking.name,
        "email": booking.email,
        "phone": booking.phone,
        "language": booking.language,
        "account_id": booking.account_id,
        "contact_consent_at": booking.contact_consent_at,
        "booked_by": booking.booked_by,
        "moves": booking.moves,
        "reminder_sent_at": booking.reminder_sent_at,
        "cancelled_at": booking.cancelled_at,
        "created_at": booking.created_at,
        "updated_at": booking.updated_at,
        "version": booking.version,
    }


def _booking(row: sa.Row[Any]) -> Booking:
    return Booking(
        id=row.id,
        service_id=row.service_id,
        staff_id=row.staff_id,
        start=row.starts_at,
        end=row.ends_at,
        blocked_until=row.blocked_until,
        status=BookingStatus(row.status),
        name=row.name,
        email=row.email,
        phone=row.phone,
        language=row.language,
        account_id=row.account_id,
        contact_consent_at=row.contact_consent_at,
        booked_by=row.booked_by,
        moves=row.moves,
        reminder_sent_at=row.reminder_sent_at,
        cancelled_at=row.cancelled_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


class SqlBookingRepository:
    """The ``BookingRepository`` port on a connection."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection

    def add_service(self, service: Service) -> None:
        """Insert a service."""
        with unique_guard(self._db, service.id):
            self._db.execute(booking_services.insert(), _service_row(service))

    def get_service(self, service_id: str) -> Service | None:
        """The service, or None."""
        row = self._db.execute(
            sa.select(booking_services).where(booking_services.c.id == service_id)
        ).first()
        return _service(row) if row is not None else None

    def services(self) -> Sequence[Service]:
        """Every service, by Portuguese name: one query."""
        rows = self._db.execute(sa.select(booking_services))
        return sorted((_service(r) for r in rows), key=lambda s: (s.name_pt.lower(), s.id))

    def save_service(self, service: Service) -> None:
        """Write back a service and bump its version."""
        values = _service_row(service)
        del values["id"], values["version"]
        result = self._db.execute(
            sa.update(booking_services)
            .where(
                booking_services.c.id == service.id,
                booking_services.c.version == service.version,
            )
            .values(**values, version=service.version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(service.id)
        service.version += 1

    def availability(self, staff_id: str) -> Availability:
        """A staff member's hours (empty when never set)."""
        row = self._db.execute(
            sa.select(booking_availability).where(booking_availability.c.staff_id == staff_id)
        ).first()
        if row is None:
            return Availability(staff_id=staff_id)
        return Availability(
            staff_id=staff_id,
            weekly=tuple(
                WeeklyRange(
                    w["weekday"], time.fromisoformat(w["start"]), time.fromisoformat(w["end"])
                )
                for w in row.weekly
            ),
            exceptions=tuple(
                AvailabilityException(
                    datetime.fromisoformat(e["start"]),
                    datetime.fromisoformat(e["end"]),
                    bool(e["available"]),
                    e.get("note", ""),
                )
                for e in row.exceptions
            ),
            version=row.version,
        )

    def save_availability(self, availability: Availability) -> None:
        """Write a staff member's hours and bump their version."""
        values = {
            "weekly": [
                {"weekday": w.weekday, "start": w.start.isoformat(), "end": w.end.isoformat()}
                for w in availability.weekly
            ],
            "exceptions": [
                {
                    "start": e.start.isoformat(),
                    "end": e.end.isoformat(),
                    "available": e.available,
                    "note": e.note,
                }
                for e in availability.exceptions
            ],
            "version": availability.version + 1,
        }
        if availability.version == 0:
            with unique_guard(self._db, availability.staff_id):
                try:
                    self._db.execute(
                        booking_availability.insert(),
                        {"staff_id": availability.staff_id, **values},
                    )
                except sa.exc.IntegrityError as error:
                    raise ConcurrentUpdate(availability.staff_id) from error
        else:
            result = self._db.execute(
                sa.update(booking_availability)
                .where(
                    booking_availability.c.staff_id == availability.staff_id,
                    booking_availability.c.version == availability.version,
                )
                .values(**values)
            )
            if result.rowcount != 1:
                raise ConcurrentUpdate(availability.staff_id)
        availability.version += 1

    def rules(self) -> BookingRules:
        """The booking rules (defaults when never set)."""
        row = self._db.execute(sa.select(booking_rules).where(booking_rules.c.id == 1)).first()
        if row is None:
            return BookingRules()
        return BookingRules(
            time_zone=row.time_zone,
            min_notice_minutes=row.min_notice_minutes,
            horizon_days=row.horizon_days,
            cancel_hours=row.cancel_hours,
            step_minutes=row.step_minutes,
        )

    def save_rules(self, rules: BookingRules) -> None:
        """Replace the booking rules."""
        values = {
            "time_zone": rules.time_zone,
            "min_notice_minutes": rules.min_notice_minutes,
            "horizon_days": rules.horizon_days,
            "cancel_hours": rules.cancel_hours,
            "step_minutes": rules.step_minutes,
        }
        result = self._db.execute(
            sa.update(booking_rules).where(booking_rules.c.id == 1).values(**values)
        )
        if result.rowcount != 1:
            self._db.execute(booking_rules.insert(), {"id": 1, **values})

    def _check_overlap(self, booking: Booking) -> None:
        """SQLite's stand-in for the exclusion constraint (after the write, see the module)."""
        if self._db.dialect.name == "postgresql" or not booking.active:
            return
        t = bookings_table.c
        clash = self._db.execute(
            sa.select(t.id)
            .where(
                t.staff_id == booking.staff_id,
                t.id != booking.id,
                t.status != BookingStatus.CANCELLED.value,
                t.starts_at < booking.blocked_until,
                t.blocked_until > booking.start,
            )
            .limit(1)
        ).first()
        if clash is not None:
            raise SlotTaken()

    def add_booking(self, booking: Booking) -> None:
        """Insert a booking; an overlap raises ``SlotTaken``."""
        with unique_guard(self._db, booking.id), overlap_guard(self._db):
            self._db.execute(bookings_table.insert(), _booking_row(booking))
        try:
            self._check_overlap(booking)
        except SlotTaken:
            self._db.execute(sa.delete(bookings_table).where(bookings_table.c.id == booking.id))
            raise

    def get_booking(self, booking_id: str) -> Booking | None:
        """The booking, or None."""
        row = self._db.execute(
            sa.select(bookings_table).where(bookings_table.c.id == booking_id)
        ).first()
        return _booking(row) if row is not None else None

    def save_booking(self, booking: Booking) -> None:
        """Write back a booking and bump its version; an overlap raises ``SlotTaken``."""
        values = _booking_row(booking)
        del values["id"], values["version"]
        t = bookings_table.c
        with overlap_guard(self._db):
            result = self._db.execute(
                sa.update(bookings_table)
                .where(t.id == booking.id, t.version == booking.version)
                .values(**values, version=booking.version + 1)
            )
        if result.rowcount != 1:
            raise ConcurrentUpdate(booking.id)
        booking.version += 1
        self._check_overlap(booking)

    def bookings_between(
        self,
        start: datetime,
        end: datetime,
        *,
        staff_id: str | None = None,
        include_cancelled: bool = False,
    ) -> Sequence[Booking]:
        """Bookings holding time in ``[start, end)``, by start: one query."""
        t = bookings_table.c
        where = [t.starts_at < end, t.blocked_until > start]
        if staff_id is not None:
            where.append(t.staff_id == staff_id)
        if not include_cancelled:
            where.append(t.status != BookingStatus.CANCELLED.value)
        rows = self._db.execute(sa.select(bookings_table).where(*where).order_by(t.starts_at, t.id))
        return [_booking(r) for r in rows]

    def held_between(
        self, start: datetime, end: datetime, *, staff_ids: Collection[str]
    ) -> Sequence[tuple[str, datetime, datetime]]:
        """What not cancelled bookings of ``staff_ids`` hold in ``[start, end)``: one query of
        three columns."""
        if not staff_ids:
            return []
        t = bookings_table.c
        rows = self._db.execute(
            sa.select(t.staff_id, t.starts_at, t.blocked_until)
            .where(
                t.staff_id.in_(list(staff_ids)),
                t.status != BookingStatus.CANCELLED.value,
                t.starts_at < end,
                t.blocked_until > start,
            )
            .order_by(t.staff_id, t.starts_at)
        )
        return [(row.staff_id, row.starts_at, row.blocked_until) for row in rows]

    def bookings_of_account(self, account_id: str) -> Sequence[Booking]:
        """A client's bookings, newest start first: one query."""
        t = bookings_table.c
        rows = self._db.execute(
            sa.select(bookings_table)
            .where(t.account_id == account_id)
            .order_by(t.starts_at.desc(), t.id.desc())
        )
        return [_booking(r) for r in rows]

    def due_reminders(self, start: datetime, end: datetime) -> Sequence[Booking]:
        """Confirmed bookings starting in ``[start, end)`` without a reminder: one query."""
        t = bookings_table.c
        rows = self._db.execute(
            sa.select(bookings_table)
            .where(
                t.status == BookingStatus.CONFIRMED.value,
                t.reminder_sent_at.is_(None),
                t.starts_at >= start,
                t.starts_at < end,
            )
            .order_by(t.starts_at, t.id)
        )
        return [_booking(r) for r in rows]

    def delete_bookings_of_account(self, account_id: str) -> int:
        """Remove a client's bookings: one statement."""
        result = self._db.execute(
            sa.delete(bookings_table).where(bookings_table.c.account_id == account_id)
        )
        return int(result.rowcount)

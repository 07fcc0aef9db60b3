"""Free slots for 4 weeks of one staff member with 500 bookings: the pure computation (weekly
hours across a clock change, time off, buffers) and the whole use case on SQLite (reading the
service, hours, rules and bookings). Prints one JSON line; ``bench/run.py`` turns it into rows.

    python bench/slots.py --runs 30
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from iclient_adapters.clock import FrozenClock
from iclient_adapters.sql import SqlDatabase
from iclient_adapters.testing import make_services
from iclient_adapters.testing.bookings import bookings_sample_service
from iclient_adapters.testing.samples import staff
from iclient_core.bookings import service_slots
from iclient_core.bookings.model import (
    Availability,
    AvailabilityException,
    Booking,
    BookingRules,
    WeeklyRange,
)
from iclient_core.bookings.slots import free_starts, working_intervals

FIRST = date(2026, 3, 16)  # the 4 weeks hold the spring clock change (29 March)
NOW = datetime(2026, 3, 16, 6, 0, tzinfo=UTC)
WEEKLY = tuple(WeeklyRange(d, clock(8), clock(13)) for d in range(6)) + tuple(
    WeeklyRange(d, clock(14), clock(20)) for d in range(6)
)
OFF = (AvailabilityException(datetime(2026, 4, 3, 0, 0), datetime(2026, 4, 4, 0, 0), False),)
BOOKINGS = 500


def bookings_of(service_id: str, staff_id: str) -> list[Booking]:
    """500 bookings, 30 minutes each with the service's buffer, spread over the 4 weeks."""
    from iclient_core.bookings.model import BookingStatus

    found = []
    start = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)
    for n in range(BOOKINGS):
        at = start + timedelta(minutes=67 * n)
        found.append(
            Booking(
                id=f"b{n:04d}",
                service_id=service_id,
                staff_id=staff_id,
                start=at,
                end=at + timedelta(minutes=30),
                blocked_until=at + timedelta(minutes=40),
                status=BookingStatus.CONFIRMED,
                name="Bench",
                email="bench@example.pt",
                phone="",
                language="pt",
                account_id=None,
                contact_consent_at=NOW,
                booked_by=None,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return found


def pure(busy: list[tuple[datetime, datetime]]) -> int:
    intervals = working_intervals(
        WEEKLY, OFF, ZoneInfo("Europe/Lisbon"), FIRST, FIRST + timedelta(days=27)
    )
    return len(
        free_starts(
            intervals=intervals,
            busy=busy,
            duration=timedelta(minutes=30),
            buffer=timedelta(minutes=10),
            step=timedelta(minutes=15),
            earliest=NOW,
            latest=NOW + timedelta(days=28),
        )
    )


def median_ms(runs: int, work: object) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        count = work()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    member = staff("bench@example.pt")
    service = bookings_sample_service((member.id,), buffer=10)
    held = bookings_of(service.id, member.id)
    busy = [(b.start, b.blocked_until) for b in held]
    pure_ms, pure_count = median_ms(args.runs, lambda: pure(busy))

    with tempfile.TemporaryDirectory() as folder:
        database = SqlDatabase.from_url(f"sqlite:///{Path(folder) / 'bench.db'}")
        database.upgrade()
        with database.unit_of_work() as uow:
            uow.accounts.add(member)
            uow.bookings.add_service(service)
            uow.bookings.save_availability(
                Availability(staff_id=member.id, weekly=WEEKLY, exceptions=OFF)
            )
            uow.bookings.save_rules(
                BookingRules(min_notice_minutes=0, horizon_days=28, step_minutes=15)
            )
            for booking in held:
                uow.bookings.add_booking(booking)
            uow.commit()
        services = make_services(uow=database.unit_of_work, clock=FrozenClock(NOW))

        def whole() -> int:
            return len(service_slots(services=services, service_id=service.id, client=True)[2])

        whole_ms, whole_count = median_ms(args.runs, whole)
        database.dispose()
    print(
        json.dumps(
            {
                "bookings": BOOKINGS,
                "days": 28,
                "pure_ms": round(pure_ms, 2),
                "pure_slots": pure_count,
                "use_case_ms": round(whole_ms, 2),
                "use_case_slots": whole_count,
            }
        )
    )


if __name__ == "__main__":
    main()

"""Booking a free slot, and what happens to a booking afterwards (cancel, move, no-show).

Visitors and clients book on the public pages, staff on a client's behalf; everyone goes
through :func:`_place`, which re-checks the slot in the transaction that stores the booking.
The store refuses an overlap on its own (an exclusion constraint on PostgreSQL), so two
people confirming the same slot at the same instant get one booking and one ``SlotTaken``
carrying the next free times.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import attrs

from iclient_core.accounts.contact import clean_email
from iclient_core.accounts.events import notify_event
from iclient_core.accounts.model import Account, Role, Status, email_key
from iclient_core.accounts.permissions import ClientReading, Permission, Tally, require
from iclient_core.accounts.ports import TokenClaims
from iclient_core.bookings.model import (
    Audience,
    Booking,
    BookingRules,
    BookingStatus,
    Service,
    SlotTaken,
    TooLate,
)
from iclient_core.bookings.slots import free_starts, working_intervals
from iclient_core.inbox.submissions import network_of
from iclient_core.notifications.model import Kind, Notification
from iclient_core.notifications.outbox import branding, queue
from iclient_core.notifications.preferences import Event
from iclient_core.shared import audit
from iclient_core.shared.errors import (
    FieldError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from iclient_core.shared.limits import Limit, check_limit
from iclient_core.shared.security_log import security_event
from iclient_core.shared.text import clean_line

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

PER_ADDRESS = Limit(5, timedelta(hours=1))
"""Bookings one e-mail address may make on the public page."""

PER_NETWORK = Limit(20, timedelta(hours=1))
"""Bookings one network (an IPv4 /24, an IPv6 /48) may make on the public page."""

TOKEN_PURPOSE = "booking"
TOKEN_MAX_AGE = timedelta(days=400)
"""The link's signature outlives any booking; the cancellation deadline is what limits it."""

NEXT_SLOTS = 5
"""How many free times a "that time was just taken" answer offers."""


@attrs.frozen
class Slot:
    """A free start time of a service and the staff members free then."""

    start: datetime
    staff_ids: tuple[str, ...]


def zone_of(rules: BookingRules) -> ZoneInfo:
    """The business's time zone."""
    return ZoneInfo(rules.time_zone)


def local(moment: datetime, rules: BookingRules) -> datetime:
    """``moment`` in the business's time zone."""
    return moment.astimezone(zone_of(rules))


def parse_start(raw: str | None, rules: BookingRules) -> datetime:
    """A start time from ISO 8601; without an offset it is the business's local time.

    Raises:
        InvalidInput: not an ISO 8601 date and time (``start:time_invalid``).
    """
    try:
        parsed = datetime.fromisoformat((raw or "").strip())
    except ValueError:
        raise InvalidInput.single("start", "time_invalid") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone_of(rules), fold=0)
    return parsed.astimezone(UTC)


def _slots(
    uow: UnitOfWork,
    rules: BookingRules,
    service: Service,
    now: datetime,
    first_day: date,
    last_day: date,
    *,
    ignore: str | None = None,
    notice: bool = True,
) -> list[Slot]:
    zone = zone_of(rules)
    earliest = now + timedelta(minutes=rules.min_notice_minutes) if notice else now
    latest = now + timedelta(days=rules.horizon_days)
    window_start = datetime.combine(first_day, time(), zone).astimezone(UTC)
    window_end = datetime.combine(last_day + timedelta(days=1), time(), zone).astimezone(UTC)
    earliest, latest = max(earliest, window_start), min(latest, window_end)
    if earliest >= latest:
        return []
    held = uow.bookings.held_between(
        earliest - timedelta(days=1), latest + timedelta(days=1), staff_ids=service.staff_ids
    )
    ignored = uow.bookings.get_booking(ignore) if ignore else None
    by_start: dict[datetime, list[str]] = {}
    for staff_id in service.staff_ids:
        availability = uow.bookings.availability(staff_id)
        intervals = working_intervals(
            availability.weekly, availability.exceptions, zone, first_day, last_day
        )
        busy = [
            (start, until)
            for owner, start, until in held
            if owner == staff_id
            and not (
                ignored is not None
                and ignored.staff_id == owner
                and (ignored.start, ignored.blocked_until) == (start, until)
            )
        ]
        for start in free_starts(
            intervals=intervals,
            busy=busy,
            duration=service.duration,
            buffer=service.buffer,
            step=timedelta(minutes=rules.step_minutes),
            earliest=earliest,
            latest=latest,
        ):
            by_start.setdefault(start, []).append(staff_id)
    return [Slot(start, tuple(by_start[start])) for start in sorted(by_start)]


def _may_book(service: Service, client: bool) -> bool:
    return service.active and (client or service.audience is Audience.EVERYONE)


def service_slots(
    *,
    services: Services,
    service_id: str,
    client: bool,
    first_day: date | None = None,
    days: int | None = None,
) -> tuple[Service, BookingRules, list[Slot]]:
    """The free times of a service from ``first_day`` (local; today by default) for ``days``
    days (to the booking horizon by default).

    Raises:
        NotFound: no such service, or not bookable by this person.
    """
    now = services.clock.now()
    with services.uow() as uow:
        service = uow.bookings.get_service(service_id)
        if service is None or not _may_book(service, client):
            raise NotFound()
        rules = uow.bookings.rules()
        today = local(now, rules).date()
        start_day = max(first_day or today, today)
        last = today + timedelta(days=rules.horizon_days)
        end_day = min(start_day + timedelta(days=(days or rules.horizon_days + 1) - 1), last)
        return service, rules, _slots(uow, rules, service, now, start_day, end_day)


def _next_slots(services: Services, service: Service, after: datetime) -> list[datetime]:
    now = services.clock.now()
    with services.uow() as uow:
        rules = uow.bookings.rules()
        day = local(max(after, now), rules).date()
        found = _slots(uow, rules, service, now, day, day + timedelta(days=rules.horizon_days))
    return [slot.start for slot in found if slot.start >= after][:NEXT_SLOTS]


def _choose_staff(
    uow: UnitOfWork,
    rules: BookingRules,
    service: Service,
    start: datetime,
    now: datetime,
    *,
    staff_id: str | None,
    ignore: str | None = None,
    notice: bool = True,
) -> str | None:
    day = local(start, rules).date()
    for slot in _slots(uow, rules, service, now, day, day, ignore=ignore, notice=notice):
        if slot.start == start:
            if staff_id is None:
                return slot.staff_ids[0]
            return staff_id if staff_id in slot.staff_ids else None
    return None


def manage_token(services: Services, booking: Booking) -> str:
    """The signed token of a booking's cancel-or-move link."""
    return services.tokens.issue(
        TOKEN_PURPOSE,
        TokenClaims(account_id=booking.id, fingerprint=booking.id),
        now=services.clock.now(),
    )


def when_text(booking: Booking, rules: BookingRules, language: str) -> str:
    """The booking's local date and time as words in ``language`` (``2026-12-01 10:30``)."""
    start = local(booking.start, rules)
    return f"{start:%Y-%m-%d %H:%M} ({rules.time_zone})"


def _words(
    services: Services,
    booking: Booking,
    service: Service,
    rules: BookingRules,
    *,
    change: str = "",
) -> dict[str, str]:
    """What a message about ``booking`` says, its calendar entry included."""
    link = services.links.booking(booking.language, manage_token(services, booking))
    return {
        "service_name": service.name(booking.language),
        "when": when_text(booking, rules, booking.language),
        "change": change,
        "manage_link": link if booking.status is BookingStatus.CONFIRMED else "",
        "ics_uid": f"{booking.id}@iclient",
        "ics_start": booking.start.isoformat(),
        "ics_end": booking.end.isoformat(),
        "ics_summary": service.name(booking.language),
        "ics_sequence": str(booking.moves),
        "ics_status": "CANCELLED" if not booking.active else "CONFIRMED",
        "ics_stamp": services.clock.now().isoformat(),
    }


def _notify(
    services: Services,
    uow: UnitOfWork,
    kind: Kind,
    booking: Booking,
    service: Service,
    rules: BookingRules,
    *,
    change: str = "",
) -> None:
    """Queue an e-mail about ``booking`` to the person, with its calendar entry."""
    queue(
        services,
        uow,
        Notification(
            kind=kind,
            to_address=booking.email,
            to_name=booking.name,
            language=booking.language,
            context={
                **branding(services, uow),
                "first_name": booking.name,
                **_words(services, booking, service, rules, change=change),
            },
        ),
    )


def _details(booking: Booking, service: Service, rules: BookingRules) -> dict[str, str]:
    """What the audit log keeps of a booking, for its sentences."""
    return {
        "service": service.name_pt,
        "service_en": service.name_en,
        "when": f"{local(booking.start, rules):%Y-%m-%d %H:%M}",
        "staff_id": booking.staff_id,
    }


def _place(
    services: Services,
    *,
    service: Service,
    start: datetime,
    staff_id: str | None,
    name: str,
    email: str,
    phone: str,
    language: str,
    account_id: str | None,
    booked_by: Account | None,
    ip: str,
    actor: Account | None,
) -> Booking:
    now = services.clock.now()
    try:
        with services.uow() as uow:
            if booked_by is not None:
                booked_by = require(uow, booked_by, Permission.CLIENTS_MANAGE)
            rules = uow.bookings.rules()
            chosen = _choose_staff(
                uow, rules, service, start, now, staff_id=staff_id, notice=booked_by is None
            )
            if chosen is None:
                raise SlotTaken()
            booking = Booking.confirm(
                id=services.ids.new_id(),
                service=service,
                staff_id=chosen,
                start=start,
                name=name,
                email=email,
                phone=phone,
                language=language,
                account_id=account_id,
                booked_by=booked_by.id if booked_by else None,
                now=now,
            )
            uow.bookings.add_booking(booking)
            _notify(services, uow, Kind.BOOKING_CONFIRMED, booking, service, rules)
            audit.record(
                services,
                uow,
                actor=booked_by or actor,
                action="booking.created",
                target_type="booking",
                target_id=booking.id,
                subject_id=account_id or "",
                summary=f"{service.name_pt} {when_text(booking, rules, 'pt')}",
                details=_details(booking, service, rules),
                ip=ip,
            )
            uow.commit()
    except SlotTaken:
        raise SlotTaken(_next_slots(services, service, start)) from None
    security_event("booking_created", ip=ip, booking=booking.id)
    return booking


def book(
    *,
    services: Services,
    service_id: str,
    start: str | None,
    name: str | None,
    email: str | None,
    phone: str | None,
    contact_consent: bool,
    language: str | None,
    account_id: str | None,
    ip: str,
) -> Booking:
    """A visitor or a signed-in client books a service at ``start``.

    A signed-in client's name, e-mail address and phone come from their account (whatever
    the form sent). Nothing here tells whether an e-mail address has an account: a visitor
    who types a client's address books as a visitor.

    Raises:
        NotFound: no such service, or not bookable by this person.
        InvalidInput: a field is missing or bad, or ``contact_consent`` was not given.
        RateLimited: too many bookings from this address or network.
        SlotTaken: the time is not (or no longer) free; carries the next free times.
    """
    lang = services.settings.language(language)
    with services.uow() as uow:
        client = uow.accounts.get(account_id) if account_id else None
        if client is not None and (client.role is not Role.CLIENT or not client.is_active):
            client = None
        service = uow.bookings.get_service(service_id)
        rules = uow.bookings.rules()
    if service is None or not _may_book(service, client is not None):
        raise NotFound()
    errors: list[FieldError] = []
    when = None
    try:
        when = parse_start(start, rules)
    except InvalidInput as error:
        errors += error.errors
    if client is not None:
        clean_name, address, clean_phone = (
            client.profile.full_name,
            client.email.address,
            client.profile.phone,
        )
        lang = client.language if client.language else lang
    else:
        clean_name = clean_line(name, "name", errors, max_length=100)
        checked = clean_email(services, email, errors)
        address = checked.address if checked is not None else ""
        clean_phone = ""
        if (phone or "").strip():
            try:
                clean_phone = services.contacts.normalise_phone(
                    clean_line(phone, "phone", errors, max_length=40)
                )
            except ValueError:
                errors.append(FieldError("phone", "phone_invalid"))
        else:
            errors.append(FieldError("phone", "required"))
        if contact_consent is not True:
            errors.append(FieldError("contact_consent", "consent_required"))
    if errors or when is None:
        raise InvalidInput(errors)
    key = address.lower()
    check_limit(services.limiter, f"booking:email:{key}", PER_ADDRESS, count=True)
    check_limit(services.limiter, f"booking:net:{network_of(ip)}", PER_NETWORK, count=True)
    return _place(
        services,
        service=service,
        start=when,
        staff_id=None,
        name=clean_name,
        email=address,
        phone=clean_phone,
        language=lang,
        account_id=client.id if client else None,
        booked_by=None,
        ip=ip,
        actor=client,
    )


def book_for_client(
    *,
    services: Services,
    actor: Account,
    service_id: str,
    client_id: str | None = None,
    client_email: str | None = None,
    start: str | None,
    staff_id: str | None = None,
    ip: str = "-",
) -> Booking:
    """Staff book a service on a client's behalf (the minimum notice does not apply); the
    client by account id or by e-mail address.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
        NotFound: no such service.
        InvalidInput: no such client (``client_email:client_unknown``), or ``start`` is not
            a date and time.
        SlotTaken: the time is not free for that staff member.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_MANAGE)
        if client_id:
            client = uow.accounts.get(client_id)
        else:
            client = uow.accounts.get_by_email_key(email_key(client_email or ""))
        service = uow.bookings.get_service(service_id)
        rules = uow.bookings.rules()
    if service is None:
        raise NotFound()
    if client is None or client.role is not Role.CLIENT or not client.is_active:
        raise InvalidInput.single("client_email", "client_unknown")
    return _place(
        services,
        service=service,
        start=parse_start(start, rules),
        staff_id=staff_id or None,
        name=client.profile.full_name,
        email=client.email.address,
        phone=client.profile.phone,
        language=client.language,
        account_id=client.id,
        booked_by=actor,
        ip=ip,
        actor=actor,
    )


@attrs.frozen
class Managed:
    """A booking opened through its link, with what the person may still do."""

    booking: Booking
    service: Service
    rules: BookingRules
    changeable: bool
    deadline: datetime


def _deadline(booking: Booking, rules: BookingRules) -> datetime:
    return booking.start - timedelta(hours=rules.cancel_hours)


def open_link(*, services: Services, token: str) -> Managed:
    """The booking behind a cancel-or-move link.

    Raises:
        TokenInvalid: the link is not genuine.
        NotFound: the booking is gone.
    """
    now = services.clock.now()
    claims = services.tokens.verify(TOKEN_PURPOSE, token, max_age=TOKEN_MAX_AGE, now=now)
    with services.uow() as uow:
        booking = uow.bookings.get_booking(claims.account_id)
        service = uow.bookings.get_service(booking.service_id) if booking else None
        rules = uow.bookings.rules()
    if booking is None or service is None or claims.fingerprint != booking.id:
        raise NotFound()
    deadline = _deadline(booking, rules)
    changeable = booking.status is BookingStatus.CONFIRMED and now <= deadline
    return Managed(booking, service, rules, changeable, deadline)


def _change(
    services: Services,
    booking_id: str,
    *,
    actor: Account | None,
    new_start: datetime | None,
    status: BookingStatus | None,
    by_client: bool,
    ip: str,
) -> Booking:
    now = services.clock.now()
    with services.uow() as uow:
        if actor is not None and not by_client:
            actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        booking = uow.bookings.get_booking(booking_id)
        service = uow.bookings.get_service(booking.service_id) if booking else None
        rules = uow.bookings.rules()
        if booking is None or service is None:
            raise NotFound()
        if by_client and (
            booking.status is not BookingStatus.CONFIRMED or now > _deadline(booking, rules)
        ):
            raise TooLate()
        if new_start is not None:
            if booking.status is not BookingStatus.CONFIRMED:
                raise TooLate()
            staff_id = _choose_staff(
                uow,
                rules,
                service,
                new_start,
                now,
                staff_id=booking.staff_id,
                ignore=booking.id,
                notice=by_client,
            )
            if staff_id is None:
                raise SlotTaken(_next_after(uow, rules, service, new_start, now))
            before = when_text(booking, rules, "pt")
            booking.move_to(new_start, service, now)
            uow.bookings.save_booking(booking)
            _notify(services, uow, Kind.BOOKING_CHANGED, booking, service, rules, change="moved")
            action, summary = "booking.moved", f"{before} → {when_text(booking, rules, 'pt')}"
        elif status is BookingStatus.CANCELLED:
            if not booking.active:
                return booking
            booking.cancel(now)
            uow.bookings.save_booking(booking)
            _notify(
                services, uow, Kind.BOOKING_CHANGED, booking, service, rules, change="cancelled"
            )
            action, summary = "booking.cancelled", when_text(booking, rules, "pt")
        elif status is BookingStatus.NO_SHOW:
            if booking.status is not BookingStatus.CONFIRMED:
                return booking
            booking.status, booking.updated_at = BookingStatus.NO_SHOW, now
            uow.bookings.save_booking(booking)
            action, summary = "booking.no_show", when_text(booking, rules, "pt")
        else:
            return booking
        audit.record(
            services,
            uow,
            actor=actor,
            action=action,
            target_type="booking",
            target_id=booking.id,
            subject_id=booking.account_id or "",
            summary=f"{service.name_pt} {summary}",
            details=_details(booking, service, rules),
            ip=ip,
        )
        uow.commit()
    return booking


def _next_after(
    uow: UnitOfWork, rules: BookingRules, service: Service, after: datetime, now: datetime
) -> list[datetime]:
    day = local(max(after, now), rules).date()
    found = _slots(uow, rules, service, now, day, day + timedelta(days=rules.horizon_days))
    return [slot.start for slot in found if slot.start >= after][:NEXT_SLOTS]


def cancel_by_link(*, services: Services, token: str, ip: str = "-") -> Booking:
    """The person cancels through the link in their e-mail (until the deadline).

    Raises:
        TokenInvalid: the link is not genuine.
        NotFound: the booking is gone.
        TooLate: past the deadline, or no longer confirmed.
    """
    managed = open_link(services=services, token=token)
    return _change(
        services,
        managed.booking.id,
        actor=None,
        new_start=None,
        status=BookingStatus.CANCELLED,
        by_client=True,
        ip=ip,
    )


def move_by_link(*, services: Services, token: str, start: str | None, ip: str = "-") -> Booking:
    """The person moves their booking through the link (same service and staff member).

    Raises:
        TokenInvalid: the link is not genuine.
        NotFound: the booking is gone.
        InvalidInput: ``start`` is not a date and time.
        TooLate: past the deadline, or no longer confirmed.
        SlotTaken: the new time is not free; carries the next free times.
    """
    managed = open_link(services=services, token=token)
    return _change(
        services,
        managed.booking.id,
        actor=None,
        new_start=parse_start(start, managed.rules),
        status=None,
        by_client=True,
        ip=ip,
    )


def staff_cancel(*, services: Services, actor: Account, booking_id: str, ip: str = "-") -> Booking:
    """Staff cancel a booking; the person is told by e-mail.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
        NotFound: no such booking.
    """
    return _change(
        services,
        booking_id,
        actor=actor,
        new_start=None,
        status=BookingStatus.CANCELLED,
        by_client=False,
        ip=ip,
    )


def staff_move(
    *, services: Services, actor: Account, booking_id: str, start: str | None, ip: str = "-"
) -> Booking:
    """Staff move a booking to another free time of the same staff member; the person is told.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
        NotFound: no such booking.
        InvalidInput: ``start`` is not a date and time.
        SlotTaken: the new time is not free.
    """
    with services.uow() as uow:
        rules = uow.bookings.rules()
    return _change(
        services,
        booking_id,
        actor=actor,
        new_start=parse_start(start, rules),
        status=None,
        by_client=False,
        ip=ip,
    )


def mark_no_show(*, services: Services, actor: Account, booking_id: str, ip: str = "-") -> Booking:
    """Staff record that the person did not come.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
        NotFound: no such booking.
    """
    return _change(
        services,
        booking_id,
        actor=actor,
        new_start=None,
        status=BookingStatus.NO_SHOW,
        by_client=False,
        ip=ip,
    )


@attrs.frozen
class CalendarEntry:
    """A booking as the calendar shows it."""

    booking: Booking
    service: Service | None
    local_start: datetime
    local_end: datetime


def _local_days(
    services: Services, rules: BookingRules, first_day: date | None, days: int
) -> tuple[datetime, datetime]:
    """The moments (UTC) that ``days`` local days from ``first_day`` (today by default), in
    the business's time zone, begin and end."""
    zone = zone_of(rules)
    day = first_day or local(services.clock.now(), rules).date()
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=days), time(), zone).astimezone(UTC)


def calendar(
    *,
    services: Services,
    actor: Account,
    first_day: date | None = None,
    days: int = 7,
    staff_id: str | None = None,
) -> tuple[BookingRules, list[CalendarEntry]]:
    """Bookings from ``first_day`` (local; today by default) for ``days`` days, of one staff
    member or all, cancelled ones included, by start.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_MANAGE)
        rules = uow.bookings.rules()
        start, end = _local_days(services, rules, first_day, days)
        found = uow.bookings.bookings_between(
            start, end, staff_id=staff_id or None, include_cancelled=True
        )
        by_id = {s.id: s for s in uow.bookings.services()}
    return rules, [
        CalendarEntry(b, by_id.get(b.service_id), local(b.start, rules), local(b.end, rules))
        for b in found
        if b.start < end
    ]


def get_booking(*, services: Services, actor: Account, booking_id: str) -> Booking:
    """One booking, for staff.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
        NotFound: no such booking.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_MANAGE)
        found = uow.bookings.get_booking(booking_id)
    if found is None:
        raise NotFound()
    return found


def count_upcoming(*, services: Services, actor: Account, days: int = 7) -> tuple[int, int]:
    """How many confirmed bookings today and in the next ``days`` days, for the dashboard.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
    """
    rules, entries = calendar(services=services, actor=actor, days=days)
    today = local(services.clock.now(), rules).date()
    active = [e for e in entries if e.booking.status is BookingStatus.CONFIRMED]
    return sum(1 for e in active if e.local_start.date() == today), len(active)


def _confirmed_today(services: Services, uow: UnitOfWork) -> int:
    start, end = _local_days(services, uow.bookings.rules(), None, 1)
    return sum(
        1
        for b in uow.bookings.bookings_between(start, end)
        if b.status is BookingStatus.CONFIRMED and start <= b.start < end
    )


BOOKINGS_TODAY = Tally(Permission.CLIENTS_MANAGE, _confirmed_today)
"""The staff dashboard's confirmed bookings that start today, in the business's time zone
(two statements: the rules, for the time zone, and the day's bookings)."""


def bookings_of_client(
    *, services: Services, actor: Account, account_id: str | None = None
) -> tuple[BookingRules, Sequence[Booking], dict[str, Service]]:
    """A client's bookings (their own, or any client's for staff), newest first, with the
    services they are of.

    Raises:
        PermissionDenied: a client asked for another's, or a staff member may not view
            clients.
    """
    with services.uow() as uow:
        if account_id is not None and account_id != actor.id:
            require(uow, actor, Permission.CLIENTS_VIEW)
            owner = account_id
        else:
            current = uow.accounts.get(actor.id)
            if current is None or current.role is not Role.CLIENT:
                raise PermissionDenied("bookings.own")
            owner = current.id
        return _bookings_of(uow, owner)


def _bookings_of(
    uow: UnitOfWork, owner: str
) -> tuple[BookingRules, Sequence[Booking], dict[str, Service]]:
    found = uow.bookings.bookings_of_account(owner)
    return uow.bookings.rules(), found, {s.id: s for s in uow.bookings.services()}


CLIENT_BOOKINGS = ClientReading(
    Permission.CLIENTS_VIEW, lambda services, uow, client: _bookings_of(uow, client.id)
)
"""A client's bookings, newest first, with the rules (for the time zone) and the services
they are of, for their page in the staff area (three statements)."""


def link_of(*, services: Services, booking: Booking) -> str:
    """The token of the cancel-or-move page of a client's own booking."""
    return manage_token(services, booking)


def send_reminder(
    services: Services, uow: UnitOfWork, booking: Booking, service: Service, rules: BookingRules
) -> bool:
    """Queue the day-before reminder of one booking and note it as handled; False when the
    client turned booking reminders off on every channel.

    A client's reminder goes where their notification choices say (e-mail, SMS to a
    confirmed phone, both or neither); a visitor's by e-mail, to the address they gave.
    """
    account = uow.accounts.get(booking.account_id) if booking.account_id else None
    if account is not None and account.status is not Status.DELETED:
        sent = bool(
            notify_event(
                services,
                uow,
                account,
                Event.BOOKING_REMINDER,
                Kind.BOOKING_REMINDER,
                lambda: _words(services, booking, service, rules),
            )
        )
    else:
        _notify(services, uow, Kind.BOOKING_REMINDER, booking, service, rules)
        sent = True
    booking.reminder_sent_at = services.clock.now()
    uow.bookings.save_booking(booking)
    return sent


def send_reminders(*, services: Services) -> int:
    """Queue the reminder of every confirmed booking that starts within the next day and has
    none yet; a job of the worker. Returns how many were queued."""
    now = services.clock.now()
    sent = 0
    with services.uow() as uow:
        rules = uow.bookings.rules()
        due = uow.bookings.due_reminders(now, now + timedelta(days=1))
        by_id = {s.id: s for s in uow.bookings.services()}
        for booking in due:
            service = by_id.get(booking.service_id)
            if service is not None and send_reminder(services, uow, booking, service, rules):
                sent += 1
        uow.commit()
    return sent

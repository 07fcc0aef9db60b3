"""Admins manage the bookable services, each staff member's hours, and the booking rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from iclient_core.accounts.model import Account
from iclient_core.accounts.model import Status as AccountStatus
from iclient_core.accounts.permissions import Permission, active_staff, require
from iclient_core.bookings.model import (
    Audience,
    Availability,
    AvailabilityException,
    BookingRules,
    Service,
    WeeklyRange,
)
from iclient_core.shared import audit
from iclient_core.shared.errors import ConcurrentUpdate, FieldError, InvalidInput, NotFound
from iclient_core.shared.text import clean_line, clean_markdown

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

MAX_DURATION = 12 * 60
MAX_BUFFER = 4 * 60
MAX_PRICE_CENTS = 100_000_000
_PRICE = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")


@attrs.frozen(kw_only=True)
class ServiceInput:
    """What the services form sends (text, as typed)."""

    name_pt: str | None = None
    name_en: str | None = None
    description: str | None = None
    duration_minutes: str | None = None
    price: str | None = None
    buffer_minutes: str | None = None
    audience: str | None = None
    staff_ids: Sequence[str] = ()
    active: bool = True


def _minutes(raw: str | None, field: str, low: int, high: int, errors: list[FieldError]) -> int:
    try:
        value = int((raw or "").strip())
    except ValueError:
        errors.append(FieldError(field, "number_invalid"))
        return 0
    if not low <= value <= high:
        errors.append(FieldError(field, "out_of_range"))
    return value


def parse_price(raw: str | None, errors: list[FieldError]) -> int | None:
    """Cents from ``12``, ``12.5`` or ``12,50``; None when empty."""
    text = (raw or "").strip().replace(" ", "")
    if not text:
        return None
    if not _PRICE.match(text):
        errors.append(FieldError("price", "number_invalid"))
        return None
    whole, _, cents = text.replace(",", ".").partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def _staff_ids(uow: UnitOfWork, wanted: Iterable[str], errors: list[FieldError]) -> tuple[str, ...]:
    chosen: list[str] = []
    for staff_id in wanted:
        member = uow.accounts.get(staff_id)
        if member is None or not member.role.is_staff or member.status is not AccountStatus.ACTIVE:
            errors.append(FieldError("staff_ids", "invalid_choice"))
            return ()
        if staff_id not in chosen:
            chosen.append(staff_id)
    if not chosen:
        errors.append(FieldError("staff_ids", "required"))
    return tuple(chosen)


def list_services(*, services: Services, actor: Account) -> Sequence[Service]:
    """Every service, for admins.

    Raises:
        PermissionDenied: the actor may not manage settings.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.SETTINGS_MANAGE)
        return uow.bookings.services()


def bookable_services(*, services: Services, client: bool) -> Sequence[Service]:
    """The active services a visitor (``client=False``) or a signed-in client may book."""
    with services.uow() as uow:
        found = uow.bookings.services()
    return [
        s for s in found if s.active and s.staff_ids and (client or s.audience is Audience.EVERYONE)
    ]


def get_service(*, services: Services, service_id: str) -> Service:
    """One service.

    Raises:
        NotFound: no such service.
    """
    with services.uow() as uow:
        found = uow.bookings.get_service(service_id)
    if found is None:
        raise NotFound()
    return found


def save_service(
    *,
    services: Services,
    actor: Account,
    data: ServiceInput,
    service_id: str | None = None,
    ip: str = "-",
) -> Service:
    """Create a service (no ``service_id``) or change one.

    Raises:
        PermissionDenied: the actor may not manage settings.
        InvalidInput: a field is missing or bad.
        NotFound: no such service.
        ConcurrentUpdate: someone saved it meanwhile.
    """
    errors: list[FieldError] = []
    name_pt = clean_line(data.name_pt, "name_pt", errors, max_length=120)
    name_en = clean_line(data.name_en, "name_en", errors, max_length=120)
    description = (
        clean_markdown(data.description, "description", errors, max_length=2000)
        if (data.description or "").strip()
        else ""
    )
    duration = _minutes(data.duration_minutes, "duration_minutes", 5, MAX_DURATION, errors)
    buffer = _minutes(data.buffer_minutes or "0", "buffer_minutes", 0, MAX_BUFFER, errors)
    price = parse_price(data.price, errors)
    try:
        audience = Audience(data.audience or Audience.EVERYONE.value)
    except ValueError:
        errors.append(FieldError("audience", "invalid_choice"))
        audience = Audience.EVERYONE
    now = services.clock.now()
    with services.uow() as uow:
        current = require(uow, actor, Permission.SETTINGS_MANAGE)
        staff_ids = _staff_ids(uow, data.staff_ids, errors)
        if errors:
            raise InvalidInput(errors)
        if service_id is None:
            service = Service(
                id=services.ids.new_id(),
                name_pt=name_pt,
                name_en=name_en,
                description=description,
                duration_minutes=duration,
                price_cents=price,
                buffer_minutes=buffer,
                audience=audience,
                staff_ids=staff_ids,
                active=data.active,
                created_at=now,
                updated_at=now,
            )
            uow.bookings.add_service(service)
            action = "booking.service_created"
        else:
            found = uow.bookings.get_service(service_id)
            if found is None:
                raise NotFound()
            service = found
            service.name_pt, service.name_en = name_pt, name_en
            service.description = description
            service.duration_minutes, service.buffer_minutes = duration, buffer
            service.price_cents, service.audience = price, audience
            service.staff_ids, service.active = staff_ids, data.active
            service.updated_at = now
            uow.bookings.save_service(service)
            action = "booking.service_updated"
        audit.record(
            services,
            uow,
            actor=current,
            action=action,
            target_type="booking_service",
            target_id=service.id,
            summary=name_pt,
            details={"service": name_pt, "service_en": name_en},
            ip=ip,
        )
        uow.commit()
    return service


def bookable_staff(*, services: Services, actor: Account) -> Sequence[Account]:
    """The active staff members who may perform services.

    Raises:
        PermissionDenied: the actor is not staff who manage clients.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_MANAGE)
        return active_staff(uow)


def get_availability(*, services: Services, actor: Account, staff_id: str) -> Availability:
    """A staff member's hours, for admins.

    Raises:
        PermissionDenied: the actor may not manage settings.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.SETTINGS_MANAGE)
        return uow.bookings.availability(staff_id)


def _time(text: str, field: str, errors: list[FieldError]) -> time | None:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        errors.append(FieldError(field, "time_invalid"))
        return None


def parse_weekly(text: str | None, errors: list[FieldError]) -> tuple[WeeklyRange, ...]:
    """Weekly ranges from lines ``<weekday 1-7> HH:MM-HH:MM`` (1 is Monday; several ranges a
    day on several lines)."""
    ranges: list[WeeklyRange] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        day, _, span = line.strip().partition(" ")
        start_text, _, end_text = span.strip().partition("-")
        start = _time(start_text, "weekly", errors)
        end = _time(end_text, "weekly", errors)
        if not day.isdigit() or not 1 <= int(day) <= 7:
            errors.append(FieldError("weekly", "weekday_invalid"))
            continue
        if start is None or end is None:
            continue
        if start >= end:
            errors.append(FieldError("weekly", "range_invalid"))
            continue
        ranges.append(WeeklyRange(int(day) - 1, start, end))
    return tuple(sorted(set(ranges)))


def parse_exceptions(
    text: str | None, errors: list[FieldError]
) -> tuple[AvailabilityException, ...]:
    """Exceptions from lines ``off|extra YYYY-MM-DDTHH:MM YYYY-MM-DDTHH:MM [note]`` (local)."""
    found: list[AvailabilityException] = []
    for line in (text or "").splitlines():
        parts = line.split(maxsplit=3)
        if not parts:
            continue
        if len(parts) < 3 or parts[0] not in {"off", "extra"}:
            errors.append(FieldError("exceptions", "line_invalid"))
            continue
        try:
            start = datetime.fromisoformat(parts[1]).replace(tzinfo=None)
            end = datetime.fromisoformat(parts[2]).replace(tzinfo=None)
        except ValueError:
            errors.append(FieldError("exceptions", "time_invalid"))
            continue
        if start >= end:
            errors.append(FieldError("exceptions", "range_invalid"))
            continue
        note = parts[3].strip()[:200] if len(parts) > 3 else ""
        found.append(AvailabilityException(start, end, parts[0] == "extra", note))
    return tuple(sorted(found))


def save_availability(
    *,
    services: Services,
    actor: Account,
    staff_id: str,
    weekly: str | None,
    exceptions: str | None,
    version: int | None = None,
    ip: str = "-",
) -> Availability:
    """Replace a staff member's weekly hours and exceptions (see :func:`parse_weekly` and
    :func:`parse_exceptions` for the text forms).

    Raises:
        PermissionDenied: the actor may not manage settings.
        NotFound: no such active staff member.
        InvalidInput: a line is bad.
        ConcurrentUpdate: someone saved them meanwhile.
    """
    errors: list[FieldError] = []
    ranges = parse_weekly(weekly, errors)
    changes = parse_exceptions(exceptions, errors)
    with services.uow() as uow:
        current = require(uow, actor, Permission.SETTINGS_MANAGE)
        member = uow.accounts.get(staff_id)
        if member is None or not member.role.is_staff:
            raise NotFound()
        if errors:
            raise InvalidInput(errors)
        availability = uow.bookings.availability(staff_id)
        if version is not None and version != availability.version:
            raise ConcurrentUpdate(staff_id)
        availability.weekly, availability.exceptions = ranges, changes
        uow.bookings.save_availability(availability)
        audit.record(
            services,
            uow,
            actor=current,
            action="booking.availability_updated",
            target_type="account",
            target_id=staff_id,
            summary=member.audit_label,
            details={"staff": member.profile.full_name or member.email.address},
            ip=ip,
        )
        uow.commit()
    return availability


def get_rules(*, services: Services) -> BookingRules:
    """The booking rules in force."""
    with services.uow() as uow:
        return uow.bookings.rules()


def save_rules(
    *,
    services: Services,
    actor: Account,
    time_zone: str | None,
    min_notice_minutes: str | None,
    horizon_days: str | None,
    cancel_hours: str | None,
    step_minutes: str | None,
    ip: str = "-",
) -> BookingRules:
    """Replace the booking rules.

    Raises:
        PermissionDenied: the actor may not manage settings.
        InvalidInput: a value is bad (an unknown time zone, a number out of range).
    """
    errors: list[FieldError] = []
    zone = (time_zone or "").strip() or BookingRules().time_zone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(FieldError("time_zone", "invalid_choice"))
    rules = BookingRules(
        time_zone=zone,
        min_notice_minutes=_minutes(
            min_notice_minutes, "min_notice_minutes", 0, 60 * 24 * 14, errors
        ),
        horizon_days=_minutes(horizon_days, "horizon_days", 1, 366, errors),
        cancel_hours=_minutes(cancel_hours, "cancel_hours", 0, 24 * 14, errors),
        step_minutes=_minutes(step_minutes, "step_minutes", 5, 240, errors),
    )
    with services.uow() as uow:
        current = require(uow, actor, Permission.SETTINGS_MANAGE)
        if errors:
            raise InvalidInput(errors)
        uow.bookings.save_rules(rules)
        audit.record(
            services,
            uow,
            actor=current,
            action="booking.rules_updated",
            target_type="settings",
            summary=zone,
            details={"zone": zone},
            ip=ip,
        )
        uow.commit()
    return rules

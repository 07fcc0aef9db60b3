"""The staff side of bookings (``bookings.admin``, ``/<lang>/admin/bookings``): the calendar
(a day or a week, one staff member or all; a list that reads on a phone), one booking
(move, cancel, no-show), booking on a client's behalf; and for managers the services, each
staff member's hours and the booking rules. Its places in the staff area."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission
from iclient_core.bookings.booking import (
    BOOKINGS_TODAY,
    CLIENT_BOOKINGS,
    CalendarEntry,
    book_for_client,
    get_booking,
    local,
    mark_no_show,
    staff_cancel,
    staff_move,
)
from iclient_core.bookings.booking import (
    calendar as calendar_of,
)
from iclient_core.bookings.catalogue import (
    ServiceInput,
    bookable_services,
    bookable_staff,
    get_availability,
    get_rules,
    list_services,
    save_availability,
    save_rules,
    save_service,
)
from iclient_core.bookings.model import Booking, BookingRules, Service, SlotTaken
from iclient_core.shared.errors import InvalidInput, NotFound
from iclient_web.bookings import forms
from iclient_web.deps import client_ip, services
from iclient_web.security import require_staff
from iclient_web.staff.hooks import provide_attention, provide_client_section, provide_nav

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin/bookings")
bp.before_request(require_staff)


def _first_day() -> date | None:
    try:
        return date.fromisoformat(request.args.get("day", "")[:10])
    except ValueError:
        return None


@bp.get("")
def calendar() -> str:
    """The calendar: a day or a week (``view``), one staff member or all (``staff``)."""
    view = "day" if request.args.get("view") == "day" else "week"
    staff_id = request.args.get("staff", "")[:64] or None
    days = 1 if view == "day" else 7
    rules, entries = calendar_of(
        services=services(),
        actor=g.account,
        first_day=_first_day(),
        days=days,
        staff_id=staff_id,
    )
    zone = ZoneInfo(rules.time_zone)
    first = _first_day()
    if first is None:
        first = local(services().clock.now(), rules).date()
    grouped: dict[date, list[CalendarEntry]] = {first + timedelta(days=n): [] for n in range(days)}
    for entry in entries:
        grouped.setdefault(entry.local_start.date(), []).append(entry)
    people = {p.id: p for p in bookable_staff(services=services(), actor=g.account)}
    return render_template(
        "admin/bookings/calendar.html",
        view=view,
        staff_id=staff_id or "",
        grouped=grouped,
        first=first,
        step=timedelta(days=days),
        people=people,
        zone=zone,
    )


def _service_choices() -> list[Service]:
    return list(bookable_services(services=services(), client=True))


@bp.route("/new", methods=["GET", "POST"])
def new() -> tuple[str, int] | Response:
    """Book on a client's behalf."""
    people = bookable_staff(services=services(), actor=g.account)
    form = forms.StaffBookForm()
    form.service.choices = [SelectChoice(s.id, s.name_pt) for s in _service_choices()]
    form.staff.choices = [
        SelectChoice("", _("Whoever is free")),
        *[SelectChoice(p.id, p.profile.full_name or p.email.address) for p in people],
    ]
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            booking = book_for_client(
                services=services(),
                actor=g.account,
                service_id=form.service.data or "",
                client_email=form.client_email.data,
                start=form.start.data,
                staff_id=form.staff.data or None,
                ip=client_ip(),
            )
        except InvalidInput as error:
            forms.apply_errors(form, error)
            status = 400
        except SlotTaken:
            form.start.errors = [*form.start.errors, _("That time was just taken.")]
            status = 409
        except NotFound:
            form.service.errors = [*form.service.errors, _("This field is required.")]
            status = 400
        else:
            flash(_("Booked. The client was sent an e-mail."), "success")
            return redirect(url_for("bookings.admin.show", booking_id=booking.id), 303)
    elif request.method == "POST":
        status = 400
    return render_template("admin/bookings/new.html", form=form), status


@bp.route("/<booking_id>", methods=["GET", "POST"])
def show(booking_id: str) -> tuple[str, int] | Response:
    """One booking: move it, cancel it (the client is told), or mark a no-show."""
    booking = get_booking(services=services(), actor=g.account, booking_id=booking_id)
    form = forms.StaffChangeForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            if form.action.data == "cancel":
                staff_cancel(
                    services=services(), actor=g.account, booking_id=booking.id, ip=client_ip()
                )
                flash(_("Cancelled. The client was sent an e-mail."), "success")
            elif form.action.data == "no_show":
                mark_no_show(
                    services=services(), actor=g.account, booking_id=booking.id, ip=client_ip()
                )
                flash(_("Marked as did not come."), "success")
            else:
                staff_move(
                    services=services(),
                    actor=g.account,
                    booking_id=booking.id,
                    start=form.start.data,
                    ip=client_ip(),
                )
                flash(_("Moved. The client was sent an e-mail."), "success")
        except InvalidInput as error:
            forms.apply_errors(form, error)
            status = 400
        except SlotTaken:
            form.start.errors = [*form.start.errors, _("That time is not free.")]
            status = 409
        else:
            return redirect(url_for("bookings.admin.show", booking_id=booking.id), 303)
    elif request.method == "POST":
        status = 400
    found = {s.id: s for s in _service_choices()}
    people = {p.id: p for p in bookable_staff(services=services(), actor=g.account)}
    return render_template(
        "admin/bookings/show.html",
        booking=booking,
        service=found.get(booking.service_id),
        person=people.get(booking.staff_id),
        form=form,
    ), status


# --------------------------------------------------------------------------- managers


@bp.get("/services")
def services_index() -> str:
    """The bookable services."""
    found = list_services(services=services(), actor=g.account)
    people = {p.id: p for p in bookable_staff(services=services(), actor=g.account)}
    return render_template(
        "admin/bookings/services.html",
        found=found,
        people=people,
        rules=get_rules(services=services()),
    )


def _service_form(service: Service | None) -> forms.ServiceForm:
    people = bookable_staff(services=services(), actor=g.account)
    if service is not None and request.method == "GET":
        form = forms.ServiceForm(
            name_pt=service.name_pt,
            name_en=service.name_en,
            description=service.description,
            duration_minutes=str(service.duration_minutes),
            price=(
                f"{service.price_cents // 100}.{service.price_cents % 100:02d}"
                if service.price_cents is not None
                else ""
            ),
            buffer_minutes=str(service.buffer_minutes),
            audience=service.audience.value,
            staff_ids=list(service.staff_ids),
            active=service.active,
        )
    else:
        form = forms.ServiceForm()
    form.staff_ids.choices = [
        SelectChoice(p.id, p.profile.full_name or p.email.address) for p in people
    ]
    return form


def _save(service: Service | None) -> tuple[str, int] | Response:
    form = _service_form(service)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                save_service(
                    services=services(),
                    actor=g.account,
                    service_id=service.id if service is not None else None,
                    data=ServiceInput(
                        name_pt=form.name_pt.data,
                        name_en=form.name_en.data,
                        description=form.description.data,
                        duration_minutes=form.duration_minutes.data,
                        price=form.price.data,
                        buffer_minutes=form.buffer_minutes.data,
                        audience=form.audience.data,
                        staff_ids=list(form.staff_ids.data or []),
                        active=form.active.data is True,
                    ),
                    ip=client_ip(),
                )
            except InvalidInput as error:
                forms.apply_errors(form, error)
                status = 400
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("bookings.admin.services_index"), 303)
    return render_template("admin/bookings/service.html", form=form, service=service), status


@bp.route("/services/new", methods=["GET", "POST"])
def service_new() -> tuple[str, int] | Response:
    """Create a bookable service."""
    list_services(services=services(), actor=g.account)  # managers only, before any form
    return _save(None)


@bp.route("/services/<service_id>", methods=["GET", "POST"])
def service_edit(service_id: str) -> tuple[str, int] | Response:
    """Change a bookable service."""
    found = {s.id: s for s in list_services(services=services(), actor=g.account)}
    if service_id not in found:
        raise NotFound()
    return _save(found[service_id])


def _weekly_text(staff_id: str) -> tuple[str, str, int]:
    hours = get_availability(services=services(), actor=g.account, staff_id=staff_id)
    weekly = "\n".join(f"{r.weekday + 1} {r.start:%H:%M}-{r.end:%H:%M}" for r in hours.weekly)
    exceptions = "\n".join(
        f"{'extra' if e.available else 'off'} {e.start:%Y-%m-%dT%H:%M} {e.end:%Y-%m-%dT%H:%M}"
        + (f" {e.note}" if e.note else "")
        for e in hours.exceptions
    )
    return weekly, exceptions, hours.version


@bp.route("/availability/<staff_id>", methods=["GET", "POST"])
def availability(staff_id: str) -> tuple[str, int] | Response:
    """A staff member's weekly hours, time off and extra hours."""
    people = {p.id: p for p in bookable_staff(services=services(), actor=g.account)}
    weekly, exceptions, version = _weekly_text(staff_id)
    if staff_id not in people:
        raise NotFound()
    form = (
        forms.AvailabilityForm(weekly=weekly, exceptions=exceptions, version=version)
        if request.method == "GET"
        else forms.AvailabilityForm()
    )
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                save_availability(
                    services=services(),
                    actor=g.account,
                    staff_id=staff_id,
                    weekly=form.weekly.data,
                    exceptions=form.exceptions.data,
                    version=form.version.data,
                    ip=client_ip(),
                )
            except InvalidInput as error:
                forms.apply_errors(form, error)
                status = 400
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("bookings.admin.availability", staff_id=staff_id), 303)
    return render_template(
        "admin/bookings/availability.html", form=form, person=people[staff_id], people=people
    ), status


@bp.route("/rules", methods=["GET", "POST"])
def rules() -> tuple[str, int] | Response:
    """The booking rules: time zone, notice, horizon, cancellation deadline, step."""
    current = get_rules(services=services())
    list_services(services=services(), actor=g.account)  # managers only
    form = (
        forms.RulesForm(
            time_zone=current.time_zone,
            min_notice_minutes=str(current.min_notice_minutes),
            horizon_days=str(current.horizon_days),
            cancel_hours=str(current.cancel_hours),
            step_minutes=str(current.step_minutes),
        )
        if request.method == "GET"
        else forms.RulesForm()
    )
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                save_rules(
                    services=services(),
                    actor=g.account,
                    time_zone=form.time_zone.data,
                    min_notice_minutes=form.min_notice_minutes.data,
                    horizon_days=form.horizon_days.data,
                    cancel_hours=form.cancel_hours.data,
                    step_minutes=form.step_minutes.data,
                    ip=client_ip(),
                )
            except InvalidInput as error:
                forms.apply_errors(form, error)
                status = 400
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("bookings.admin.rules"), 303)
    return render_template("admin/bookings/rules.html", form=form), status


def client_section(
    read: tuple[BookingRules, Sequence[Booking], dict[str, Service]] | None, client: Account
) -> dict[str, Any]:
    """A client's bookings for their page in the staff area (None when the actor may not
    see them)."""
    if read is None:
        return {"found": None}
    rules, found, by_id = read
    return {"found": found, "by_id": by_id, "zone": ZoneInfo(rules.time_zone)}


def plug_into_the_staff_area(app: Flask) -> None:
    """The admin menu's links and the dashboard's count of today's bookings."""
    provide_nav(app, _l("Bookings"), "bookings.admin.calendar", Permission.CLIENTS_MANAGE)
    provide_attention(
        app, "bookings_today", count=BOOKINGS_TODAY, endpoint="bookings.admin.calendar", view="day"
    )
    provide_client_section(
        app,
        "bookings",
        template="admin/bookings/_client_section.html",
        reading=CLIENT_BOOKINGS,
        present=client_section,
    )

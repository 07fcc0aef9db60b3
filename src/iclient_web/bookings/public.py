"""The public booking pages (``bookings.public``, ``/<lang>/book``): the services, one
service's free times a day at a time, the booking form, and the page of a booking opened by
the link in its e-mail (confirmation, cancel, move).

Visitors and clients both use them; a signed-in client who has not accepted the current
Terms is sent to the consent page first, and books with their account's details. Whether an
e-mail address has an account is never said.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.accounts.model import Account
from iclient_core.bookings.booking import (
    Slot,
    book,
    cancel_by_link,
    link_of,
    move_by_link,
    open_link,
    service_slots,
)
from iclient_core.bookings.catalogue import bookable_services
from iclient_core.bookings.model import Service, SlotTaken, TooLate
from iclient_core.shared.errors import InvalidInput, NotFound, TokenExpired, TokenInvalid
from iclient_web.bookings import forms
from iclient_web.deps import client_ip, services
from iclient_web.i18n import current_language
from iclient_web.security import consent_exempt, consent_redirect, public

bp = Blueprint("public", __name__, url_prefix="/<lang>/book")

DAYS_SHOWN = 14
"""How many days with free times the day picker offers at once."""


def _client() -> Account | None:
    account = g.get("account")
    return account if account is not None and not account.role.is_staff else None


def _chosen_day(grouped: dict[date, list[datetime]]) -> date | None:
    wanted = request.args.get("day", "")[:10]
    try:
        day = date.fromisoformat(wanted) if wanted else None
    except ValueError:
        day = None
    if day in grouped:
        return day
    return next(iter(grouped), None)


def _day_page(
    template: str,
    service: Service,
    slots: list[Slot],
    zone: ZoneInfo,
    status: int = 200,
    **context: object,
) -> tuple[str, int]:
    grouped = forms.by_day(slots, zone)
    chosen = _chosen_day(grouped)
    days = list(grouped)
    if chosen is not None and chosen in days:
        at = days.index(chosen)
        days = days[max(0, at - DAYS_SHOWN // 2) :][:DAYS_SHOWN]
    return render_template(
        template,
        service=service,
        days=days,
        chosen=chosen,
        times=grouped.get(chosen, []) if chosen else [],
        **context,
    ), status


@bp.get("")
@public
def services_list() -> str | Response:
    """The services people may book."""
    gate = consent_redirect()
    if gate is not None:
        return gate
    found = bookable_services(services=services(), client=_client() is not None)
    return render_template("bookings/services.html", found=found)


@bp.route("/<service_id>", methods=["GET", "POST"])
@public
def service(service_id: str) -> tuple[str, int] | Response:
    """A service's free times, one day at a time, and the form that books one."""
    gate = consent_redirect()
    if gate is not None:
        return gate
    client = _client()
    found, rules, slots = service_slots(
        services=services(), service_id=service_id, client=client is not None
    )
    zone = ZoneInfo(rules.time_zone)
    form = forms.BookForm()
    status, next_free = 200, None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if (form.website.data or "").strip():
            abort(400)  # a robot filled in the field people do not see
        try:
            booking = book(
                services=services(),
                service_id=service_id,
                start=form.start.data,
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                contact_consent=form.contact_consent.data is True,
                language=current_language(),
                account_id=client.id if client is not None else None,
                ip=client_ip(),
            )
        except InvalidInput as error:
            forms.apply_errors(form, error)
            status = 400
        except SlotTaken as taken:
            status = 409
            next_free = [moment.astimezone(zone) for moment in taken.next_slots]
            *_unused, slots = service_slots(
                services=services(), service_id=service_id, client=client is not None
            )
        else:
            token = link_of(services=services(), booking=booking)
            return redirect(url_for("bookings.public.manage", token=token, new=1), 303)
    return _day_page(
        "bookings/book.html",
        found,
        slots,
        zone,
        status,
        form=form,
        client=client,
        next_free=next_free,
        rules=rules,
    )


@bp.route("/manage/<token>", methods=["GET", "POST"])
@public
@consent_exempt
def manage(token: str) -> Response:
    """A booking opened by its link: what and when, and while the deadline allows, cancel it
    or move it to another free time."""
    try:
        managed = open_link(services=services(), token=token)
    except (TokenInvalid, TokenExpired, NotFound):
        abort(404)
    form = forms.ManageForm()
    status, next_free = 200, None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            if form.action.data == "cancel":
                cancel_by_link(services=services(), token=token, ip=client_ip())
                flash(_("Your booking is cancelled. We sent you an e-mail."), "success")
            else:
                move_by_link(
                    services=services(), token=token, start=form.start.data, ip=client_ip()
                )
                flash(_("Your booking is moved. We sent you an e-mail."), "success")
        except TooLate:
            flash(_("This booking can no longer be changed here: please contact us."), "error")
            status = 409
        except InvalidInput as error:
            forms.apply_errors(form, error)
            status = 400
        except SlotTaken as taken:
            status = 409
            next_free = [m.astimezone(ZoneInfo(managed.rules.time_zone)) for m in taken.next_slots]
        else:
            return redirect(url_for("bookings.public.manage", token=token), 303)
        managed = open_link(services=services(), token=token)
    slots: list[Slot] = []
    if managed.changeable:
        try:
            *_unused, slots = service_slots(
                services=services(), service_id=managed.service.id, client=True
            )
        except NotFound:
            slots = []
    page = _day_page(
        "bookings/manage.html",
        managed.service,
        slots,
        ZoneInfo(managed.rules.time_zone),
        status,
        managed=managed,
        form=form,
        token=token,
        new=request.args.get("new") == "1",
        next_free=next_free,
    )
    response = make_response(page)
    # The address holds the booking's token: no other page, even ours, is told it.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response

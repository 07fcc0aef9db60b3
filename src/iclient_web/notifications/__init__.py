"""Notification preferences in the portal: the client's choices per event and channel, the
confirmation of their phone for SMS (``/<lang>/account/notifications``), and the one-click
unsubscribe link of optional e-mails (``/<lang>/unsubscribe/<token>``, RFC 8058)."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField

from iclient_core.accounts.notification_choices import (
    NotificationSettings,
    choose_notifications,
    confirm_phone,
    notification_settings,
    send_phone_code,
    unsubscribe,
    unsubscribe_event,
)
from iclient_core.notifications.model import Channel
from iclient_core.notifications.preferences import Event, choice_key
from iclient_core.shared.errors import InvalidInput, RateLimited, TokenExpired, TokenInvalid
from iclient_web import formats
from iclient_web.deps import client_ip, services
from iclient_web.forms import apply_errors
from iclient_web.security import csrf, public
from iclient_web.staff.labels import CHANNEL_LABELS, EVENT_LABELS

bp = Blueprint("notifications", __name__, url_prefix="/<lang>")


class PhoneCodeForm(FlaskForm):
    """The code sent by SMS to the client's phone."""

    code = StringField(
        _l("Code from the SMS"),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6},
    )


def field_name(event: Event, channel: Channel) -> str:
    """The checkbox of one choice: ``quote_sent_email``, ``news_sms``…"""
    return f"{event.value}_{channel.value}"


def _page(
    settings: NotificationSettings | None = None,
    *,
    code_form: PhoneCodeForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    settings = settings or notification_settings(services=services(), actor=g.account)
    body = render_template(
        "notifications/preferences.html",
        settings=settings,
        events=list(Event),
        channels=list(Channel),
        field_name=field_name,
        event_labels=EVENT_LABELS,
        channel_labels=CHANNEL_LABELS,
        phone=formats.phone(settings.phone) if settings.phone else "",
        code_form=code_form or PhoneCodeForm(formdata=None),
    )
    return body, status


@bp.get("/account/notifications")
def show() -> tuple[str, int]:
    """Which messages I receive, by e-mail and by SMS, and my phone's confirmation."""
    return _page()


@bp.post("/account/notifications")
def save() -> Response | tuple[str, int]:
    """Keep the ticked choices on and the others off."""
    if not FlaskForm().validate_on_submit():
        return _page(status=400)
    on = {
        choice_key(event, channel)
        for event in Event
        for channel in Channel
        if request.form.get(field_name(event, channel))
    }
    choose_notifications(services=services(), account_id=g.account.id, on=on, ip=client_ip())
    flash(_("Your notification choices were saved."), "success")
    return redirect(url_for("notifications.show"), 303)


@bp.post("/account/notifications/phone-code")
def send_code() -> Response | tuple[str, int]:
    """Send a confirmation code by SMS to my phone."""
    if not FlaskForm().validate_on_submit():
        return _page(status=400)
    try:
        send_phone_code(services=services(), account_id=g.account.id, ip=client_ip())
    except InvalidInput as error:
        messages = {
            "phone_missing": _("Add a phone number to your account first."),
            "sms_unavailable": _("This portal does not send SMS."),
            "phone_confirmed": _("Your phone is already confirmed."),
        }
        flash(messages.get(error.errors[0].code, _("The code could not be sent.")), "error")
        return redirect(url_for("notifications.show"), 303)
    except RateLimited:
        flash(_("Too many codes were sent. Please try again later."), "error")
        return redirect(url_for("notifications.show"), 303)
    flash(_("We sent a code by SMS to your phone. It is valid for 10 minutes."), "info")
    return redirect(url_for("notifications.show") + "#phone", 303)


@bp.post("/account/notifications/phone")
def confirm() -> Response | tuple[str, int]:
    """Confirm my phone with the code sent to it."""
    form = PhoneCodeForm()
    if not form.validate_on_submit():
        return _page(code_form=form, status=400)
    try:
        confirm_phone(
            services=services(), account_id=g.account.id, code=form.code.data or "", ip=client_ip()
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _page(code_form=form, status=400)
    except RateLimited:
        flash(_("Too many tries. Please try again later."), "error")
        return redirect(url_for("notifications.show"), 303)
    flash(_("Your phone is confirmed. SMS you choose will be sent to it."), "success")
    return redirect(url_for("notifications.show"), 303)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
def unsubscribe_link(token: str) -> tuple[str, int, dict[str, str]]:
    """Stop one kind of e-mail: the GET asks to confirm with a button, the POST (also the
    mail program's RFC 8058 one-click POST, without a session or a CSRF token) does it."""
    headers = {"Referrer-Policy": "no-referrer"}
    try:
        if request.method == "POST":
            event = unsubscribe(services=services(), token=token, ip=client_ip())
            body = render_template(
                "notifications/unsubscribed.html", event_label=EVENT_LABELS[event.value]
            )
            return body, 200, headers
        event = unsubscribe_event(services=services(), token=token)
    except (TokenInvalid, TokenExpired):
        return render_template("auth/link_invalid.html"), 400, headers
    body = render_template("notifications/unsubscribe.html", event_label=EVENT_LABELS[event.value])
    return body, 200, headers


def init_app(app: Flask) -> None:
    """Register the notification pages; the one-click unsubscribe POST takes no CSRF token
    (a mail program sends it, RFC 8058)."""
    csrf.exempt(unsubscribe_link)
    app.register_blueprint(bp)

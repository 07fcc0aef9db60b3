"""Audit entries as sentences in the page's language.

The log keeps each entry as data (an action code, who acted, who it is about, and details
such as a version number or an amount in cents); this module says it in words when a page is
shown: people by name, linked to their page, amounts and dates written the language's way,
field names translated. Every action the core can record has a sentence here (a test walks
:data:`iclient_core.shared.audit.ACTIONS`); an entry recorded before its details were kept
still reads as a sentence, only a shorter one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import attrs
from babel.lists import format_list
from flask import url_for
from flask_babel import get_locale
from markupsafe import Markup

from iclient_core.shared.audit import AuditEntry, AuditPerson
from iclient_core.shared.money import Money
from iclient_web.i18n import format_day, money, page_translations
from iclient_web.staff.labels import EVENT_LABELS, role_label


def _(message: str) -> str:
    """The translation of ``message``, not yet formatted (:func:`_say` escapes the parts)."""
    return page_translations().ugettext(message)


def _l(message: str) -> str:
    """Marks ``message`` for the catalogue; it is translated when a sentence is made."""
    return message


def ngettext(singular: str, plural: str, number: int) -> str:
    """The translation of the form of ``singular``/``plural`` that ``number`` takes."""
    return page_translations().ungettext(singular, plural, number)


def _say(template: str, **parts: object) -> Markup:
    """``template`` (a translation, trusted) with ``parts`` escaped unless already markup."""
    return Markup(template) % parts  # noqa: S704 - the template is our own catalogue's text


def _number(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None


@attrs.frozen
class _Entry:
    """What a sentence is made of: the entry, and the people already written as links."""

    entry: AuditEntry
    actor: Markup
    subject: Markup

    def detail(self, name: str) -> str:
        return self.entry.details.get(name, "")

    @property
    def version(self) -> Markup:
        number = self.detail("version")
        return _say(_(" (version %(number)s)"), number=number) if number else Markup("")

    @property
    def total(self) -> str:
        cents = _number(self.detail("total_cents"))
        if cents is None:
            return ""
        return money(Money(cents, self.detail("currency") or "EUR"))

    @property
    def valid_until(self) -> str:
        try:
            return format_day(date.fromisoformat(self.detail("valid_until")))
        except ValueError:
            return ""

    @property
    def title(self) -> str:
        return self.detail("title") or _("untitled")

    @property
    def document(self) -> Markup:
        """The document's title, linked to its staff page while it exists."""
        client_id, document_id = self.entry.subject_id, self.entry.target_id
        if not (client_id and document_id) or self.entry.action == "document.deleted":
            return _say("%(title)s", title=self.title)
        link = url_for("admin_documents.show", client_id=client_id, document_id=document_id)
        return Markup('<a href="{}">{}</a>').format(link, self.title)

    @property
    def quote(self) -> Markup:
        name = self.detail("subject") or self.detail("reference") or _("untitled")
        if not self.entry.target_id:
            return _say("“%(name)s”", name=name)
        link = url_for("quotes.admin.show", quote_id=self.entry.target_id)
        return Markup('<a href="{}">“{}”</a>').format(link, name)

    @property
    def request(self) -> Markup:
        """The support request by its subject, linked to its staff page."""
        name = self.detail("subject") or _("untitled")
        if not self.entry.target_id:
            return _say("“%(name)s”", name=name)
        link = url_for("support.admin.show", conversation_id=self.entry.target_id)
        return Markup('<a href="{}">“{}”</a>').format(link, name)

    @property
    def text(self) -> str:
        kind = self.detail("kind")
        if kind == "terms":
            return _("the Terms and Conditions")
        if kind == "privacy":
            return _("the Privacy Policy")
        return _("the text “%(kind)s”") % {"kind": kind} if kind else _("a text")

    def fields(self, labels: Mapping[str, str]) -> str:
        names = [n for n in self.detail("fields").split(",") if n]
        words = [_(labels[n]) if n in labels else _("another detail") for n in names]
        return format_list(list(dict.fromkeys(words)), locale=get_locale()) if words else ""


CLIENT_FIELDS = {
    "first_name": _l("the first name"),
    "last_name": _l("the surname"),
    "email": _l("the e-mail address"),
    "phone": _l("the phone number"),
    "language": _l("the language for e-mails"),
}
"""A client's fields as the sentences name them (translated when shown)."""

SETTINGS_FIELDS = {
    "business_name": _l("the business name"),
    "contact_email": _l("the contact e-mail"),
    "contact_phone": _l("the contact phone"),
    "default_language": _l("the default language"),
    "vat_rates": _l("the VAT rates"),
    "upload_limit_mb": _l("the upload limit"),
    "logo": _l("the logo"),
    "logo removed": _l("the logo (removed)"),
    "address": _l("the postal address"),
    "nif": _l("the tax number (NIF)"),
    "quote_prefix": _l("the quote number prefix"),
    "accent_color": _l("the accent colour"),
    "intro_pt": _l("the introduction in Portuguese"),
    "intro_en": _l("the introduction in English"),
    "staff_two_step": _l("two-step sign-in for staff"),
}
"""The business settings as the sentences name them (translated when shown)."""


def _two_step_reset(e: _Entry) -> Markup:
    count = _number(e.detail("sessions")) or 0
    return _say(
        ngettext(
            "%(actor)s turned off the two-step sign-in of %(subject)s (%(num)d session ended).",
            "%(actor)s turned off the two-step sign-in of %(subject)s (%(num)d sessions ended).",
            count,
        ),
        num=count,
        **_people(e),
    )


def _sessions(e: _Entry) -> Markup:
    count = _number(e.detail("sessions"))
    if count is None:
        return _say(_("%(actor)s signed %(subject)s out everywhere."), **_people(e))
    return _say(
        ngettext(
            "%(actor)s signed %(subject)s out everywhere (%(num)d session ended).",
            "%(actor)s signed %(subject)s out everywhere (%(num)d sessions ended).",
            count,
        ),
        num=count,
        **_people(e),
    )


def _people(e: _Entry) -> dict[str, Markup]:
    return {"actor": e.actor, "subject": e.subject}


def _with_reason(e: _Entry, plain: str, reasoned: str, **parts: object) -> Markup:
    reason = e.detail("reason")
    if reason:
        return _say(reasoned, reason=reason, quote=e.quote, **_people(e), **parts)
    return _say(plain, quote=e.quote, **_people(e), **parts)


def _client_updated(e: _Entry) -> Markup:
    fields = e.fields(CLIENT_FIELDS)
    if not fields:
        return _say(_("%(actor)s changed the details of %(subject)s."), **_people(e))
    return _say(_("%(actor)s changed %(fields)s of %(subject)s."), fields=fields, **_people(e))


def _settings_updated(e: _Entry) -> Markup:
    fields = e.fields(SETTINGS_FIELDS)
    if not fields:
        return _say(_("%(actor)s saved the business settings."), actor=e.actor)
    return _say(
        _("%(actor)s changed %(fields)s in the business settings."), fields=fields, actor=e.actor
    )


def _imported(e: _Entry) -> Markup:
    count = _number(e.detail("created"))
    if count is None:
        return _say(_("%(actor)s imported clients from a CSV file."), actor=e.actor)
    return _say(
        ngettext(
            "%(actor)s imported %(num)d client from a CSV file.",
            "%(actor)s imported %(num)d clients from a CSV file.",
            count,
        ),
        num=count,
        actor=e.actor,
    )


def _role(e: _Entry, name: str) -> str:
    value = e.detail(name)
    return role_label(value).lower() if value else ""


def _staff_invited(e: _Entry) -> Markup:
    role = _role(e, "role")
    if not role:
        return _say(_("%(actor)s invited %(subject)s to the staff."), **_people(e))
    return _say(
        _("%(actor)s invited %(subject)s to the staff as %(role)s."), role=role, **_people(e)
    )


def _role_changed(e: _Entry) -> Markup:
    before, after = _role(e, "from"), _role(e, "to")
    if not (before and after):
        return _say(_("%(actor)s changed the role of %(subject)s."), **_people(e))
    return _say(
        _("%(actor)s changed the role of %(subject)s from %(before)s to %(after)s."),
        before=before,
        after=after,
        **_people(e),
    )


def _sign_in_failed(e: _Entry) -> Markup:
    if e.entry.subject_id or e.entry.target_id:
        return _say(_("A sign-in to the account of %(subject)s failed."), subject=e.subject)
    return Markup(_("A sign-in with an unknown address failed."))  # noqa: S704


def _reset_requested(e: _Entry) -> Markup:
    if e.entry.subject_id or e.entry.target_id:
        return _say(_("A password reset link was asked for %(subject)s."), subject=e.subject)
    return Markup(_("A password reset was asked for an address without an account."))  # noqa: S704


def _sign_in(e: _Entry) -> Markup:
    method = e.detail("method")
    ways = {
        "authenticator": _("with an authenticator app code"),
        "recovery_code": _("with a recovery code"),
        "passkey": _("with a passkey"),
    }
    if method in ways:
        return _say(_("%(actor)s signed in %(way)s."), actor=e.actor, way=ways[method])
    return _say(_("%(actor)s signed in."), actor=e.actor)


def _quote_sent(e: _Entry) -> Markup:
    total, until = e.total, e.valid_until
    parts = {"quote": e.quote, "version": e.version, **_people(e)}
    if total and until:
        return _say(
            _(
                "%(actor)s sent the quote %(quote)s to %(subject)s%(version)s: %(total)s, "
                "valid until %(date)s."
            ),
            total=total,
            date=until,
            **parts,
        )
    if total:
        return _say(
            _("%(actor)s sent the quote %(quote)s to %(subject)s%(version)s: %(total)s."),
            total=total,
            **parts,
        )
    return _say(_("%(actor)s sent the quote %(quote)s to %(subject)s%(version)s."), **parts)


def _quote_accepted(e: _Entry) -> Markup:
    parts = {"quote": e.quote, "version": e.version, "actor": e.actor}
    if e.total:
        return _say(
            _("%(actor)s accepted the quote %(quote)s%(version)s: %(total)s."),
            total=e.total,
            **parts,
        )
    return _say(_("%(actor)s accepted the quote %(quote)s%(version)s."), **parts)


def _doc(template: str) -> Callable[[_Entry], Markup]:
    return lambda e: _say(_(template), title=e.document, version=e.version, **_people(e))


def _consent(template: str) -> Callable[[_Entry], Markup]:
    return lambda e: _say(_(template), text=e.text, version=e.version, **_people(e))


def _choice(key: str) -> str:
    """``event:channel`` in words: “Quote sent by SMS”."""
    event, _sep, channel = key.partition(":")
    label = str(EVENT_LABELS.get(event, event))
    return (_("%(event)s by SMS") if channel == "sms" else _("%(event)s by e-mail")) % {
        "event": label
    }


def _preferences_changed(e: _Entry) -> Markup:
    on = [_choice(k) for k, v in sorted(e.entry.details.items()) if v == "on"]
    off = [_choice(k) for k, v in sorted(e.entry.details.items()) if v == "off"]
    locale = str(get_locale() or "en")
    if on and off:
        return _say(
            _("%(actor)s turned on %(on)s and turned off %(off)s."),
            actor=e.actor,
            on=format_list(on, locale=locale),
            off=format_list(off, locale=locale),
        )
    if on:
        return _say(
            _("%(actor)s turned on %(on)s."), actor=e.actor, on=format_list(on, locale=locale)
        )
    if off:
        return _say(
            _("%(actor)s turned off %(off)s."), actor=e.actor, off=format_list(off, locale=locale)
        )
    return _say(_("%(actor)s changed their notification choices."), actor=e.actor)


def _unsubscribed(e: _Entry) -> Markup:
    event = e.detail("event")
    return _say(
        _("%(subject)s turned off the e-mails about “%(event)s” with the link in one of them."),
        subject=e.subject,
        event=str(EVENT_LABELS.get(event, event)),
    )


def _plain(template: str) -> Callable[[_Entry], Markup]:
    return lambda e: _say(_(template), **_people(e))


def _on_form(template: str) -> Callable[[_Entry], Markup]:
    return lambda e: _say(_(template), form=e.detail("form") or e.detail("slug"), **_people(e))


def _on_key(template: str) -> Callable[[_Entry], Markup]:
    return lambda e: _say(
        _(template),
        key=e.detail("name") or "?",
        request=f"{e.detail('method')} {e.detail('path')}".strip(),
        **_people(e),
    )


def _received(e: _Entry) -> Markup:
    if e.entry.actor_id:
        return _say(_("%(actor)s sent the form “%(form)s”."), form=e.detail("form"), **_people(e))
    return _say(_("A visitor sent the form “%(form)s”."), form=e.detail("form"))


def _booking(template: str, anonymous: str, *, of: str = "booking") -> Callable[[_Entry], Markup]:
    """A sentence on a booking (``what``: the service and when), a service (its name), a
    staff member's hours (their name) or the rules (the time zone), from the details."""

    def say(e: _Entry) -> Markup:
        english = str(get_locale() or "pt") != "pt"
        service = (e.detail("service_en") if english else "") or e.detail("service")
        if of == "booking":
            when = e.detail("when")
            what = f"{service} ({when})" if service and when else service or when or _("a booking")
        elif of == "service":
            what = service or "?"
        else:
            what = e.detail(of) or "?"
        if e.entry.actor_id:
            return _say(_(template), what=what, **_people(e))
        return _say(_(anonymous), what=what)

    return say


def _on_webhook(template: str) -> Callable[[_Entry], Markup]:
    return lambda e: _say(_(template), url=e.detail("url"), **_people(e))


def _webhook_paused(e: _Entry) -> Markup:
    if e.entry.actor_id:
        return _say(
            _("%(actor)s paused the webhook endpoint %(url)s."), url=e.detail("url"), **_people(e)
        )
    return _say(
        _("The webhook endpoint %(url)s kept failing and was paused (%(reason)s)."),
        url=e.detail("url"),
        reason=e.detail("reason"),
    )


def _on_request(template: str) -> Callable[[_Entry], Markup]:
    return lambda e: _say(_(template), request=e.request, **_people(e))


def _on_quote(template: str) -> Callable[[_Entry], Markup]:
    return lambda e: _say(_(template), quote=e.quote, version=e.version, **_people(e))


def _page_help(template: str, short: str) -> Callable[[_Entry], Markup]:
    """A sentence on a page's help: the page by its title in the page's language."""

    def say(e: _Entry) -> Markup:
        from iclient_web.help.page_help import shipped

        page, language = e.detail("page"), e.detail("language")
        if not page or not language:
            return _say(_(short), **_people(e))
        found = shipped(page, str(get_locale() or "pt"))
        languages = {"pt": _("Portuguese"), "en": _("English")}
        return _say(
            _(template),
            page=found.title if found else page,
            language=languages.get(language, language),
            **_people(e),
        )

    return say


def _faq(template: str) -> Callable[[_Entry], Markup]:
    return lambda e: _say(_(template), question=e.detail("question") or "?", **_people(e))


SENTENCES: dict[str, Callable[[_Entry], Markup]] = {
    # accounts: the person's own steps
    "account.registered": lambda e: _say(_("%(actor)s signed up."), actor=e.actor),
    "account.activated": lambda e: _say(_("%(actor)s activated their account."), actor=e.actor),
    "account.password_changed": lambda e: _say(
        _("%(actor)s changed their password."), actor=e.actor
    ),
    "account.email_changed": lambda e: _say(
        _("%(actor)s changed their e-mail address."), actor=e.actor
    ),
    "account.deletion_requested": lambda e: _say(
        _("%(actor)s asked for their account to be deleted."), actor=e.actor
    ),
    "account.deletion_cancelled": lambda e: _say(
        _("%(actor)s withdrew their request to delete their account."), actor=e.actor
    ),
    "account.erased": _plain(_l("%(actor)s erased the personal data of %(subject)s.")),
    "auth.sign_in": _sign_in,
    "auth.sign_in_failed": _sign_in_failed,
    "auth.password_reset": lambda e: _say(
        _("%(actor)s chose a new password through an e-mailed link."), actor=e.actor
    ),
    "auth.reset_requested": _reset_requested,
    "auth.second_step_failed": _plain(
        _l("A wrong second-step code was given for the account of %(subject)s.")
    ),
    "account.registration_repeated": _plain(
        _l("Someone tried to sign up again with the address of %(subject)s.")
    ),
    "account.two_step_enabled": lambda e: _say(
        _("%(actor)s turned on two-step sign-in with an authenticator app."), actor=e.actor
    ),
    "account.two_step_disabled": lambda e: _say(
        _("%(actor)s turned two-step sign-in off."), actor=e.actor
    ),
    "account.recovery_codes_renewed": lambda e: _say(
        _("%(actor)s made new recovery codes."), actor=e.actor
    ),
    "account.passkey_added": lambda e: _say(
        _("%(actor)s added a passkey (%(name)s)."), actor=e.actor, name=e.detail("name") or "?"
    ),
    "account.passkey_removed": lambda e: _say(
        _("%(actor)s removed a passkey (%(name)s)."), actor=e.actor, name=e.detail("name") or "?"
    ),
    "account.session_ended": lambda e: _say(
        _("%(actor)s signed out one of their sessions."), actor=e.actor
    ),
    "account.other_sessions_ended": lambda e: _say(
        _("%(actor)s signed out everywhere else."), actor=e.actor
    ),
    # staff on clients
    "client.created": _plain(_l("%(actor)s created the client %(subject)s.")),
    "client.imported": _imported,
    "client.updated": _client_updated,
    "client.disabled": _plain(_l("%(actor)s disabled the account of %(subject)s.")),
    "client.enabled": _plain(_l("%(actor)s enabled the account of %(subject)s again.")),
    "client.invitation_resent": _plain(_l("%(actor)s sent the invitation to %(subject)s again.")),
    "client.activation_resent": _plain(
        _l("%(actor)s sent the activation link to %(subject)s again.")
    ),
    "client.sessions_ended": _sessions,
    "client.two_step_reset": _two_step_reset,
    # staff on staff, settings and the log
    "staff.invited": _staff_invited,
    "staff.invitation_resent": _plain(
        _l("%(actor)s sent the staff invitation to %(subject)s again.")
    ),
    "staff.role_changed": _role_changed,
    "staff.disabled": _plain(_l("%(actor)s disabled the account of %(subject)s.")),
    "staff.enabled": _plain(_l("%(actor)s enabled the account of %(subject)s again.")),
    "staff.sessions_ended": _sessions,
    "staff.two_step_reset": _two_step_reset,
    "settings.updated": _settings_updated,
    "audit.exported": _plain(_l("%(actor)s downloaded the audit log as a CSV file.")),
    # consent
    "consent.accepted": _consent(_l("%(actor)s accepted %(text)s%(version)s.")),
    "consent.withdrawn": _consent(_l("%(actor)s withdrew their consent to %(text)s%(version)s.")),
    "consent.recorded_on_behalf": _consent(
        _l("%(actor)s recorded that %(subject)s accepted %(text)s%(version)s.")
    ),
    "consent.published": _consent(_l("%(actor)s published %(text)s%(version)s.")),
    "consent.kind_added": _consent(_l("%(actor)s added a new kind of consent: %(text)s.")),
    # documents
    "document.uploaded": _doc(_l("%(actor)s published the document “%(title)s” for %(subject)s.")),
    "document.replaced": _doc(
        _l("%(actor)s uploaded a new file for the document “%(title)s”%(version)s.")
    ),
    "document.edited": _doc(_l("%(actor)s edited the details of the document “%(title)s”.")),
    "document.archived": _doc(_l("%(actor)s archived the document “%(title)s”.")),
    "document.unarchived": _doc(_l("%(actor)s took the document “%(title)s” out of the archive.")),
    "document.deleted": _doc(_l("%(actor)s deleted the document “%(title)s”.")),
    "document.opened": _doc(_l("%(actor)s opened the document “%(title)s”.")),
    # quotes
    "quote.requested": _on_quote(_l("%(actor)s asked for the quote %(quote)s.")),
    "quote.requested_by_visitor": _on_quote(
        _l("A visitor asked for the quote %(quote)s through the public form.")
    ),
    "quote.renewal_requested": _on_quote(
        _l("%(actor)s asked for the quote %(quote)s to be renewed.")
    ),
    "quote.requester_invited": _on_quote(
        _l("%(actor)s invited %(subject)s, who asked for the quote %(quote)s, to the portal.")
    ),
    "quote.draft_saved": _on_quote(
        _l("%(actor)s saved a draft of the quote %(quote)s%(version)s.")
    ),
    "quote.sent": _quote_sent,
    "quote.revised": _on_quote(
        _l("%(actor)s started a new version of the quote %(quote)s%(version)s.")
    ),
    "quote.cancelled": lambda e: _with_reason(
        e,
        _("%(actor)s cancelled the quote %(quote)s."),
        _("%(actor)s cancelled the quote %(quote)s (reason: %(reason)s)."),
    ),
    "quote.accepted": _quote_accepted,
    "quote.declined": lambda e: _with_reason(
        e,
        _("%(actor)s declined the quote %(quote)s%(version)s."),
        _("%(actor)s declined the quote %(quote)s%(version)s (reason: %(reason)s)."),
        version=e.version,
    ),
    "quote.withdrawn": lambda e: _with_reason(
        e,
        _("%(actor)s withdrew the request for the quote %(quote)s."),
        _("%(actor)s withdrew the request for the quote %(quote)s (reason: %(reason)s)."),
    ),
    "quote.expired": _on_quote(_l("The quote %(quote)s expired without an answer.")),
    # help on every page
    "help.page_updated": _page_help(
        _l("%(actor)s wrote the help of the page “%(page)s” in %(language)s."),
        _l("%(actor)s wrote the help of a page."),
    ),
    "help.page_restored": _page_help(
        _l("%(actor)s restored the shipped help of the page “%(page)s” in %(language)s."),
        _l("%(actor)s restored the shipped help of a page."),
    ),
    # the FAQ
    "faq.created": _faq(_l("%(actor)s added the question “%(question)s” to the FAQ.")),
    "faq.edited": _faq(_l("%(actor)s edited the FAQ question “%(question)s”.")),
    "faq.published": _faq(_l("%(actor)s published the FAQ question “%(question)s”.")),
    "faq.unpublished": _faq(_l("%(actor)s unpublished the FAQ question “%(question)s”.")),
    "faq.deleted": _faq(_l("%(actor)s deleted the FAQ question “%(question)s”.")),
    "faq.reordered": _faq(_l("%(actor)s moved the FAQ question “%(question)s”.")),
    "faq.defaults_published": _plain(_l("The starting FAQ was written.")),
    # public forms and their inbox
    "inbox.received": _received,
    "inbox.status_changed": _on_form(
        _l("%(actor)s changed the status of a message sent through the form “%(form)s”.")
    ),
    "inbox.assigned": _on_form(
        _l("%(actor)s assigned a message sent through the form “%(form)s”.")
    ),
    "inbox.note_added": _on_form(
        _l("%(actor)s added a note to a message sent through the form “%(form)s”.")
    ),
    "inbox.exported": _plain(_l("%(actor)s downloaded the inbox as a CSV file.")),
    "form.created": _on_form(_l("%(actor)s created the form “%(form)s”.")),
    "form.updated": _on_form(_l("%(actor)s changed the form “%(form)s”.")),
    "form.published": _on_form(_l("%(actor)s published the form “%(form)s”.")),
    "form.unpublished": _on_form(_l("%(actor)s unpublished the form “%(form)s”.")),
    # notification preferences
    "notifications.preferences_changed": _preferences_changed,
    "notifications.unsubscribed": _unsubscribed,
    "notifications.phone_code_sent": lambda e: _say(
        _("%(actor)s asked for a code by SMS to confirm their phone."), actor=e.actor
    ),
    "notifications.phone_confirmed": lambda e: _say(
        _("%(actor)s confirmed their phone for SMS."), actor=e.actor
    ),
    # bookings
    "booking.created": _booking(_l("%(actor)s booked %(what)s."), _l("A visitor booked %(what)s.")),
    "booking.moved": _booking(
        _l("%(actor)s moved the booking %(what)s."),
        _l("The booking %(what)s was moved through its e-mailed link."),
    ),
    "booking.cancelled": _booking(
        _l("%(actor)s cancelled the booking %(what)s."),
        _l("The booking %(what)s was cancelled through its e-mailed link."),
    ),
    "booking.no_show": _booking(
        _l("%(actor)s marked the booking %(what)s as a no-show."),
        _l("The booking %(what)s was marked as a no-show."),
    ),
    "booking.service_created": _booking(
        _l("%(actor)s created the bookable service “%(what)s”."),
        _l("The bookable service “%(what)s” was created."),
        of="service",
    ),
    "booking.service_updated": _booking(
        _l("%(actor)s changed the bookable service “%(what)s”."),
        _l("The bookable service “%(what)s” was changed."),
        of="service",
    ),
    "booking.availability_updated": _booking(
        _l("%(actor)s changed the working hours of %(what)s."),
        _l("The working hours of %(what)s were changed."),
        of="staff",
    ),
    "booking.rules_updated": _booking(
        _l("%(actor)s changed the booking rules (%(what)s)."),
        _l("The booking rules were changed (%(what)s)."),
        of="zone",
    ),
    # webhooks
    "webhook.created": _on_webhook(_l("%(actor)s added the webhook endpoint %(url)s.")),
    "webhook.updated": _on_webhook(_l("%(actor)s changed the webhook endpoint %(url)s.")),
    "webhook.deleted": _on_webhook(_l("%(actor)s removed the webhook endpoint %(url)s.")),
    "webhook.paused": _webhook_paused,
    "webhook.resumed": _on_webhook(_l("%(actor)s resumed the webhook endpoint %(url)s.")),
    "webhook.secret_rotated": _on_webhook(
        _l("%(actor)s gave the webhook endpoint %(url)s a new secret.")
    ),
    "webhook.secret_revealed": _on_webhook(
        _l("%(actor)s looked at the secret of the webhook endpoint %(url)s.")
    ),
    "webhook.sent_again": _on_webhook(
        _l("%(actor)s sent an event again to the webhook endpoint %(url)s.")
    ),
    "webhook.tested": _on_webhook(
        _l("%(actor)s sent a test event to the webhook endpoint %(url)s.")
    ),
    # support requests
    "support.opened": _on_request(_l("%(actor)s opened the support request %(request)s.")),
    "support.client_replied": _on_request(
        _l("%(actor)s wrote in the support request %(request)s.")
    ),
    "support.replied": _on_request(_l("%(actor)s answered the support request %(request)s.")),
    "support.note_added": _on_request(
        _l("%(actor)s added an internal note to the support request %(request)s.")
    ),
    "support.status_changed": _on_request(
        _l("%(actor)s changed the status of the support request %(request)s.")
    ),
    "support.assigned": _on_request(_l("%(actor)s assigned the support request %(request)s.")),
    "support.canned_saved": lambda e: _say(
        _("%(actor)s saved the canned answer “%(title)s”."), title=e.detail("title"), **_people(e)
    ),
    "support.canned_deleted": lambda e: _say(
        _("%(actor)s removed the canned answer “%(title)s”."),
        title=e.detail("title"),
        **_people(e),
    ),
    # integrations: API keys
    "api_key.created": _on_key(_l("%(actor)s created the API key “%(key)s”.")),
    "api_key.revoked": _on_key(_l("%(actor)s revoked the API key “%(key)s”.")),
    "api_key.used": lambda e: (
        _on_key(_l("%(actor)s made a change through the API key “%(key)s”: %(request)s."))(e)
        if e.detail("path")
        else _on_key(_l("%(actor)s made a change through the API key “%(key)s”."))(e)
    ),
}
"""The sentence of each action; templates marked with ``_l`` are translated when shown."""


def _person(person_id: str | None, people: Mapping[str, AuditPerson], link_staff: bool) -> Markup:
    if not person_id:
        return Markup(_("the portal"))  # noqa: S704
    person = people.get(person_id)
    if person is None:
        return Markup(_("a former account"))  # noqa: S704
    if not person.name:
        return Markup(_("an erased account"))  # noqa: S704
    if person.staff:
        if not link_staff:
            return _say("%(name)s", name=person.name)
        link = url_for("admin_staff.index") + f"#staff-{person.id}"
    else:
        link = url_for("admin_clients.show", client_id=person.id)
    return Markup('<a href="{}">{}</a>').format(link, person.name)


def sentence(
    entry: AuditEntry, people: Mapping[str, AuditPerson], *, link_staff: bool = True
) -> Markup:
    """The entry as a sentence in the page's language, people linked to their page.

    Args:
        people: the people the entries name, by account id (from the page's use case).
        link_staff: link staff members to the staff page (only those who may see it).
    """
    subject_id = entry.subject_id or (entry.target_id if entry.target_type == "account" else "")
    parts = _Entry(
        entry=entry,
        actor=_person(entry.actor_id, people, link_staff),
        subject=_person(subject_id or None, people, link_staff),
    )
    say = SENTENCES.get(entry.action)
    if say is None:  # an action of a newer version, read by an older one
        return _say(_("%(actor)s did something this version cannot name."), actor=parts.actor)
    text = say(parts)
    return Markup(text[0].upper() + text[1:]) if text[:1].islower() else text  # noqa: S704

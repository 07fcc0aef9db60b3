"""Staff pages for consent: texts and versions, a client's evidence, deletion requests."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from iclient_core.accounts.model import LANGUAGES
from iclient_core.accounts.permissions import Permission, allowed
from iclient_core.accounts.privacy import confirm_deletion, deletion_requests
from iclient_core.consent.model import ConsentKind, ConsentVersion, diff
from iclient_core.consent.use_cases import (
    add_kind,
    catalogue,
    client_consent,
    current_text,
    current_versions,
    missing_languages,
    preview_version,
    publish_version,
    record_on_behalf,
)
from iclient_core.shared.errors import InvalidInput, NotFound
from iclient_web.consent.forms import ConsentKindForm, OnBehalfForm, PublishConsentForm
from iclient_web.consent.labels import in_language, kind_label
from iclient_web.deps import client_ip, services
from iclient_web.forms import ButtonForm, apply_errors
from iclient_web.i18n import current_language
from iclient_web.security import require_staff

bp = Blueprint("admin_consent", __name__, url_prefix="/<lang>/admin")
bp.before_request(require_staff)


def _kind_choices(kinds: list[ConsentKind]) -> list[SelectChoice]:
    return [SelectChoice(k.key, kind_label(k.key)) for k in kinds]


def _index(
    publish: PublishConsentForm | None = None,
    kind_form: ConsentKindForm | None = None,
    preview: ConsentVersion | None = None,
    status: int = 200,
) -> tuple[str, int]:
    kinds, versions = catalogue(services=services(), actor=g.account)
    publish = publish or _draft_form(kinds, versions)
    publish.kind.choices = _kind_choices(kinds)
    changes: list[tuple[str, str]] = []
    preview_missing: list[str] = []
    if preview is not None:
        before = current_text(
            services=services(), actor=g.account, kind=preview.kind, language=preview.language
        )
        if before is not None and before.number != preview.number:
            changes = diff(before.body, preview.body)
        same = {
            v.language for v in versions if (v.kind, v.number) == (preview.kind, preview.number)
        }
        preview_missing = [code for code in LANGUAGES if code not in same | {preview.language}]
    body = render_template(
        "admin/consent/index.html",
        kinds=kinds,
        versions=versions,
        current=current_versions(versions),
        missing=missing_languages(versions),
        publish_form=publish,
        kind_form=kind_form or ConsentKindForm(formdata=None),
        preview=preview,
        changes=changes,
        preview_missing=preview_missing,
        can_publish=allowed(g.account, Permission.CONSENT_PUBLISH),
        missing_message=_missing_message,
    )
    return body, status


def _draft_form(kinds: list[ConsentKind], versions: list[ConsentVersion]) -> PublishConsentForm:
    """The publishing form, started from the current text of the kind and language asked
    for in the address (``?kind=terms&language=en&translation=y``), so that a new version
    is an edit of the current one and a translation starts from the text to translate."""
    keys = [k.key for k in kinds]
    kind = request.args.get("kind")
    kind = kind if kind in keys else (keys[0] if keys else None)
    language = request.args.get("language")
    language = language if language in LANGUAGES else current_language()
    number = current_versions(versions).get(kind or "", 0)
    texts = {v.language: v for v in versions if (v.kind, v.number) == (kind, number)}
    # nothing in this language yet: start from another language's text, to translate it
    start = texts.get(language) or next((texts[code] for code in LANGUAGES if code in texts), None)
    return PublishConsentForm(
        formdata=None,
        kind=kind,
        language=language,
        title=start.title if start else "",
        body=start.body if start else "",
        translation=request.args.get("translation") == "y",
    )


@bp.get("/consent")
def consent_index() -> tuple[str, int]:
    """Kinds and published versions; the publishing form for admins, started from the
    current text."""
    return _index()


@bp.post("/consent")
def consent_publish() -> Response | tuple[str, int]:
    """Preview (``action=preview``: the text and what changed) or publish a new version."""
    form = PublishConsentForm()
    fields = {
        "services": services(),
        "actor": g.account,
        "kind": form.kind.data,
        "title": form.title.data,
        "body": form.body.data,
        "language": form.language.data,
        "translation": bool(form.translation.data),
    }
    try:
        if request.form.get("action") == "preview":
            return _index(publish=form, preview=preview_version(**fields))
        version = publish_version(**fields, ip=client_ip())
    except InvalidInput as error:
        apply_errors(form, error)
        return _index(publish=form, status=400)
    flash(
        _("Published %(title)s, version %(number)d.", title=version.title, number=version.number),
        "success",
    )
    _kinds, versions = catalogue(services=services(), actor=g.account)
    for code in missing_languages(versions).get(version.kind, []):
        flash(_missing_message(code), "notice")
    return redirect(url_for("admin_consent.consent_index"), 303)


def _missing_message(code: str) -> str:
    """The warning for a current version without a text in language ``code``."""
    shown = next((other for other in LANGUAGES if other != code), code)
    return _(
        "This version has no text %(missing)s: people who read the portal %(missing)s see "
        "the text %(shown)s until you add it.",
        missing=in_language(code),
        shown=in_language(shown),
    )


@bp.post("/consent/kinds")
def consent_add_kind() -> Response | tuple[str, int]:
    """Define a new kind of consent."""
    form = ConsentKindForm()
    try:
        add_kind(
            services=services(),
            actor=g.account,
            key=form.key.data,
            required=bool(form.required.data),
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _index(kind_form=form, status=400)
    flash(_("The new kind was added. Publish its first version to use it."), "success")
    return redirect(url_for("admin_consent.consent_index"), 303)


@bp.get("/consent/versions/<version_id>")
def consent_version(version_id: str) -> str:
    """One published text, as clients see it."""
    _kinds, versions = catalogue(services=services(), actor=g.account)
    version = next((v for v in versions if v.id == version_id), None)
    if version is None:
        raise NotFound()
    return render_template("admin/consent/version.html", version=version)


def _client_page(client_id: str) -> tuple[str, int]:
    found = client_consent(services=services(), actor=g.account, client_id=client_id)
    form = OnBehalfForm(formdata=None)
    form.kind.choices = [
        SelectChoice(s.kind.key, s.version.title)
        for s in found.status.kinds
        if s.version is not None and not s.given
    ]
    body = render_template(
        "admin/consent/client.html",
        client=found.client,
        history=found.history,
        state=found.status,
        form=form,
        can_record=allowed(g.account, Permission.CLIENTS_MANAGE),
    )
    return body, 200


@bp.get("/consent/clients/<client_id>")
def consent_client(client_id: str) -> tuple[str, int]:
    """A client's consent evidence, newest first."""
    return _client_page(client_id)


@bp.post("/consent/clients/<client_id>")
def consent_on_behalf(client_id: str) -> Response:
    """Record an acceptance the client gave outside the portal."""
    form = OnBehalfForm()
    record_on_behalf(
        services=services(),
        actor=g.account,
        client_id=client_id,
        kind=form.kind.data or "",
        ip=client_ip(),
    )
    flash(_("The acceptance was recorded on the client's behalf."), "success")
    return redirect(url_for("admin_consent.consent_client", client_id=client_id), 303)


@bp.get("/deletions")
def deletions() -> str:
    """Clients who asked for their account to be deleted."""
    return render_template(
        "admin/consent/deletions.html",
        accounts=deletion_requests(services=services(), actor=g.account),
        form=ButtonForm(formdata=None),
        can_confirm=allowed(g.account, Permission.CLIENTS_MANAGE),
    )


@bp.post("/deletions/<client_id>")
def confirm_deletion_view(client_id: str) -> Response:
    """Erase a client's personal data now (consent evidence and invoices are kept)."""
    ButtonForm()
    confirm_deletion(services=services(), actor=g.account, client_id=client_id, ip=client_ip())
    flash(_("The account was deleted and its personal data erased."), "success")
    return redirect(url_for("admin_consent.deletions"), 303)

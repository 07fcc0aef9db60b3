"""Staff pages for clients: the list and search, a client's page, create, edit, disable,
resend the invitation, end sessions, turn off two-step sign-in, and the CSV import."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from iclient_core.accounts.model import Account
from iclient_core.notifications.model import Kind
from iclient_core.shared.errors import FieldError, InvalidInput, RateLimited
from iclient_core.staff.client_import import (
    ImportReport,
    ImportRow,
    check_import,
    import_clients,
)
from iclient_core.staff.clients import (
    ClientFilter,
    client_file,
    create_client,
    disable_client,
    enable_client,
    end_client_sessions,
    find_clients,
    resend_invitation,
    reset_client_two_step,
    update_client,
)
from iclient_web import formats
from iclient_web.deps import client_ip, services
from iclient_web.forms import ButtonForm, apply_errors
from iclient_web.messages import field_message
from iclient_web.security import require_staff
from iclient_web.staff.forms import ClientForm, ImportForm
from iclient_web.staff.hooks import client_readings, client_sections
from iclient_web.staff.labels import two_step_reset_done

bp = Blueprint("admin_clients", __name__, url_prefix="/<lang>/admin/clients")
bp.before_request(require_staff)

Page = str | tuple[str, int] | Response


def _status(value: str | None) -> ClientFilter | None:
    try:
        return ClientFilter(value) if value else None
    except ValueError:
        return None


@bp.get("/")
def index() -> str:
    """Clients: search by name, e-mail or phone, filter by status, page after page (the
    "next" and "previous" links carry a cursor; an old ``?page=`` starts at the first)."""
    text = request.args.get("q", "")[:200]
    status = _status(request.args.get("status"))
    window = find_clients(
        services=services(),
        actor=g.account,
        text=text,
        status=status,
        cursor=request.args.get("cursor"),
    )
    return render_template(
        "admin/clients/list.html",
        window=window,
        q=text,
        status=status.value if status else "",
        filters=list(ClientFilter),
    )


def _form_page(form: ClientForm, status: int = 200, client: Account | None = None) -> Page:
    template = "admin/clients/edit.html" if client else "admin/clients/new.html"
    return render_template(template, form=form, client=client), status


@bp.route("/new", methods=["GET", "POST"])
def new() -> Page:
    """Create a client; they get an invitation e-mail to choose a password."""
    form = ClientForm()
    if request.method == "GET":
        return _form_page(ClientForm(formdata=None, language=g.lang))
    try:
        account = create_client(
            services=services(),
            actor=g.account,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            email=form.email.data,
            phone=form.phone.data,
            language=form.language.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _form_page(form, 400)
    flash(
        _(
            "The client was created and an invitation was sent to %(email)s.",
            email=account.email.address,
        ),
        "success",
    )
    return redirect(url_for("admin_clients.show", client_id=account.id), 303)


@bp.get("/<client_id>")
def show(client_id: str) -> str:
    """One client: profile, status, what staff can do, the other areas' sections (consent,
    documents, quotes) and the timeline of events, newest first, page by page."""
    found = client_file(
        services=services(),
        actor=g.account,
        client_id=client_id,
        timeline_page=request.args.get("page"),
        sections=client_readings(),
    )
    return render_template(
        "admin/clients/show.html",
        file=found,
        client=found.account,
        sections=client_sections(found.sections, found.account),
        button=ButtonForm(),
    )


@bp.route("/<client_id>/edit", methods=["GET", "POST"])
def edit(client_id: str) -> Page:
    """Correct a client's contact data."""
    client = client_file(services=services(), actor=g.account, client_id=client_id).account
    if request.method == "GET":
        form = ClientForm(
            formdata=None,
            first_name=client.profile.first_name,
            last_name=client.profile.last_name,
            email=client.email.address,
            phone=formats.phone(client.profile.phone),
            language=client.language,
        )
        return _form_page(form, client=client)
    form = ClientForm()
    try:
        update_client(
            services=services(),
            actor=g.account,
            client_id=client_id,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            email=form.email.data,
            phone=form.phone.data,
            language=form.language.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _form_page(form, 400, client=client)
    flash(_("The client's details were saved."), "success")
    return redirect(url_for("admin_clients.show", client_id=client_id), 303)


def _back(client_id: str) -> Response:
    return redirect(url_for("admin_clients.show", client_id=client_id), 303)


def _refused(error: InvalidInput, client_id: str) -> Response:
    """Back to the client's page, saying why (the first reason of each field)."""
    for codes in error.by_field().values():
        flash(field_message(codes[0]), "error")
    return _back(client_id)


@bp.post("/<client_id>/resend")
def resend(client_id: str) -> Response:
    """Send a client who has not activated yet a new link."""
    try:
        kind = resend_invitation(
            services=services(), actor=g.account, client_id=client_id, ip=client_ip()
        )
    except InvalidInput as error:
        return _refused(error, client_id)
    except RateLimited:
        flash(
            _("Several links were sent in the last hour. Please wait before sending another."),
            "error",
        )
        return _back(client_id)
    if kind is Kind.INVITATION:
        flash(_("A new invitation was sent."), "success")
    else:
        flash(_("A new activation link was sent."), "success")
    return _back(client_id)


@bp.post("/<client_id>/disable")
def disable(client_id: str) -> Response:
    """Disable a client's account; their sessions end at once."""
    ended = disable_client(
        services=services(), actor=g.account, client_id=client_id, ip=client_ip()
    )
    flash(
        ngettext(
            "The account was disabled and %(num)d session ended.",
            "The account was disabled and %(num)d sessions ended.",
            ended,
        ),
        "success",
    )
    return _back(client_id)


@bp.post("/<client_id>/enable")
def enable(client_id: str) -> Response:
    """Reopen a disabled client account."""
    enable_client(services=services(), actor=g.account, client_id=client_id, ip=client_ip())
    flash(_("The account was enabled again."), "success")
    return _back(client_id)


@bp.post("/<client_id>/two-step-reset")
def two_step_reset(client_id: str) -> Response:
    """Turn off the two-step sign-in of a client who lost their phone and their recovery
    codes (admins only); their sessions end and they are told by e-mail."""
    try:
        ended = reset_client_two_step(
            services=services(), actor=g.account, client_id=client_id, ip=client_ip()
        )
    except InvalidInput as error:
        return _refused(error, client_id)
    flash(two_step_reset_done(ended), "success")
    return _back(client_id)


@bp.post("/<client_id>/end-sessions")
def end_sessions(client_id: str) -> Response:
    """Sign the client out on every device."""
    ended = end_client_sessions(
        services=services(), actor=g.account, client_id=client_id, ip=client_ip()
    )
    flash(ngettext("%(num)d session ended.", "%(num)d sessions ended.", ended), "success")
    return _back(client_id)


IMPORT_FIELDS = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "language": _l("Language"),
}


def import_problem(problem: FieldError, row: ImportRow) -> str:
    """Why a row of an import is refused, in words."""
    if problem.code == "duplicate_in_file":
        return _("the e-mail address is already on line %(line)d", line=row.duplicate_of or 0)
    if problem.code == "already_exists":
        return _("a client or staff member already has this e-mail address")
    return f"{IMPORT_FIELDS.get(problem.field, problem.field)}: {field_message(problem.code)}"


CHECKED_FILE_SALT = "iclient.client-import.checked-file"
MAX_CHECKED_FILE_FIELD = 200 * 1024
"""The largest checked file kept in the page (signed and compressed) for "import now"; the
portal reads at most 256 KiB of a form field."""


def _checked_files() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CHECKED_FILE_SALT)


def keep_checked_file(data: bytes) -> str | None:
    """The file a dry run checked, signed for the "import now" form (None when too large)."""
    kept = str(_checked_files().dumps(data.decode("latin-1")))
    return kept if len(kept) <= MAX_CHECKED_FILE_FIELD else None


def checked_file(kept: str) -> bytes:
    """The file a dry run checked, from its "import now" form.

    Raises:
        InvalidInput: the form's copy is not one this portal made (``file``: required).
    """
    try:
        text = _checked_files().loads(kept)
    except BadSignature:
        raise InvalidInput.single("file", "required") from None
    if not isinstance(text, str):
        raise InvalidInput.single("file", "required")
    return text.encode("latin-1")


def _import_page(
    form: ImportForm,
    report: ImportReport | None = None,
    status: int = 200,
    *,
    data: bytes = b"",
) -> tuple[str, int]:
    offer = report is not None and report.dry_run and report.accepted > 0
    body = render_template(
        "admin/clients/import.html",
        form=form,
        report=report,
        import_problem=import_problem,
        checked=keep_checked_file(data) if offer else None,
        too_large_to_keep=offer and keep_checked_file(data) is None,
    )
    return body, status


@bp.route("/import", methods=["GET", "POST"])
def import_csv() -> Page:
    """Import clients from a CSV file: a dry run reports row by row and offers to import the
    checked file at once; or the real run straight away."""
    if request.method == "GET":
        return _import_page(ImportForm(formdata=None))
    form = ImportForm()
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    kept = request.form.get("checked_file", "")
    try:
        if kept and not data:
            data = checked_file(kept)
            form.dry_run.data = False  # the file was checked: this is the real run
        if form.dry_run.data:
            report = check_import(services=services(), actor=g.account, data=data)
        else:
            report = import_clients(
                services=services(),
                actor=g.account,
                data=data,
                send_invitations=bool(form.send_invitations.data),
                ip=client_ip(),
            )
    except InvalidInput as error:
        apply_errors(form, error)
        return _import_page(form, status=400)
    if report.dry_run:
        return _import_page(form, report, data=data)
    flash(
        ngettext("%(num)d client created.", "%(num)d clients created.", report.created),
        "success",
    )
    return _import_page(form, report)

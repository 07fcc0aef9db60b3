"""The form builder (``inbox.builder``, ``/<lang>/admin/forms``, admins): the forms, a new
one, editing one (title, intro, fields with kind, required, labels and choices), publishing.

The fields arrive as numbered groups (``fields-0-name``, ``fields-0-kind``…); one empty row
is offered to add a field, and a row whose name is emptied is removed.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.inbox.forms import FieldInput, get_form, list_forms, save_form, set_published
from iclient_core.inbox.model import FieldKind, Form
from iclient_core.shared.errors import InvalidInput
from iclient_web.deps import client_ip, services
from iclient_web.inbox import forms
from iclient_web.security import require_staff

bp = Blueprint("builder", __name__, url_prefix="/<lang>/admin/forms")
bp.before_request(require_staff)

MAX_ROWS = 40
"""Most field rows a posted form is read for."""


def _posted_fields() -> list[FieldInput]:
    found: list[FieldInput] = []
    for n in range(MAX_ROWS):
        name = request.form.get(f"fields-{n}-name")
        if name is None:
            break
        if not name.strip():
            continue  # an emptied row is removed; the spare row is left empty
        found.append(
            FieldInput(
                name=name,
                kind=request.form.get(f"fields-{n}-kind"),
                required=request.form.get(f"fields-{n}-required") == "y",
                label_pt=request.form.get(f"fields-{n}-label_pt"),
                label_en=request.form.get(f"fields-{n}-label_en"),
                choices=request.form.get(f"fields-{n}-choices", ""),
            )
        )
    return found


def _values(definition: Form | None) -> dict[str, object]:
    if request.method == "POST":
        rows = [
            {
                "name": f.name or "",
                "kind": f.kind or "text",
                "required": f.required,
                "label_pt": f.label_pt or "",
                "label_en": f.label_en or "",
                "choices": f.choices or "",
            }
            for f in _posted_fields()
        ]
        texts = {k: request.form.get(k, "") for k in ("slug", "title_pt", "title_en")}
        texts |= {k: request.form.get(k, "") for k in ("intro_pt", "intro_en")}
        return {**texts, "published": request.form.get("published") == "y", "rows": rows}
    if definition is None:
        return {"published": False, "rows": []}
    return {
        "slug": definition.slug,
        "title_pt": definition.title_pt,
        "title_en": definition.title_en,
        "intro_pt": definition.intro_pt,
        "intro_en": definition.intro_en,
        "published": definition.published,
        "rows": [
            {
                "name": f.name,
                "kind": f.kind.value,
                "required": f.required,
                "label_pt": f.label_pt,
                "label_en": f.label_en,
                "choices": "\n".join(f.choices),
            }
            for f in definition.fields
        ],
    }


def _editor(definition: Form | None) -> tuple[str, int] | Response:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            saved = save_form(
                services=services(),
                actor=g.account,
                form_id=definition.id if definition is not None else None,
                slug=request.form.get("slug"),
                title_pt=request.form.get("title_pt"),
                title_en=request.form.get("title_en"),
                intro_pt=request.form.get("intro_pt"),
                intro_en=request.form.get("intro_en"),
                fields=_posted_fields(),
                published=request.form.get("published") == "y",
                ip=client_ip(),
            )
        except InvalidInput as error:
            errors = {
                name: [forms.inbox_message(code) for code in codes]
                for name, codes in error.by_field().items()
            }
        else:
            flash(_("The form was saved."), "success")
            return redirect(url_for("inbox.builder.edit", form_id=saved.id), 303)
    return render_template(
        "admin/inbox/form_edit.html",
        definition=definition,
        values=_values(definition),
        errors=errors,
        kinds=forms.KIND_LABELS,
        FieldKind=FieldKind,
    ), (400 if errors else 200)


@bp.get("")
def index() -> str:
    """Every form, with its address and whether it is published."""
    found = list_forms(services=services(), actor=g.account)
    return render_template("admin/inbox/forms.html", forms_found=found)


@bp.route("/new", methods=["GET", "POST"])
def new() -> tuple[str, int] | Response:
    """Build a new form."""
    list_forms(services=services(), actor=g.account)  # admins only, before showing anything
    return _editor(None)


@bp.route("/<form_id>", methods=["GET", "POST"])
def edit(form_id: str) -> tuple[str, int] | Response:
    """Change a form."""
    return _editor(get_form(services=services(), actor=g.account, form_id=form_id))


@bp.post("/<form_id>/publish")
def publish(form_id: str) -> Response:
    """Publish or unpublish a form."""
    wanted = request.form.get("published") == "y"
    set_published(
        services=services(), actor=g.account, form_id=form_id, published=wanted, ip=client_ip()
    )
    flash(_("The form is published.") if wanted else _("The form is no longer public."), "success")
    return redirect(url_for("inbox.builder.index"), 303)

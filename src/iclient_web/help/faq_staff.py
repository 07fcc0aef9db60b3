"""Staff pages for the FAQ: list, write, edit, publish or unpublish, order, delete."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from iclient_core.help.faq import FaqEntry
from iclient_core.help.faq_use_cases import (
    FaqInput,
    add_faq_entry,
    delete_faq_entry,
    edit_faq_entry,
    faq_entries,
    faq_entry,
    move_faq_entry,
)
from iclient_core.shared.errors import InvalidInput
from iclient_web.deps import client_ip, services
from iclient_web.forms import ButtonForm, apply_errors
from iclient_web.help.faq_forms import FaqForm
from iclient_web.i18n import current_language
from iclient_web.security import require_staff

bp = Blueprint("admin_faq", __name__, url_prefix="/<lang>/admin/faq")
bp.before_request(require_staff)


def _given(form: FaqForm) -> FaqInput:
    return FaqInput(
        question=form.question.data,
        answer=form.answer.data,
        category=form.category.data,
        language=form.language.data,
        published=bool(form.published.data),
    )


def _index(form: FaqForm | None = None, status: int = 200) -> tuple[str, int]:
    entries = faq_entries(services=services(), actor=g.account)
    form = form or FaqForm(formdata=None, language=current_language(), published=True)
    body = render_template(
        "admin/faq/index.html", entries=entries, form=form, button=ButtonForm(formdata=None)
    )
    return body, status


@bp.get("")
def index() -> tuple[str, int]:
    """Every question, by language and order, and the form for a new one."""
    return _index()


@bp.post("")
def create() -> Response | tuple[str, int]:
    """Add a question (last in its language)."""
    form = FaqForm()
    try:
        entry = add_faq_entry(
            services=services(), actor=g.account, given=_given(form), ip=client_ip()
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _index(form, 400)
    flash(_("The question “%(question)s” was added.", question=entry.question), "success")
    return redirect(url_for("admin_faq.index"), 303)


def _edit_page(entry: FaqEntry, form: FaqForm, status: int = 200) -> tuple[str, int]:
    body = render_template("admin/faq/edit.html", entry=entry, form=form)
    return body, status


@bp.get("/<entry_id>")
def edit(entry_id: str) -> tuple[str, int]:
    """The form to change one question."""
    entry = faq_entry(services=services(), actor=g.account, entry_id=entry_id)
    form = FaqForm(
        formdata=None,
        question=entry.question,
        answer=entry.answer,
        category=entry.category,
        language=entry.language,
        published=entry.published,
    )
    return _edit_page(entry, form)


@bp.post("/<entry_id>")
def save(entry_id: str) -> Response | tuple[str, int]:
    """Save a changed question (its link on the FAQ page stays the same)."""
    entry = faq_entry(services=services(), actor=g.account, entry_id=entry_id)
    form = FaqForm()
    try:
        edit_faq_entry(
            services=services(),
            actor=g.account,
            entry_id=entry_id,
            given=_given(form),
            ip=client_ip(),
        )
    except InvalidInput as error:
        apply_errors(form, error)
        return _edit_page(entry, form, 400)
    flash(_("The question was saved."), "success")
    return redirect(url_for("admin_faq.index"), 303)


@bp.post("/<entry_id>/delete")
def delete(entry_id: str) -> Response:
    """Delete a question for good."""
    ButtonForm()
    delete_faq_entry(services=services(), actor=g.account, entry_id=entry_id, ip=client_ip())
    flash(_("The question was deleted."), "success")
    return redirect(url_for("admin_faq.index"), 303)


@bp.post("/<entry_id>/move")
def move(entry_id: str) -> Response:
    """Move a question one place up (``direction=up``) or down in its language."""
    ButtonForm()
    move_faq_entry(
        services=services(),
        actor=g.account,
        entry_id=entry_id,
        up=request.form.get("direction") == "up",
        ip=client_ip(),
    )
    return redirect(url_for("admin_faq.index", _anchor=f"faq-{entry_id}"), 303)

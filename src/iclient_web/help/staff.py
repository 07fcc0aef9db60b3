"""Staff pages of the help: admins write another explanation of a page in either language,
or restore the shipped one (``admin_help``); the staff tutorials (``admin_guides``)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField

from iclient_core.accounts.model import LANGUAGES
from iclient_core.help.pages import (
    MAX_PAGE_HELP,
    page_help_for_editing,
    restore_page_help,
    save_page_help,
    written_page_help,
)
from iclient_core.shared.errors import InvalidInput
from iclient_web.deps import client_ip, services
from iclient_web.help.page_help import ShippedHelp, help_pages, shipped
from iclient_web.help.tutorials import GUIDES, guide
from iclient_web.markdown import render_markdown
from iclient_web.messages import field_message
from iclient_web.security import require_staff

bp = Blueprint("admin_help", __name__, url_prefix="/<lang>/admin/help")
bp.before_request(require_staff)

guides_bp = Blueprint("admin_guides", __name__, url_prefix="/<lang>/admin/guides")
guides_bp.before_request(require_staff)

LANGUAGE_NAMES = {"pt": _l("Portuguese"), "en": _l("English")}


class PageHelpForm(FlaskForm):
    """An admin's explanation of one page in one language."""

    text = TextAreaField(_l("Help text"))


def _shipped_or_404(page: str, language: str) -> ShippedHelp:
    if language not in LANGUAGES or page not in help_pages(current_app):
        abort(404)
    found = shipped(page, language)
    if found is None:
        abort(404)
    return found


def _edit_page(page: str, language: str, form: PageHelpForm, status: int = 200) -> tuple[str, int]:
    found = _shipped_or_404(page, language)
    written = page_help_for_editing(
        services=services(), actor=g.account, page=page, language=language
    )
    body = render_template(
        "admin/help/edit.html",
        form=form,
        page=page,
        language=language,
        language_name=LANGUAGE_NAMES[language],
        title=found.title,
        shipped_html=render_markdown(found.body),
        written=written,
        max_length=MAX_PAGE_HELP,
    )
    return body, status


@bp.get("/")
def index() -> str:
    """Every page with help, and in which languages an admin wrote its text."""
    pages = help_pages(current_app)
    texts = written_page_help(services=services(), actor=g.account)
    rows = []
    for page in pages:
        written = {language: (page, language) in texts for language in LANGUAGES}
        found = shipped(page, g.lang) or shipped(page, LANGUAGES[0])
        rows.append((page, found.title if found else page, written))
    return render_template("admin/help/index.html", rows=rows, language_names=LANGUAGE_NAMES)


@bp.get("/<page>/<language>")
def edit(page: str, language: str) -> tuple[str, int]:
    """The help of one page in one language: the shipped text, and the form to replace it."""
    _shipped_or_404(page, language)
    written = page_help_for_editing(
        services=services(), actor=g.account, page=page, language=language
    )
    found = shipped(page, language)
    text = written.text if written else (found.body if found else "")
    return _edit_page(page, language, PageHelpForm(formdata=None, text=text))


@bp.post("/<page>/<language>")
def save(page: str, language: str) -> Response | tuple[str, int]:
    """Store an admin's text for the page (every process shows it from its next request)."""
    _shipped_or_404(page, language)
    form = PageHelpForm()
    try:
        save_page_help(
            services=services(),
            actor=g.account,
            page=page,
            language=language,
            text=form.text.data,
            ip=client_ip(),
        )
    except InvalidInput as error:
        for codes in error.by_field().values():
            form.text.errors = [*form.text.errors, *(field_message(c) for c in codes)]
        return _edit_page(page, language, form, 400)
    flash(_("The help of this page was saved."), "success")
    return redirect(url_for("admin_help.edit", page=page, language=language), 303)


@bp.post("/<page>/<language>/restore")
def restore(page: str, language: str) -> Response:
    """Forget the admin's text: the page shows the shipped help again."""
    _shipped_or_404(page, language)
    restore_page_help(
        services=services(), actor=g.account, page=page, language=language, ip=client_ip()
    )
    flash(_("The page shows the shipped help again."), "success")
    return redirect(url_for("admin_help.edit", page=page, language=language), 303)


@guides_bp.get("/")
def guides_index() -> str:
    """The staff tutorials."""
    items = [(slug, guide(slug, g.lang)) for slug in GUIDES]
    return render_template("admin/guides/index.html", guides=items)


@guides_bp.get("/<slug>")
def guides_show(slug: str) -> str:
    """One staff tutorial, step by step."""
    found = guide(slug, g.lang) if slug in GUIDES else None
    if found is None:
        abort(404)
    return render_template("admin/guides/show.html", guide=found, slug=slug)

"""Admin pages for the audit log: filter by action, person and dates; export as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Blueprint, Response, g, render_template, request, stream_with_context

from iclient_core.staff.audit import CSV_COLUMNS, AuditQuery, audit_page, csv_row, export_audit
from iclient_web.deps import client_ip, services
from iclient_web.security import require_staff
from iclient_web.staff.forms import AuditFilterForm
from iclient_web.staff.labels import ACTION_LABELS

bp = Blueprint("admin_audit", __name__, url_prefix="/<lang>/admin/audit")
bp.before_request(require_staff)


def _query(form: AuditFilterForm) -> AuditQuery:
    """The filters as typed; a date that does not parse is ignored (and shown as an error)."""
    form.validate()
    return AuditQuery(
        action=(form.action.data or "").strip() or None,
        actor=(form.actor.data or "").strip() or None,
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None,
    )


@bp.get("/")
def index() -> str:
    """The audit log, newest first, 50 entries a page."""
    form = AuditFilterForm(request.args)
    page = audit_page(
        services=services(), actor=g.account, query=_query(form), page=request.args.get("page")
    )
    export_args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "admin/audit/list.html",
        form=form,
        page=page,
        actions=sorted(ACTION_LABELS),
        export_args=export_args,
    )


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


@bp.get("/export.csv")
def export() -> Response:
    """The filtered audit log as a CSV download, streamed row by row."""
    form = AuditFilterForm(request.args)
    entries = export_audit(services=services(), actor=g.account, query=_query(form), ip=client_ip())

    def lines() -> Iterator[str]:
        yield "\ufeff" + _csv_line(list(CSV_COLUMNS))  # the BOM makes Excel read UTF-8
        for entry in entries:
            yield _csv_line(csv_row(entry))

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="audit-log.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )

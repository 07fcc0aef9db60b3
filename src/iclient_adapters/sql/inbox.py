"""The inbox repository on SQL: forms and submissions, their questions, answers and notes
as JSON columns (each read with its row: one query per list)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import cattrs
import sqlalchemy as sa

from iclient_adapters.sql.connection import Executor
from iclient_adapters.sql.guards import unique_guard
from iclient_adapters.sql.tables import inbox_forms, inbox_submissions
from iclient_core.inbox.model import FieldKind, Form, FormField, Note, Status, Submission
from iclient_core.inbox.ports import SubmissionFilter
from iclient_core.shared.errors import ConcurrentUpdate


def _form_row(form: Form) -> dict[str, Any]:
    return {
        "id": form.id,
        "slug": form.slug,
        "title_pt": form.title_pt,
        "title_en": form.title_en,
        "intro_pt": form.intro_pt,
        "intro_en": form.intro_en,
        "fields": [
            {
                "name": f.name,
                "kind": f.kind.value,
                "required": f.required,
                "label_pt": f.label_pt,
                "label_en": f.label_en,
                "choices": list(f.choices),
            }
            for f in form.fields
        ],
        "published": form.published,
        "created_at": form.created_at,
        "updated_at": form.updated_at,
        "version": form.version,
    }


def _form(row: sa.Row[Any]) -> Form:
    return Form(
        id=row.id,
        slug=row.slug,
        title_pt=row.title_pt,
        title_en=row.title_en,
        intro_pt=row.intro_pt,
        intro_en=row.intro_en,
        fields=tuple(
            FormField(
                name=f["name"],
                kind=FieldKind(f["kind"]),
                required=bool(f["required"]),
                label_pt=f["label_pt"],
                label_en=f["label_en"],
                choices=tuple(f.get("choices") or ()),
            )
            for f in row.fields
        ),
        published=bool(row.published),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _submission_row(sub: Submission) -> dict[str, Any]:
    return {
        "id": sub.id,
        "form_id": sub.form_id,
        "form_slug": sub.form_slug,
        "answers": dict(sub.values),
        "name": sub.name,
        "email": sub.email,
        "phone": sub.phone,
        "language": sub.language,
        "contact_consent_at": sub.contact_consent_at,
        "account_id": sub.account_id,
        "status": sub.status.value,
        "assignee_id": sub.assignee_id,
        "notes": [
            {
                "at": n.at.isoformat(),
                "author_id": n.author_id,
                "author_label": n.author_label,
                "text": n.text,
            }
            for n in sub.notes
        ],
        "created_at": sub.created_at,
        "updated_at": sub.updated_at,
        "version": sub.version,
    }


def _submission(row: sa.Row[Any]) -> Submission:
    return Submission(
        id=row.id,
        form_id=row.form_id,
        form_slug=row.form_slug,
        values={str(k): str(v) for k, v in row.answers.items()},
        name=row.name,
        email=row.email,
        phone=row.phone,
        language=row.language,
        contact_consent_at=row.contact_consent_at,
        account_id=row.account_id,
        status=Status(row.status),
        assignee_id=row.assignee_id,
        notes=tuple(
            Note(
                at=datetime.fromisoformat(n["at"]),
                author_id=n["author_id"],
                author_label=n["author_label"],
                text=n["text"],
            )
            for n in row.notes
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _where(where: SubmissionFilter) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = []
    if where.status is not None:
        found.append(inbox_submissions.c.status == where.status.value)
    if where.form_id is not None:
        found.append(inbox_submissions.c.form_id == where.form_id)
    if where.assignee_id is not None:
        found.append(inbox_submissions.c.assignee_id == where.assignee_id)
    return found


class SqlInboxRepository:
    """The ``InboxRepository`` port on a connection."""

    def __init__(self, connection: Executor, converter: cattrs.Converter) -> None:
        self._db = connection

    def add_form(self, form: Form) -> None:
        """Insert a form.

        Raises:
            AlreadyExists: the id or the slug is taken.
        """
        with unique_guard(self._db, form.slug):
            self._db.execute(inbox_forms.insert(), _form_row(form))

    def get_form(self, form_id: str) -> Form | None:
        """The form, or None."""
        row = self._db.execute(sa.select(inbox_forms).where(inbox_forms.c.id == form_id)).first()
        return _form(row) if row is not None else None

    def form_by_slug(self, slug: str) -> Form | None:
        """The form at ``slug``, or None."""
        row = self._db.execute(sa.select(inbox_forms).where(inbox_forms.c.slug == slug)).first()
        return _form(row) if row is not None else None

    def forms(self) -> Sequence[Form]:
        """Every form, oldest first."""
        rows = self._db.execute(
            sa.select(inbox_forms).order_by(inbox_forms.c.created_at, inbox_forms.c.id)
        )
        return [_form(row) for row in rows]

    def save_form(self, form: Form) -> None:
        """Write back a form and bump its version."""
        values = _form_row(form)
        del values["id"], values["version"]
        with unique_guard(self._db, form.slug):
            result = self._db.execute(
                sa.update(inbox_forms)
                .where(inbox_forms.c.id == form.id, inbox_forms.c.version == form.version)
                .values(**values, version=form.version + 1)
            )
        if result.rowcount != 1:
            raise ConcurrentUpdate(form.id)
        form.version += 1

    def add_submission(self, submission: Submission) -> None:
        """Insert a submission."""
        with unique_guard(self._db, submission.id):
            self._db.execute(inbox_submissions.insert(), _submission_row(submission))

    def get_submission(self, submission_id: str) -> Submission | None:
        """The submission, or None."""
        row = self._db.execute(
            sa.select(inbox_submissions).where(inbox_submissions.c.id == submission_id)
        ).first()
        return _submission(row) if row is not None else None

    def save_submission(self, submission: Submission) -> None:
        """Write back a submission and bump its version."""
        values = _submission_row(submission)
        del values["id"], values["version"]
        result = self._db.execute(
            sa.update(inbox_submissions)
            .where(
                inbox_submissions.c.id == submission.id,
                inbox_submissions.c.version == submission.version,
            )
            .values(**values, version=submission.version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(submission.id)
        submission.version += 1

    def submissions(
        self, where: SubmissionFilter, *, limit: int, offset: int
    ) -> Sequence[Submission]:
        """Matching submissions, newest first: one query."""
        rows = self._db.execute(
            sa.select(inbox_submissions)
            .where(*_where(where))
            .order_by(inbox_submissions.c.created_at.desc(), inbox_submissions.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_submission(row) for row in rows]

    def count_submissions(self, where: SubmissionFilter) -> int:
        """How many submissions match: one query."""
        query = sa.select(sa.func.count()).select_from(inbox_submissions).where(*_where(where))
        return int(self._db.execute(query).scalar_one())

    def delete_submissions_of_account(self, account_id: str) -> int:
        """Remove a client's own submissions: one statement."""
        result = self._db.execute(
            sa.delete(inbox_submissions).where(inbox_submissions.c.account_id == account_id)
        )
        return int(result.rowcount)

    def submissions_of_account(self, account_id: str) -> Sequence[Submission]:
        """A client's own submissions, oldest first."""
        rows = self._db.execute(
            sa.select(inbox_submissions)
            .where(inbox_submissions.c.account_id == account_id)
            .order_by(inbox_submissions.c.created_at, inbox_submissions.c.id)
        )
        return [_submission(row) for row in rows]

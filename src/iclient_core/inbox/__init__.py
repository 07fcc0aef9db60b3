"""Public forms (contact, demo and any an admin builds) and the staff inbox of what people
send through them.

- ``model``: ``Form``, ``FormField``, ``FieldKind``, ``Submission``, ``Status``, ``Note``.
- ``ports``: ``InboxRepository`` (``uow.inbox``), ``SubmissionFilter``.
- ``forms``: ``ensure_default_forms``, ``published_form``, ``list_forms``, ``get_form``,
  ``save_form``, ``set_published``.
- ``submissions``: ``submit``, ``list_submissions``, ``export_submissions``, ``count_new``,
  ``get_submission``, ``assignable_staff``, ``update_submission``.
"""

from __future__ import annotations

from iclient_core.inbox.forms import (
    DEFAULT_FORMS,
    FieldInput,
    all_forms,
    ensure_default_forms,
    get_form,
    list_forms,
    published_form,
    save_form,
    set_published,
)
from iclient_core.inbox.model import FieldKind, Form, FormField, Note, Status, Submission
from iclient_core.inbox.ports import InboxRepository, SubmissionFilter
from iclient_core.inbox.submissions import (
    assignable_staff,
    count_new,
    export_submissions,
    get_submission,
    list_submissions,
    submit,
    update_submission,
)

__all__ = [
    "DEFAULT_FORMS",
    "FieldInput",
    "FieldKind",
    "Form",
    "FormField",
    "InboxRepository",
    "Note",
    "Status",
    "Submission",
    "SubmissionFilter",
    "all_forms",
    "assignable_staff",
    "count_new",
    "ensure_default_forms",
    "export_submissions",
    "get_form",
    "get_submission",
    "list_forms",
    "list_submissions",
    "published_form",
    "save_form",
    "set_published",
    "submit",
    "update_submission",
]

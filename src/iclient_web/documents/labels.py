"""How the documents pages name a document's category and status."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "invoice": _l("Invoice"),
    "contract": _l("Contract"),
    "other": _l("Other"),
}

STATUS_LABELS = {
    "pending": _l("Upload not finished"),
    "ready": _l("Visible to the client"),
    "archived": _l("Archived"),
}


def category_label(category: object) -> str:
    """The readable name of a document category."""
    value = str(getattr(category, "value", category))
    label = CATEGORY_LABELS.get(value)
    return str(label) if label is not None else value


def document_status_label(status: object) -> str:
    """The readable name of a document's status."""
    value = str(getattr(status, "value", status))
    label = STATUS_LABELS.get(value)
    return str(label) if label is not None else value

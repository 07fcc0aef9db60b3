"""How the documents pages name a document's category and status."""

from __future__ import annotations

from iclient_web.i18n import N_, translate

CATEGORY_LABELS = {
    "invoice": N_("Invoice"),
    "contract": N_("Contract"),
    "other": N_("Other"),
}

STATUS_LABELS = {
    "pending": N_("Upload not finished"),
    "ready": N_("Visible to the client"),
    "archived": N_("Archived"),
}


def category_label(category: object) -> str:
    """The readable name of a document category."""
    value = str(getattr(category, "value", category))
    label = CATEGORY_LABELS.get(value)
    return translate(label) if label is not None else value


def category_labels() -> dict[str, str]:
    """Every category's readable name by its value (a category is its value: a list's rows
    look their category up here)."""
    return {value: translate(label) for value, label in CATEGORY_LABELS.items()}


def document_status_label(status: object) -> str:
    """The readable name of a document's status."""
    value = str(getattr(status, "value", status))
    label = STATUS_LABELS.get(value)
    return translate(label) if label is not None else value

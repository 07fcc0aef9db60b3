"""Uploads, the same for documents and quote attachments: how large a file may be, the page
for one too large, and the words for a refused file.

The portal's request limit is small (``MAX_CONTENT_LENGTH``); only the few pages that take a
file are let past it, up to ``ICLIENT_MAX_UPLOAD_MB`` (Werkzeug spools the file parts to
temporary files; the core reads them in chunks into the storage).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from iclient_core.shared.errors import InvalidInput
from iclient_core.shared.storage import StorageUnavailable
from iclient_web.business import settings_in_force
from iclient_web.deps import portal
from iclient_web.errors import error_page
from iclient_web.messages import field_message
from iclient_web.security import may_upload

MIB = 1024 * 1024
FORM_OVERHEAD = MIB
"""Room for the other fields and the multipart framing around the files of one request."""

FILE_MESSAGES = {
    "file_empty": _l("The file is empty."),
    "file_type_not_allowed": _l(
        "This type of file is not accepted. Send a PDF, an image (PNG or JPEG), a Word, Excel "
        "or OpenDocument file, a text or a CSV file."
    ),
    "file_type_mismatch": _l(
        "The file's name does not match its content (for example, a page renamed .pdf)."
    ),
    "file_too_large": _l("The file is larger than this portal accepts."),
    "storage_full": _l(
        "The file storage is full: the file was not stored and nothing of it was kept. "
        "Tell whoever runs this portal, then try again."
    ),
    "storage_unreachable": _l(
        "The file storage cannot be reached: the file was not stored and nothing of it was "
        "kept. Try again in a few minutes."
    ),
}
"""Why a file was refused (the core's codes for a document or an attachment)."""


def file_message(code: str) -> str:
    """The sentence for a refused file's code (else the portal's shared one)."""
    found = FILE_MESSAGES.get(code)
    return str(found) if found is not None else field_message(code)


def storage_code(error: StorageUnavailable) -> str:
    """The refusal code of a file the storage could not take."""
    return "storage_full" if error.reason == "full" else "storage_unreachable"


def max_upload_mb() -> int:
    """The largest file staff may upload, in MiB: the business's setting, capped by the
    server's ``ICLIENT_MAX_UPLOAD_MB``."""
    setting = settings_in_force().upload_limit_mb
    return min(int(portal().config.max_upload_mb), setting)


def max_upload_bytes() -> int:
    """:func:`max_upload_mb` in bytes."""
    return max_upload_mb() * MIB


def refused_status(error: InvalidInput, field: str = "file") -> int:
    """The status of a form that kept none of its files: 413 when one is over the upload
    limit (however little over it), else 400."""
    return 413 if "file_too_large" in error.by_field().get(field, []) else 400


def too_large(error: object) -> tuple[str, int]:
    """Over the upload limit: a page that says what the limit is."""
    return error_page(
        413,
        _("The file is too large"),
        _(
            "Files of up to %(size)d MB can be uploaded at once. Go back and choose a smaller "
            "file, or send fewer files at a time.",
            size=max_upload_mb(),
        ),
    )


def accept_uploads(bp: Blueprint, endpoints: Collection[str], *, staff_only: bool = False) -> None:
    """Let POSTs to ``endpoints`` (of ``bp``) carry files up to the upload limit, and answer
    a larger request of ``bp`` with :func:`too_large`.

    Only from a signed-in account (a member of staff, with ``staff_only``): a request from
    nobody signed in is sent to sign in before a byte of its body is read, and a signed-in
    account that may not upload here keeps the portal's small limit.
    """

    @bp.url_value_preprocessor
    def raise_the_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
        # Runs before every before_request hook, and so before CSRFProtect reads the form:
        # the sender is checked and the limit raised before Werkzeug starts parsing the body.
        # Anyone else keeps the portal's small limit.
        allowed = endpoint in endpoints and request.method == "POST"
        if allowed and may_upload(staff_only=staff_only):
            request.max_content_length = max_upload_bytes() + FORM_OVERHEAD

    bp.register_error_handler(413, too_large)

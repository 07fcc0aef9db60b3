"""The business's logo: checked by its leading bytes, stored through the ``FileStorage`` port.

Only PNG and JPEG images of at most :data:`MAX_LOGO_BYTES` are accepted, told by their
content with :func:`iclient_core.shared.filetypes.sniff` (the portal's one type checker).
Logos are stored under their own first key segment, :data:`LOGO_PREFIX`, which the
documents sweeper never lists: a logo is never taken for an orphan document.

The use cases that change or serve the logo are in :mod:`iclient_core.staff.settings`; this
module holds the pieces they share.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import attrs

from iclient_core.shared.errors import FieldError, InvalidInput, NotFound
from iclient_core.shared.filetypes import JPEG, PNG
from iclient_core.shared.intake import CheckedFile, Upload, check_file, forget_stored, store_checked
from iclient_core.shared.storage import FileStorage, ObjectNotFound, ObjectReader

if TYPE_CHECKING:
    from iclient_core.services import Services

LOGO_PREFIX = "branding"
"""Every logo's bytes are stored under this first key segment (never ``documents``)."""

MAX_LOGO_BYTES = 1024 * 1024
"""The largest logo accepted: 1 MB."""

LOGO_TYPES = (PNG, JPEG)
"""The only types a logo may be."""

FIELD = "logo"
"""The field the logo's errors are reported on."""


@attrs.frozen
class StoredLogo:
    """Where a logo was stored, its content type and the SHA-256 of its bytes (hex)."""

    key: str
    content_type: str
    sha256: str
    size: int


def new_logo_key() -> str:
    """A fresh, server-generated storage key for a logo (random: two uploads never clash)."""
    return f"{LOGO_PREFIX}/logo-{secrets.token_hex(16)}"


def check_logo(upload: Upload, errors: list[FieldError]) -> CheckedFile | None:
    """Read the logo's first bytes and check it is a PNG or a JPEG.

    Appends a ``logo`` field error (``file_empty``, ``file_type_mismatch`` or
    ``logo_type_not_allowed``) to ``errors`` and returns None when it is not.
    """
    try:
        return check_file(
            upload, field=FIELD, allowed=LOGO_TYPES, not_allowed="logo_type_not_allowed"
        )
    except InvalidInput as refused:
        errors += refused.errors
        return None


def store_logo(storage: FileStorage, checked: CheckedFile) -> StoredLogo:
    """Store a checked logo under a new key.

    Raises:
        InvalidInput: ``logo_too_large`` (nothing was stored).
    """
    key = new_logo_key()
    stored = store_checked(
        storage, key, checked, MAX_LOGO_BYTES, field=FIELD, too_large="logo_too_large"
    )
    return StoredLogo(
        key=key,
        content_type=checked.file_type.content_type,
        sha256=stored.sha256,
        size=stored.size,
    )


def forget_logo(storage: FileStorage, key: str) -> None:
    """Remove a logo's bytes nothing refers to any more (a failure is only logged)."""
    forget_stored(storage, [key])


@attrs.frozen
class OpenedLogo:
    """The logo, open for streaming: close ``reader`` when done."""

    reader: ObjectReader
    content_type: str
    sha256: str


def open_logo(*, services: Services) -> OpenedLogo:
    """The business's logo, to serve (public: it shows on the sign-in page and in e-mails).

    Raises:
        NotFound: no logo is set (or its bytes are missing).
    """
    with services.uow() as uow:
        stored = uow.settings.get()
    if stored is None or not stored.logo_key:
        raise NotFound()
    try:
        reader = services.storage.open(stored.logo_key)
    except ObjectNotFound:
        raise NotFound() from None
    return OpenedLogo(
        reader=reader, content_type=stored.logo_content_type, sha256=stored.logo_sha256
    )

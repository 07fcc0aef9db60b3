"""The contact data people type: e-mail addresses and profiles, validated and normalised
through the ``ContactValidator`` port, one ``FieldError`` per bad field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iclient_core.accounts.model import Account, EmailAddress, Profile
from iclient_core.shared.errors import FieldError
from iclient_core.shared.text import clean_line, mixes_scripts

if TYPE_CHECKING:
    from iclient_core.services import Services


def clean_email(
    services: Services, raw: str | None, errors: list[FieldError], field: str = "email"
) -> EmailAddress | None:
    """Validate and normalise an e-mail field; record a ``FieldError`` when it is bad
    (``email_invalid``; ``email_mixed_scripts`` for letters of two alphabets in one part)."""
    text = (raw or "").strip()
    if not text:
        errors.append(FieldError(field, "required"))
        return None
    if len(text) > 254:
        errors.append(FieldError(field, "email_invalid"))
        return None
    try:
        address = EmailAddress.from_normalised(services.contacts.normalise_email(text))
    except ValueError:
        errors.append(FieldError(field, "email_invalid"))
        return None
    local, _, domain = address.address.rpartition("@")
    if any(mixes_scripts(part) for part in (local, *domain.split("."))):
        # A look-alike of someone else's address (``аna`` with a Cyrillic а).
        errors.append(FieldError(field, "email_mixed_scripts"))
        return None
    return address


def clean_profile(
    services: Services,
    first_name: str | None,
    last_name: str | None,
    phone: str | None,
    errors: list[FieldError],
) -> Profile:
    """Validate the names and phone of a profile; record a ``FieldError`` per bad field."""
    first = clean_line(first_name, "first_name", errors)
    last = clean_line(last_name, "last_name", errors)
    raw_phone = clean_line(phone, "phone", errors, max_length=40)
    normalised_phone = ""
    if raw_phone:
        try:
            normalised_phone = services.contacts.normalise_phone(raw_phone)
        except ValueError:
            errors.append(FieldError("phone", "phone_invalid"))
    return Profile(first_name=first, last_name=last, phone=normalised_phone)


def personal_data(services: Services, account: Account) -> list[str]:
    """What a password may not contain: the person's names and e-mail, the business's name."""
    return [
        account.profile.first_name,
        account.profile.last_name,
        account.email.address,
        services.settings.business_name,
    ]

"""Use cases for staff accounts (more arrive with the admin area)."""

from __future__ import annotations

from iclient_core.accounts import Account, Profile, Role
from iclient_core.errors import AlreadyExists, FieldError, InvalidInput
from iclient_core.registration import clean_email
from iclient_core.security_log import security_event
from iclient_core.services import Services


def create_staff(
    *,
    services: Services,
    email: str,
    role: Role,
    password: str,
    first_name: str = "",
    last_name: str = "",
    language: str | None = None,
) -> Account:
    """Create an active staff account with a password (the first admin comes from here).

    Raises:
        InvalidInput: bad address, role or password.
        AlreadyExists: the address already has an account.
    """
    errors: list[FieldError] = []
    address = clean_email(services, email, errors)
    if not role.is_staff:
        errors.append(FieldError("role", "invalid_choice"))
    if errors or address is None:
        raise InvalidInput(errors)
    password = services.settings.password_policy.check(
        password,
        None,
        strength=services.strength,
        personal=[first_name, last_name, address.address, services.settings.business_name],
    )
    profile = Profile(first_name=first_name.strip(), last_name=last_name.strip(), phone="")
    with services.uow() as uow:
        if uow.accounts.get_by_email_key(address.key) is not None:
            raise AlreadyExists(address.address)
        account = Account.create_staff(
            id=services.ids.new_id(),
            email=address,
            profile=profile,
            role=role,
            language=services.settings.language(language),
            password_hash=services.hasher.hash(password),
            now=services.clock.now(),
        )
        uow.accounts.add(account)
        uow.commit()
    security_event("staff_created", account_id=account.id, role=role.value)
    return account

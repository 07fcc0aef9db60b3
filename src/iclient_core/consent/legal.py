"""The legal texts as readers see them: the current Terms and Privacy Policy for everyone,
and the exact versions a client accepted, for that client to read again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iclient_core.consent.model import Action, ConsentVersion, text_for
from iclient_core.consent.use_cases import business_name
from iclient_core.shared.errors import NotFound

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork


def _readable(services: Services, uow: UnitOfWork, version: ConsentVersion) -> ConsentVersion:
    """An example text with the business's name in force, as the gate shows it."""
    return version.shown_for(
        business_name(services, uow), written_as=services.settings.business_name
    )


def published_text(*, services: Services, kind: str, language: str) -> ConsentVersion | None:
    """The current version of ``kind`` in ``language`` (else in the default language), with
    the business's name in force; None while nothing of that kind is published."""
    with services.uow() as uow:
        versions = list(uow.consent.versions(kind))
        if not versions:
            return None
        current = max(v.number for v in versions)
        chosen = text_for(
            [v for v in versions if v.number == current],
            language,
            services.settings.default_language,
        )
        return _readable(services, uow, chosen)


def accepted_text(*, services: Services, account_id: str, version_id: str) -> ConsentVersion:
    """A version the account accepted (in the portal or through staff), to read again.

    Raises:
        NotFound: no such version, or the account never accepted it.
    """
    with services.uow() as uow:
        version = uow.consent.get_version(version_id)
        accepted = any(
            r.version_id == version_id and r.action is Action.ACCEPTED
            for r in uow.consent.records_for_account(account_id)
        )
        if version is None or not accepted:
            raise NotFound(version_id)
        return _readable(services, uow, version)

"""Example consent texts name the business by its name in force: they follow a rename, both
those published with the name placeholder and those an earlier install published with the
configured name written in."""

from __future__ import annotations

from iclient_core.accounts.model import Account, Role
from iclient_core.consent import use_cases as consent
from iclient_core.consent.defaults import DEFAULT_TEXTS
from iclient_core.consent.model import ConsentKind, ConsentVersion, content_hash
from iclient_core.services import Services
from iclient_core.staff.members import create_staff
from iclient_core.staff.settings import save_settings
from tests.unit.helpers import PASSWORD, active_client


def _admin(services: Services) -> Account:
    return create_staff(
        services=services,
        email="gestora@example.pt",
        role=Role.ADMIN,
        password=PASSWORD,
        first_name="Rita",
        last_name="Gomes",
    )


def _rename(services: Services, admin: Account, name: str) -> None:
    save_settings(
        services=services,
        actor=admin,
        business_name=name,
        contact_email="",
        contact_phone="",
        default_language="",
        vat_rates="23 13 6 0",
        upload_limit_mb="100",
    )


def _privacy_pt(services: Services, account: Account) -> ConsentVersion:
    shown = consent.consent_status(services=services, account=account, language="pt")
    (state,) = [s for s in shown.kinds if s.kind.key == "privacy"]
    assert state.version is not None
    return state.version


def test_a_first_installs_examples_follow_a_rename(services: Services) -> None:
    consent.ensure_defaults(services=services)
    client = active_client(services)
    before = _privacy_pt(services, client)
    assert "Oficina Exemplo é responsável pelo tratamento" in before.body
    _rename(services, _admin(services), "Padaria Aurora")
    after = _privacy_pt(services, client)
    assert "Padaria Aurora é responsável pelo tratamento" in after.body
    assert "Oficina Exemplo" not in after.body
    assert after.content_hash == content_hash(after.title, after.body, "pt")


def test_examples_an_earlier_install_wrote_the_name_into_follow_a_rename(
    services: Services,
) -> None:
    # Earlier installs wrote the configured name into the example texts when they seeded them.
    now = services.clock.now()
    with services.uow() as uow:
        uow.consent.add_kind(ConsentKind(key="privacy", required=True, created_at=now))
        title, body = DEFAULT_TEXTS["privacy"]["pt"]
        uow.consent.add_version(
            ConsentVersion.publish(
                id="v1",
                kind="privacy",
                number=1,
                language="pt",
                title=title,
                body=body.replace("{business}", services.settings.business_name),
                now=now,
                published_by=None,
                example=True,
            )
        )
        uow.commit()
    client = active_client(services)
    _rename(services, _admin(services), "Padaria Aurora")
    after = _privacy_pt(services, client)
    assert "Padaria Aurora é responsável pelo tratamento" in after.body
    assert services.settings.business_name not in after.body


def test_a_text_the_business_wrote_is_shown_as_published(services: Services) -> None:
    consent.ensure_defaults(services=services)
    admin = _admin(services)
    consent.publish_version(
        services=services,
        actor=admin,
        kind="privacy",
        title="Privacidade",
        body="Oficina Exemplo trata os dados. {business} fica como está.",
        language="pt",
    )
    _rename(services, admin, "Padaria Aurora")
    shown = _privacy_pt(services, active_client(services))
    assert shown.body == "Oficina Exemplo trata os dados. {business} fica como está."

"""Consent: versioned texts, the gate, re-consent and the evidence (issue 3)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iclient_adapters.clock import FrozenClock
from iclient_adapters.memory import MemoryStore
from iclient_core.accounts import privacy
from iclient_core.accounts.model import LANGUAGES, Account, EmailAddress, Profile, Role
from iclient_core.consent import use_cases as consent
from iclient_core.consent.model import Action, ConsentRecord, ConsentVersion, Method, content_hash
from iclient_core.services import Services
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied
from iclient_core.staff.members import create_staff
from tests.unit.helpers import IP, OTHER_IP, PASSWORD, USER_AGENT, active_client

REQUIRED = ("terms", "privacy")
KINDS = ("terms", "privacy", "marketing")


# ------------------------------------------------------------------------------------- steps


@pytest.fixture
def seeded(services: Services) -> Services:
    """Services of a first install, with the example texts published."""
    assert consent.ensure_defaults(services=services) is True
    return services


@pytest.fixture
def client(seeded: Services) -> Account:
    """An active client (Portuguese) who has accepted nothing yet."""
    return active_client(seeded)


@pytest.fixture
def admin(seeded: Services) -> Account:
    """An administrator, who may publish texts."""
    return create_staff(
        services=seeded,
        email="gestora@example.pt",
        role=Role.ADMIN,
        password=PASSWORD,
        first_name="Rita",
        last_name="Gomes",
    )


@pytest.fixture
def collaborator(seeded: Services) -> Account:
    """A staff member who is not an admin."""
    return create_staff(
        services=seeded,
        email="colaborador@example.pt",
        role=Role.STAFF,
        password=PASSWORD,
        first_name="Rui",
        last_name="Lopes",
    )


def status(services: Services, account: Account) -> consent.ConsentStatus:
    found = consent.consent_status(services=services, account=account)
    # the cheap per-request check always agrees with the full state
    assert consent.is_gated(services=services, account=account) == found.gated
    return found


def state(services: Services, account: Account, key: str) -> consent.KindState:
    return next(s for s in status(services, account).kinds if s.kind.key == key)


def accept(
    services: Services, account: Account, *kinds: str, user_agent: str = USER_AGENT
) -> consent.ConsentStatus:
    return consent.accept(
        services=services, account_id=account.id, accepted=set(kinds), ip=IP, user_agent=user_agent
    )


def publish(
    services: Services,
    actor: Account,
    kind: str = "terms",
    *,
    language: str = "pt",
    title: str = "Termos e Condições (revistos)",
    body: str = "## 1. Objeto\n\nTexto revisto.\n",
    translation: bool = False,
) -> ConsentVersion:
    return consent.publish_version(
        services=services,
        actor=actor,
        kind=kind,
        title=title,
        body=body,
        language=language,
        translation=translation,
        ip=IP,
    )


def records(services: Services, account: Account) -> list[ConsentRecord]:
    with services.uow() as uow:
        return list(uow.consent.records_for_account(account.id))


def versions(services: Services) -> list[ConsentVersion]:
    """The published versions as readers see them (example texts name the business)."""
    with services.uow() as uow:
        name = consent.business_name(services, uow)
        return [v.shown_for(name) for v in uow.consent.versions()]


def audit_actions(services: Services) -> list[str]:
    """What staff and the consent use cases did (the fixtures' own sign-ups left out)."""
    with services.uow() as uow:
        return [
            entry.action
            for entry in uow.audit.list(limit=1000)
            if entry.action not in {"account.registered", "account.activated"}
        ]


def later(services: Services, minutes: int = 1) -> None:
    assert isinstance(services.clock, FrozenClock)
    services.clock.advance(timedelta(minutes=minutes))


# ------------------------------------------------------------------------------- first install


def test_a_first_install_publishes_example_terms_privacy_and_marketing(
    seeded: Services, admin: Account
) -> None:
    kinds, published = consent.catalogue(services=seeded, actor=admin)
    assert [(k.key, k.required) for k in kinds] == [
        ("terms", True),
        ("privacy", True),
        ("marketing", False),
    ]
    assert {(v.kind, v.number, v.language) for v in published} == {
        (key, 1, language) for key in KINDS for language in ("pt", "en")
    }
    for version in published:
        assert version.example is True and version.published_by is None
        assert version.published_at == seeded.clock.now()
        assert "Oficina Exemplo" in version.body and "{business}" not in version.body
        assert version.content_hash == content_hash(version.title, version.body, version.language)
    pt_terms = next(v for v in published if (v.kind, v.language) == ("terms", "pt"))
    assert pt_terms.title == "Termos e Condições de utilização"
    assert "Texto de exemplo" in pt_terms.body


def test_a_first_install_lists_terms_privacy_then_marketing(seeded: Services) -> None:
    assert [s.kind.key for s in status(seeded, active_client(seeded)).kinds] == list(KINDS)


def test_the_example_texts_are_published_once(seeded: Services) -> None:
    before = versions(seeded)
    later(seeded)
    assert consent.ensure_defaults(services=seeded) is False
    assert versions(seeded) == before


# ------------------------------------------------------------------------------------ the gate


def test_a_new_client_is_gated_until_accepting_terms_and_privacy(
    seeded: Services, client: Account
) -> None:
    current = status(seeded, client)
    assert current.gated
    assert {s.kind.key for s in current.pending} == set(REQUIRED)
    assert {s.kind.key for s in current.optional} == {"marketing"}
    for pending in current.pending:
        assert pending.version is not None and pending.version.language == "pt"
        assert pending.accepted is None and pending.given is False and pending.changes == []


def test_accepting_needs_every_pending_required_kind(seeded: Services, client: Account) -> None:
    for given_kinds, missing in (
        ((), {"accept_terms", "accept_privacy"}),
        (("terms",), {"accept_privacy"}),
        (("privacy", "marketing"), {"accept_terms"}),
        (("marketing", "cookies"), {"accept_terms", "accept_privacy"}),
    ):
        with pytest.raises(InvalidInput) as refused:
            accept(seeded, client, *given_kinds)
        assert refused.value.by_field() == {field: ["consent_required"] for field in missing}
    assert records(seeded, client) == []
    assert status(seeded, client).gated


def test_after_accepting_the_client_passes_the_gate(seeded: Services, client: Account) -> None:
    after = accept(seeded, client, "terms", "privacy")
    assert not after.gated and after.pending == []
    assert not status(seeded, client).gated
    assert state(seeded, client, "marketing").given is False
    assert {(r.kind, r.version_number, r.action) for r in records(seeded, client)} == {
        ("terms", 1, Action.ACCEPTED),
        ("privacy", 1, Action.ACCEPTED),
    }


def test_accepting_again_records_nothing_new(seeded: Services, client: Account) -> None:
    accept(seeded, client, "terms", "privacy")
    later(seeded)
    accept(seeded, client, "terms", "privacy")
    accept(seeded, client)
    assert len(records(seeded, client)) == 2


def test_a_client_who_is_not_active_cannot_accept(seeded: Services, client: Account) -> None:
    with pytest.raises(NotFound):
        consent.accept(
            services=seeded, account_id="nobody", accepted=REQUIRED, ip=IP, user_agent=USER_AGENT
        )
    with seeded.uow() as uow:
        stored = uow.accounts.get(client.id)
        assert stored is not None
        stored.disable()
        uow.accounts.save(stored)
        uow.commit()
    with pytest.raises(NotFound):
        accept(seeded, client, *REQUIRED)
    assert records(seeded, client) == []


# ----------------------------------------------------------------------------------- re-consent


def test_a_new_terms_version_gates_again_and_shows_what_changed(
    seeded: Services, client: Account, admin: Account
) -> None:
    accept(seeded, client, "terms", "privacy")
    (accepted_v1,) = [v for v in versions(seeded) if (v.kind, v.language) == ("terms", "pt")]
    later(seeded)
    new = publish(
        seeded,
        admin,
        title="Termos e Condições, versão 2",
        body=accepted_v1.body.replace("A conta é pessoal.", "A conta é pessoal e intransmissível."),
    )
    assert (new.kind, new.number, new.language) == ("terms", 2, "pt")
    assert new.published_by == admin.id and new.example is False
    assert new.published_at == seeded.clock.now()
    assert "consent.published" in audit_actions(seeded)

    current = status(seeded, client)
    assert current.gated
    (terms,) = current.pending
    assert terms.kind.key == "terms"
    assert terms.version == new
    assert terms.accepted == accepted_v1
    assert ("+", next(line for line in new.body.splitlines() if "intransmissível" in line)) in (
        terms.changes
    )
    assert any(tag == "-" and "A conta é pessoal." in line for tag, line in terms.changes)
    assert ("-", "Texto revisto.") not in terms.changes
    assert state(seeded, client, "privacy").given

    later(seeded)
    with pytest.raises(InvalidInput) as refused:
        accept(seeded, client, "privacy")
    assert refused.value.by_field() == {"accept_terms": ["consent_required"]}
    assert not accept(seeded, client, "terms").gated
    assert [r.version_id for r in records(seeded, client) if r.kind == "terms"][-1] == new.id


def test_a_translation_keeps_the_number_and_does_not_gate_again(
    seeded: Services, admin: Account
) -> None:
    english = active_client(seeded, email="john.smith@example.com", language="en")
    later(seeded)
    portuguese = publish(seeded, admin, language="pt")
    shown = state(seeded, english, "terms").version
    assert shown == portuguese  # no English text yet: the default language is shown
    accept(seeded, english, "terms", "privacy")

    later(seeded)
    translated = publish(
        seeded,
        admin,
        language="en",
        title="Terms and Conditions, revised",
        body="## 1. Purpose\n\nRevised text.\n",
        translation=True,
    )
    assert (translated.kind, translated.number, translated.language) == ("terms", 2, "en")
    terms = state(seeded, english, "terms")
    assert terms.version == translated and terms.given
    assert not status(seeded, english).gated


def test_a_new_version_of_an_optional_kind_does_not_gate(
    seeded: Services, client: Account, admin: Account
) -> None:
    accept(seeded, client, "terms", "privacy", "marketing")
    later(seeded)
    publish(seeded, admin, "marketing", title="Newsletter", body="Novidades por e-mail.")
    marketing = state(seeded, client, "marketing")
    assert not status(seeded, client).gated
    assert marketing.given is False
    assert marketing.accepted is not None and marketing.accepted.number == 1
    assert marketing.version is not None and marketing.version.number == 2


def test_a_required_kind_without_a_published_text_does_not_gate(
    seeded: Services, client: Account, admin: Account
) -> None:
    accept(seeded, client, "terms", "privacy")
    consent.add_kind(services=seeded, actor=admin, key="dpa", required=True, ip=IP)
    assert not status(seeded, client).gated
    later(seeded)
    publish(seeded, admin, "dpa", title="Acordo de tratamento de dados", body="Texto.")
    assert [s.kind.key for s in status(seeded, client).pending] == ["dpa"]
    with pytest.raises(InvalidInput) as refused:
        accept(seeded, client)
    assert refused.value.by_field() == {"accept_dpa": ["consent_required"]}
    assert not accept(seeded, client, "dpa").gated


# ------------------------------------------------------------------------------- who publishes


def test_only_admins_publish_texts_and_define_kinds(
    seeded: Services, client: Account, collaborator: Account
) -> None:
    before = versions(seeded)
    for actor in (collaborator, client):
        with pytest.raises(PermissionDenied):
            publish(seeded, actor)
        with pytest.raises(PermissionDenied):
            consent.preview_version(
                services=seeded, actor=actor, kind="terms", title="T", body="B", language="pt"
            )
        with pytest.raises(PermissionDenied):
            consent.add_kind(services=seeded, actor=actor, key="newsletter", required=False)
    assert versions(seeded) == before
    assert audit_actions(seeded) == []
    # Staff may read the catalogue; clients may not.
    kinds, listed = consent.catalogue(services=seeded, actor=collaborator)
    assert len(kinds) == 3 and len(listed) == 6
    with pytest.raises(PermissionDenied):
        consent.catalogue(services=seeded, actor=client)


def test_the_preview_shows_the_next_version_without_publishing_it(
    seeded: Services, admin: Account
) -> None:
    before = versions(seeded)
    preview = consent.preview_version(
        services=seeded,
        actor=admin,
        kind="privacy",
        title="  Política   de Privacidade ",
        body="Texto\r\nnovo\r\n",
        language="en",
    )
    assert (preview.kind, preview.number, preview.language) == ("privacy", 2, "en")
    assert (preview.title, preview.body) == ("Política de Privacidade", "Texto\nnovo")
    assert preview.content_hash == content_hash(preview.title, preview.body, "en")
    assert versions(seeded) == before


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"kind": "cookies"}, "kind", "invalid_choice"),
        ({"kind": None}, "kind", "invalid_choice"),
        ({"language": "xx"}, "language", "invalid_choice"),
        ({"language": None}, "language", "invalid_choice"),
        ({"title": ""}, "title", "required"),
        ({"title": "   "}, "title", "required"),
        ({"title": "Termos\tdois"}, "title", "invalid_characters"),
        ({"title": None}, "title", "required"),
        ({"title": "T" * 201}, "title", "too_long"),
        ({"title": "Termos\x00"}, "title", "invalid_characters"),
        ({"title": "Termos\u202egnp.exe"}, "title", "invalid_characters"),
        ({"body": ""}, "body", "required"),
        ({"body": "  \r\n\n "}, "body", "required"),
        ({"body": None}, "body", "required"),
        ({"body": "B" * 100_001}, "body", "too_long"),
        ({"body": "Texto\x1b[2J apagado"}, "body", "invalid_characters"),
        ({"body": "Texto\x00"}, "body", "invalid_characters"),
        ({"translation": True}, "language", "translation_exists"),
        ({"translation": True, "language": "en"}, "language", "translation_exists"),
    ],
)
def test_an_invalid_publication_is_refused_with_a_field_code(
    seeded: Services, admin: Account, changes: dict[str, object], field: str, code: str
) -> None:
    before = versions(seeded)
    fields: dict[str, object] = {
        "kind": "terms",
        "title": "Termos",
        "body": "Texto.",
        "language": "pt",
        "translation": False,
    }
    fields.update(changes)
    with pytest.raises(InvalidInput) as refused:
        consent.publish_version(services=seeded, actor=admin, ip=IP, **fields)  # type: ignore[arg-type]
    assert refused.value.by_field() == {field: [code]}
    assert versions(seeded) == before
    assert "consent.published" not in audit_actions(seeded)


def test_a_translation_of_a_kind_never_published_is_refused(
    seeded: Services, admin: Account
) -> None:
    consent.add_kind(services=seeded, actor=admin, key="newsletter", required=False)
    with pytest.raises(InvalidInput) as refused:
        publish(seeded, admin, "newsletter", translation=True)
    assert refused.value.by_field() == {"translation": ["nothing_to_translate"]}
    first = publish(seeded, admin, "newsletter", title="Newsletter", body="Novidades.")
    assert first.number == 1


def test_every_problem_of_a_publication_is_reported_at_once(
    seeded: Services, admin: Account
) -> None:
    with pytest.raises(InvalidInput) as refused:
        consent.publish_version(
            services=seeded, actor=admin, kind="nope", title="", body="", language="xx"
        )
    assert refused.value.by_field() == {
        "title": ["required"],
        "body": ["required"],
        "language": ["invalid_choice"],
        "kind": ["invalid_choice"],
    }


@pytest.mark.parametrize("sneaky", ["\x7f", "\x85", "\x9b2J", "\u202e"])
def test_a_body_with_other_control_characters_is_refused(
    seeded: Services, admin: Account, sneaky: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        publish(seeded, admin, body=f"Texto{sneaky} escondido")
    assert refused.value.by_field() == {"body": ["invalid_characters"]}


def test_admins_define_a_new_optional_kind(seeded: Services, admin: Account) -> None:
    later(seeded)
    added = consent.add_kind(
        services=seeded, actor=admin, key="  Newsletter ", required=False, ip=IP
    )
    assert (added.key, added.required, added.created_at) == (
        "newsletter",
        False,
        seeded.clock.now(),
    )
    kinds, _ = consent.catalogue(services=seeded, actor=admin)
    assert kinds[-1] == added
    assert audit_actions(seeded) == ["consent.kind_added"]


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (None, "kind_invalid"),
        ("", "kind_invalid"),
        ("n", "kind_invalid"),
        ("1st", "kind_invalid"),
        ("news letter", "kind_invalid"),
        ("notícias", "kind_invalid"),
        ("n" * 33, "kind_invalid"),
        ("news\nletter", "kind_invalid"),
        ("terms", "kind_taken"),
        (" PRIVACY ", "kind_taken"),
    ],
)
def test_a_malformed_or_taken_kind_key_is_refused(
    seeded: Services, admin: Account, key: str | None, code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        consent.add_kind(services=seeded, actor=admin, key=key, required=True)
    assert refused.value.by_field() == {"key": [code]}
    kinds, _ = consent.catalogue(services=seeded, actor=admin)
    assert len(kinds) == 3
    assert audit_actions(seeded) == []


# ------------------------------------------------------------------------------ optional kinds


def test_a_client_gives_and_withdraws_marketing_consent(seeded: Services, client: Account) -> None:
    accept(seeded, client, "terms", "privacy", "marketing")
    given = state(seeded, client, "marketing")
    assert given.given and given.accepted == given.version
    later(seeded)
    consent.withdraw(
        services=seeded, account_id=client.id, kind="marketing", ip=OTHER_IP, user_agent="Phone"
    )
    withdrawn = records(seeded, client)[-1]
    assert (withdrawn.kind, withdrawn.action, withdrawn.version_id) == (
        "marketing",
        Action.WITHDRAWN,
        given.accepted.id if given.accepted else None,
    )
    assert (withdrawn.ip, withdrawn.user_agent, withdrawn.method) == (
        OTHER_IP,
        "Phone",
        Method.PORTAL_FORM,
    )
    assert withdrawn.at == seeded.clock.now()
    marketing = state(seeded, client, "marketing")
    assert marketing.given is False and marketing.accepted is None
    assert not status(seeded, client).gated

    later(seeded)
    accept(seeded, client, "marketing")
    assert state(seeded, client, "marketing").given
    assert [r.action for r in records(seeded, client) if r.kind == "marketing"] == [
        Action.ACCEPTED,
        Action.WITHDRAWN,
        Action.ACCEPTED,
    ]


def test_withdrawing_a_consent_not_given_records_nothing(seeded: Services, client: Account) -> None:
    accept(seeded, client, "terms", "privacy")
    consent.withdraw(
        services=seeded, account_id=client.id, kind="marketing", ip=IP, user_agent=USER_AGENT
    )
    assert len(records(seeded, client)) == 2


def test_required_consents_cannot_be_withdrawn(seeded: Services, client: Account) -> None:
    accept(seeded, client, "terms", "privacy")
    for key in REQUIRED:
        with pytest.raises(InvalidInput) as refused:
            consent.withdraw(
                services=seeded, account_id=client.id, kind=key, ip=IP, user_agent=USER_AGENT
            )
        assert refused.value.by_field() == {f"accept_{key}": ["consent_required"]}
    with pytest.raises(NotFound):
        consent.withdraw(
            services=seeded, account_id=client.id, kind="cookies", ip=IP, user_agent=USER_AGENT
        )
    assert len(records(seeded, client)) == 2
    assert not status(seeded, client).gated


def test_a_withdrawal_in_the_same_instant_as_the_acceptance_still_counts(
    seeded: Services, client: Account
) -> None:
    countdown = iter(range(10**6, 0, -1))

    @attrs.define
    class DescendingIds:
        """Ids that sort in the reverse of the order they were made."""

        def new_id(self) -> str:
            return f"{next(countdown):032d}"

    same_tick = attrs.evolve(seeded, ids=DescendingIds())
    accept(same_tick, client, "terms", "privacy", "marketing")
    consent.withdraw(
        services=same_tick, account_id=client.id, kind="marketing", ip=IP, user_agent=USER_AGENT
    )
    assert state(same_tick, client, "marketing").given is False


# ------------------------------------------------------------------------------------ evidence


def test_every_record_carries_ip_user_agent_and_the_hash_of_the_text_shown(
    seeded: Services, admin: Account
) -> None:
    english = active_client(seeded, email="john.smith@example.com", language="en")
    shown = {s.kind.key: s.version for s in status(seeded, english).kinds}
    later(seeded, 5)
    accept(seeded, english, "terms", "privacy", "marketing", user_agent="Firefox/140 " * 40)
    evidence = records(seeded, english)
    assert {r.kind for r in evidence} == set(KINDS)
    for item in evidence:
        version = shown[item.kind]
        assert version is not None and version.language == "en"
        assert (item.version_id, item.version_number, item.language) == (version.id, 1, "en")
        assert item.content_hash == version.content_hash
        assert item.content_hash == content_hash(version.title, version.body, version.language)
        assert item.account_id == english.id
        assert (item.action, item.method, item.staff_id) == (
            Action.ACCEPTED,
            Method.PORTAL_FORM,
            None,
        )
        assert item.ip == IP
        assert item.user_agent == ("Firefox/140 " * 40)[:300]
        assert item.at == seeded.clock.now() and item.at.utcoffset() is not None


def test_staff_record_a_consent_given_on_paper_on_the_clients_behalf(
    seeded: Services, client: Account, collaborator: Account
) -> None:
    later(seeded)
    consent.record_on_behalf(
        services=seeded, actor=collaborator, client_id=client.id, kind="terms", ip=OTHER_IP
    )
    (item,) = records(seeded, client)
    terms = state(seeded, client, "terms")
    assert terms.given and terms.version is not None
    assert (item.kind, item.version_id, item.content_hash) == (
        "terms",
        terms.version.id,
        terms.version.content_hash,
    )
    assert (item.method, item.staff_id, item.action) == (
        Method.STAFF_ON_BEHALF,
        collaborator.id,
        Action.ACCEPTED,
    )
    assert (item.ip, item.user_agent, item.at) == (OTHER_IP, "", seeded.clock.now())
    assert [s.kind.key for s in status(seeded, client).pending] == ["privacy"]

    with seeded.uow() as uow:
        (entry,) = uow.audit.list(action="consent.recorded_on_behalf")
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.ip) == (
        collaborator.id,
        "account",
        client.id,
        OTHER_IP,
    )
    assert "terms v1" in entry.summary


def test_recording_on_behalf_needs_a_staff_actor_a_client_and_a_published_kind(
    seeded: Services, client: Account, collaborator: Account
) -> None:
    with pytest.raises(PermissionDenied):
        consent.record_on_behalf(
            services=seeded, actor=client, client_id=client.id, kind="terms", ip=IP
        )
    for client_id, key in (
        ("nobody", "terms"),
        (collaborator.id, "terms"),
        (client.id, "cookies"),
    ):
        with pytest.raises(NotFound):
            consent.record_on_behalf(
                services=seeded, actor=collaborator, client_id=client_id, kind=key, ip=IP
            )
    assert records(seeded, client) == []
    assert audit_actions(seeded) == []


def test_staff_cannot_record_consent_for_an_erased_client(
    seeded: Services, client: Account, collaborator: Account
) -> None:
    privacy.request_deletion(
        services=seeded, account_id=client.id, current_password=PASSWORD, ip=IP
    )
    privacy.confirm_deletion(services=seeded, actor=collaborator, client_id=client.id, ip=IP)
    with pytest.raises(NotFound):
        consent.record_on_behalf(
            services=seeded, actor=collaborator, client_id=client.id, kind="terms", ip=IP
        )


def test_history_lists_a_clients_records_newest_first_with_titles(
    seeded: Services, client: Account, admin: Account, collaborator: Account
) -> None:
    accept(seeded, client, "terms", "privacy")
    later(seeded)
    accept(seeded, client, "marketing")
    later(seeded)
    consent.withdraw(
        services=seeded, account_id=client.id, kind="marketing", ip=IP, user_agent=USER_AGENT
    )
    later(seeded)
    revised = publish(seeded, admin, title="Termos, versão 2")
    later(seeded)
    accept(seeded, client, "terms")

    entries = consent.history(services=seeded, account_id=client.id)
    summary = [(e.record.kind, e.record.version_number, e.record.action, e.title) for e in entries]
    assert summary[:3] == [
        ("terms", 2, Action.ACCEPTED, revised.title),
        ("marketing", 1, Action.WITHDRAWN, "Comunicações comerciais por e-mail"),
        ("marketing", 1, Action.ACCEPTED, "Comunicações comerciais por e-mail"),
    ]
    assert set(summary[3:]) == {
        ("terms", 1, Action.ACCEPTED, "Termos e Condições de utilização"),
        ("privacy", 1, Action.ACCEPTED, "Política de Privacidade"),
    }
    times = [e.record.at for e in entries]
    assert times == sorted(times, reverse=True)

    assert consent.client_history(services=seeded, actor=collaborator, client_id=client.id) == (
        entries
    )
    with pytest.raises(PermissionDenied):
        consent.client_history(services=seeded, actor=client, client_id=client.id)
    assert consent.history(services=seeded, account_id=admin.id) == []
    # The account page's view: the same status and history, read together.
    for language in ("pt", "en", None):
        assert consent.account_consents(services=seeded, account=client, language=language) == (
            consent.consent_status(services=seeded, account=client, language=language),
            entries,
        )


def test_staff_see_a_clients_consent_state_and_evidence(
    seeded: Services, client: Account, collaborator: Account, admin: Account
) -> None:
    accept(seeded, client, "terms", "privacy")
    later(seeded)
    publish(seeded, admin, title="Termos, versão 2")

    seen = consent.client_consent(services=seeded, actor=collaborator, client_id=client.id)
    assert seen.client.id == client.id
    assert seen.status == status(seeded, client)
    assert [s.kind.key for s in seen.status.pending] == ["terms"]
    assert seen.history == consent.history(services=seeded, account_id=client.id)
    assert len(seen.history) == 2
    with pytest.raises(PermissionDenied):
        consent.client_consent(services=seeded, actor=client, client_id=client.id)
    for target in ("nobody", admin.id):
        with pytest.raises(NotFound):
            consent.client_consent(services=seeded, actor=collaborator, client_id=target)


# ------------------------------------------------------------------------------ property test


def _publish_op() -> st.SearchStrategy[tuple[str, str, str]]:
    return st.tuples(st.just("publish"), st.sampled_from(KINDS), st.sampled_from(LANGUAGES))


def _translate_op() -> st.SearchStrategy[tuple[str, str, str]]:
    return st.tuples(st.just("translate"), st.sampled_from(KINDS), st.sampled_from(LANGUAGES))


def _revise_op() -> st.SearchStrategy[tuple[str, str, str]]:
    # What an admin usually does: a new version in one language, then its translation.
    return st.tuples(st.just("revise"), st.sampled_from(KINDS), st.sampled_from(LANGUAGES))


def _accept_some_op() -> st.SearchStrategy[tuple[str, frozenset[str]]]:
    return st.tuples(st.just("accept"), st.frozensets(st.sampled_from(KINDS)))


OPERATIONS = st.lists(
    st.one_of(
        _publish_op(),
        _translate_op(),
        _revise_op(),
        st.just(("accept", frozenset(KINDS))),  # the client ticks every box
        st.just(("accept", frozenset(REQUIRED))),  # the client ticks the required boxes
        _accept_some_op(),
        st.just(("withdraw", "marketing")),
    ),
    max_size=25,
)


@attrs.define
class Model:
    """What must be true, worked out from the operations alone (not from the core's code)."""

    language: str
    published: dict[str, dict[int, set[str]]] = attrs.Factory(
        lambda: {key: {1: {"pt", "en"}} for key in KINDS}
    )
    evidence: list[tuple[str, int, Action]] = attrs.Factory(list)

    def current(self, kind: str) -> int:
        return max(self.published[kind])

    def accepted_current(self, kind: str) -> bool:
        return (kind, self.current(kind), Action.ACCEPTED) in self.evidence

    def given(self, kind: str) -> bool:
        mine = [item for item in self.evidence if item[0] == kind]
        return bool(mine) and mine[-1] == (kind, self.current(kind), Action.ACCEPTED)

    @property
    def pending(self) -> set[str]:
        return {kind for kind in REQUIRED if not self.accepted_current(kind)}

    @property
    def gated(self) -> bool:
        return bool(self.pending)

    def shown_language(self, kind: str) -> str:
        languages = self.published[kind][self.current(kind)]
        return self.language if self.language in languages else next(iter(languages))


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(language=st.sampled_from(LANGUAGES), operations=OPERATIONS)
def test_a_client_is_gated_exactly_when_a_required_current_version_lacks_their_acceptance(
    services: Services, language: str, operations: list[tuple[object, ...]]
) -> None:
    # A store and a clock of the example's own; accounts built directly (no password hashing).
    clock = FrozenClock()
    world = attrs.evolve(services, uow=MemoryStore().unit_of_work, clock=clock)
    consent.ensure_defaults(services=world)
    now = clock.now()
    person = Account.register_client(
        id="client-1",
        email=EmailAddress.from_normalised("ana@example.pt"),
        profile=Profile(first_name="Ana", last_name="Silva", phone=""),
        language=language,
        now=now,
    )
    person.activate(password_hash="$argon2id$not-checked-here", now=now)
    manager = Account.create_staff(
        id="admin-1",
        email=EmailAddress.from_normalised("gestora@example.pt"),
        profile=Profile(first_name="Rita", last_name="Gomes", phone=""),
        role=Role.ADMIN,
        language="pt",
        password_hash="$argon2id$not-checked-here",
        now=now,
    )
    with world.uow() as uow:
        uow.accounts.add(person)
        uow.accounts.add(manager)
        uow.commit()
    model = Model(language=language)

    steps: list[tuple[object, ...]] = []
    for operation in operations:
        if operation[0] == "revise":
            _, kind, lang = operation
            other = next(language for language in LANGUAGES if language != lang)
            steps += [("publish", kind, lang), ("translate", kind, other)]
        else:
            steps.append(operation)

    for step, operation in enumerate(steps):
        clock.advance(timedelta(seconds=1))
        name = operation[0]
        if name in {"publish", "translate"}:
            _, kind, lang = operation
            assert isinstance(kind, str) and isinstance(lang, str)
            number = model.current(kind)
            duplicate = name == "translate" and lang in model.published[kind][number]
            try:
                publish(
                    world,
                    manager,
                    kind,
                    language=lang,
                    title=f"{kind} #{step}",
                    body=f"Texto {step} de {kind}.\n\nLinha comum.",
                    translation=name == "translate",
                )
            except InvalidInput as refused:
                assert duplicate
                assert refused.by_field() == {"language": ["translation_exists"]}
            else:
                assert not duplicate
                if name == "publish":
                    model.published[kind][number + 1] = {lang}
                else:
                    model.published[kind][number].add(lang)
        elif name == "accept":
            wanted = operation[1]
            assert isinstance(wanted, frozenset)
            missing = model.pending - wanted
            try:
                accept(world, person, *wanted)
            except InvalidInput as refused:
                assert refused.by_field() == {
                    f"accept_{kind}": ["consent_required"] for kind in missing
                }
            else:
                assert not missing
                model.evidence.extend(
                    (kind, model.current(kind), Action.ACCEPTED)
                    for kind in sorted(wanted)
                    if kind in KINDS and not model.given(kind)
                )
        else:
            was_given = model.given("marketing")
            consent.withdraw(
                services=world,
                account_id=person.id,
                kind="marketing",
                ip=IP,
                user_agent=USER_AGENT,
            )
            if was_given:
                model.evidence.append(("marketing", model.current("marketing"), Action.WITHDRAWN))

        actual = status(world, person)
        assert actual.gated is model.gated, (steps[: step + 1], model)
        assert {s.kind.key for s in actual.pending} == model.pending
        for kind_state in actual.kinds:
            key = kind_state.kind.key
            assert kind_state.version is not None
            assert kind_state.version.number == model.current(key)
            assert kind_state.version.language == model.shown_language(key)
            assert kind_state.given is model.given(key)
        stored = records(world, person)
        assert Counter((r.kind, r.version_number, r.action) for r in stored) == Counter(
            model.evidence
        )

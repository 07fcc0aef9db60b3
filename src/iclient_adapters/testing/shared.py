"""The shared persistence contracts: the audit log (``uow.audit``) and the business settings
(``uow.settings``) every domain reads.

Mix the suites into a test class that provides a ``uow_factory`` fixture (a zero-argument
callable returning a fresh unit of work over an *empty* store)::

    class TestMyShared(AuditLogContract, SettingsContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

Needs pytest.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from iclient_adapters.testing.samples import at, new_id
from iclient_core.shared.audit import AuditEntry
from iclient_core.shared.business import BusinessSettings
from iclient_core.unit_of_work import UnitOfWorkFactory

BUSINESS_SETTINGS = BusinessSettings(
    business_name="Oficina Exemplo, Lda. — Águeda",
    contact_email="geral@oficina.example.pt",
    contact_phone="+351234000111",
    default_language="en",
    vat_rates=(Decimal(23), Decimal("5.5"), Decimal("0.25"), Decimal(0)),
    upload_limit_mb=250,
    accent_color="#7a1f5c",
    intro_pt="**Bem-vindo** à oficina.\n\n- Orçamentos em 48 horas\n- Faturas sempre à mão",
    intro_en="Welcome to the *workshop*.",
    staff_two_step=True,
)
"""Settings with every field away from its default, and VAT rates of every shape."""


def audit_entry(
    *,
    minutes: float,
    action: str = "client.created",
    actor_id: str | None = "actor-1",
    target_id: str = "target-1",
) -> AuditEntry:
    """An audit entry at ``minutes`` after ``T0``."""
    return AuditEntry(
        id=new_id(),
        at=at(minutes),
        actor_id=actor_id,
        actor_label="gestora@example.pt" if actor_id else "system",
        ip="203.0.113.7",
        action=action,
        target_type="account",
        target_id=target_id,
        summary="Created client Ana Silva",
    )


class AuditLogContract:
    """Needs ``uow_factory``. Checks the ``AuditLog``: entries round trip oldest first, every
    filter, paging, and that the log can only be appended to, in the caller's transaction."""

    def test_audit_entries_round_trip_oldest_first(self, uow_factory: UnitOfWorkFactory) -> None:
        entries = [audit_entry(minutes=m, action=a) for m, a in ((2, "b"), (1, "a"), (3, "a"))]
        with uow_factory() as uow:
            for entry in entries:
                uow.audit.append(entry)
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.audit.list()) == sorted(entries, key=lambda e: e.at)
            assert [e.at for e in uow.audit.list(action="a")] == [at(1), at(3)]
            assert uow.audit.count(action="a") == 2
            assert [e.at for e in uow.audit.list(since=at(2), until=at(3))] == [at(2)]
            assert [e.at for e in uow.audit.list(limit=1, offset=1)] == [at(2)]

    def test_audit_filters_by_actor_and_target(self, uow_factory: UnitOfWorkFactory) -> None:
        mine = audit_entry(minutes=1, actor_id="actor-1", target_id="target-1")
        with uow_factory() as uow:
            uow.audit.append(mine)
            uow.audit.append(audit_entry(minutes=2, actor_id=None, target_id="target-2"))
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.audit.list(actor_id="actor-1")) == [mine]
            assert list(uow.audit.list(target_id="target-1")) == [mine]
            assert uow.audit.count(actor_id="nobody") == 0

    def test_audit_subject_and_details_round_trip_and_filter(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        about = attrs.evolve(
            audit_entry(minutes=1, target_id="quote-1"),
            subject_id="client-1",
            details={"version": "2", "total_cents": "169096", "title": "Óleo & filtros"},
        )
        with uow_factory() as uow:
            uow.audit.append(about)
            uow.audit.append(audit_entry(minutes=2, target_id="client-2"))
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.audit.list(subject_id="client-1")) == [about]
            assert uow.audit.count(subject_id="client-1") == 1
            assert uow.audit.count(subject_id="nobody") == 0
            assert [e.details for e in uow.audit.list(target_id="client-2")] == [{}]

    def test_audit_the_log_is_append_only(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            public = {name for name in dir(uow.audit) if not name.startswith("_")}
        assert public == {"append", "list", "count"}

    def test_audit_an_uncommitted_entry_is_discarded(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.audit.append(audit_entry(minutes=1))
        with uow_factory() as uow:
            assert uow.audit.count() == 0


class SettingsContract:
    """Needs ``uow_factory``. Checks the ``SettingsRepository``: nothing at first, an exact
    round trip (VAT rates stay ``Decimal``), replacement, the logo reference, and that settings
    commit or roll back with the rest of the transaction."""

    def test_settings_nothing_is_stored_at_first(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.settings.get() is None

    def test_settings_round_trip_exactly(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.settings.save(BUSINESS_SETTINGS)
            uow.commit()
        with uow_factory() as uow:
            found = uow.settings.get()
        assert found == BUSINESS_SETTINGS
        assert found is not None and all(isinstance(r, Decimal) for r in found.vat_rates)

    def test_settings_saving_again_replaces_everything(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            uow.settings.save(BUSINESS_SETTINGS)
            uow.commit()
        with uow_factory() as uow:
            uow.settings.save(BusinessSettings(vat_rates=(Decimal(6),)))
            uow.commit()
        with uow_factory() as uow:
            assert uow.settings.get() == BusinessSettings(vat_rates=(Decimal(6),))

    def test_settings_uncommitted_ones_are_discarded(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.settings.save(BUSINESS_SETTINGS)
            assert uow.settings.get() == BUSINESS_SETTINGS  # visible inside the transaction
        with uow_factory() as uow:
            assert uow.settings.get() is None

    def test_settings_the_revision_starts_at_zero_and_moves_on_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            assert uow.settings.revision() == 0
            uow.settings.bump_revision()
            assert uow.settings.revision() == 1  # visible inside the transaction
        with uow_factory() as uow:
            assert uow.settings.revision() == 0  # rolled back
            uow.settings.bump_revision()
            uow.settings.bump_revision()
            uow.commit()
        with uow_factory() as uow:
            assert uow.settings.revision() == 2

    def test_settings_revision_bumps_of_two_transactions_add_up(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first, second = uow_factory(), uow_factory()
        with first:
            first.settings.bump_revision()
            first.commit()
        with second:
            assert second.settings.revision() == 1
            second.settings.bump_revision()
            second.commit()
        with uow_factory() as one, uow_factory() as other:
            one.settings.bump_revision()
            one.commit()
            other.settings.bump_revision()
            other.commit()
        with uow_factory() as uow:
            assert uow.settings.revision() == 4

    def test_settings_commit_with_the_rest_of_the_transaction(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            uow.settings.save(BUSINESS_SETTINGS)
            uow.audit.append(audit_entry(minutes=1, action="settings.updated"))
            uow.commit()
        with uow_factory() as uow:
            assert uow.settings.get() == BUSINESS_SETTINGS
            assert uow.audit.count(action="settings.updated") == 1

    def test_settings_the_logo_reference_round_trips_and_can_be_cleared(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with_logo = BusinessSettings(
            business_name="Oficina Exemplo",
            logo_key="branding/logo-0123456789abcdef0123456789abcdef",
            logo_content_type="image/png",
            logo_sha256="ab" * 32,
        )
        with uow_factory() as uow:
            uow.settings.save(with_logo)
            uow.commit()
        with uow_factory() as uow:
            found = uow.settings.get()
        assert found == with_logo and found is not None and found.has_logo
        with uow_factory() as uow:
            uow.settings.save(BusinessSettings(business_name="Oficina Exemplo"))
            uow.commit()
        with uow_factory() as uow:
            found = uow.settings.get()
        assert found == BusinessSettings(business_name="Oficina Exemplo")
        assert found is not None and not found.has_logo

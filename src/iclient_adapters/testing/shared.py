"""The staff-area persistence contract: what every ``SettingsRepository`` adapter must do.

Mix :class:`SettingsContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMySettings(SettingsContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            return MyDatabase(tmp_path).unit_of_work

The account search the staff lists use is part of the main persistence contract
(:class:`iclient_adapters.testing.persistence.PersistenceContract`). Needs pytest.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from iclient_core.shared.business import BusinessSettings
from iclient_core.unit_of_work import UnitOfWorkFactory

STORED = BusinessSettings(
    business_name="Oficina Exemplo, Lda. — Águeda",
    contact_email="geral@oficina.example.pt",
    contact_phone="+351234000111",
    default_language="en",
    vat_rates=(Decimal(23), Decimal("5.5"), Decimal("0.25"), Decimal(0)),
    upload_limit_mb=250,
)


class SettingsContract:
    """Behaviour shared by every settings adapter; subclass it with a ``uow_factory``."""

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        """Override: a factory of units of work over an empty store."""
        raise NotImplementedError("provide a `uow_factory` fixture")

    def test_nothing_is_stored_at_first(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.settings.get() is None

    def test_settings_round_trip_exactly(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.settings.save(STORED)
            uow.commit()
        with uow_factory() as uow:
            found = uow.settings.get()
        assert found == STORED
        assert found is not None and all(isinstance(r, Decimal) for r in found.vat_rates)

    def test_saving_again_replaces_everything(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.settings.save(STORED)
            uow.commit()
        with uow_factory() as uow:
            uow.settings.save(BusinessSettings(vat_rates=(Decimal(6),)))
            uow.commit()
        with uow_factory() as uow:
            assert uow.settings.get() == BusinessSettings(vat_rates=(Decimal(6),))

    def test_uncommitted_settings_are_discarded(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.settings.save(STORED)
            assert uow.settings.get() == STORED  # visible inside the transaction
        with uow_factory() as uow:
            assert uow.settings.get() is None

    def test_settings_commit_with_the_rest_of_the_transaction(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        from iclient_adapters.testing.persistence import audit_entry

        with uow_factory() as uow:
            uow.settings.save(STORED)
            uow.audit.append(audit_entry(minutes=1, action="settings.updated"))
            uow.commit()
        with uow_factory() as uow:
            assert uow.settings.get() == STORED
            assert uow.audit.count(action="settings.updated") == 1

    def test_the_logo_reference_round_trips_and_can_be_cleared(
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

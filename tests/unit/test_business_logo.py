"""The business's logo: an admin uploads, replaces or removes it; e-mails show it (issue 6)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta

import attrs
import pytest

from iclient_adapters.clock import FrozenClock
from iclient_adapters.storage import FsspecStorage
from iclient_core.accounts.model import Account, Role
from iclient_core.documents.sweeper import sweep_documents
from iclient_core.notifications.model import Kind
from iclient_core.services import Services
from iclient_core.shared.business import BusinessSettings
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied
from iclient_core.shared.intake import Upload
from iclient_core.shared.storage import sha256_of
from iclient_core.staff.logo import LOGO_PREFIX, MAX_LOGO_BYTES, open_logo
from iclient_core.staff.settings import current_settings, save_settings
from tests.unit.helpers import IP, deliver, only, register
from tests.unit.staff_helpers import audit_trail, staff_member

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8


@pytest.fixture
def storage() -> Iterator[FsspecStorage]:
    """A private in-memory storage."""
    made = FsspecStorage.from_url("memory://")
    yield made
    made.close()


@pytest.fixture
def services(services: Services, storage: FsspecStorage) -> Services:
    """The core's services, keeping files in this test's storage."""
    return attrs.evolve(services, storage=storage)


@pytest.fixture
def admin(services: Services) -> Account:
    return staff_member(services)


def save(
    services: Services,
    storage: object,
    actor: Account,
    *,
    logo: tuple[str, bytes] | None = None,
    remove_logo: bool = False,
    **fields: str,
) -> BusinessSettings:
    values = {
        "business_name": "Oficina Exemplo",
        "contact_email": "",
        "contact_phone": "",
        "default_language": "",
        "vat_rates": "23, 13, 6, 0",
        "upload_limit_mb": "100",
        **fields,
    }
    upload = Upload(filename=logo[0], stream=io.BytesIO(logo[1])) if logo else None
    return save_settings(
        services=attrs.evolve(services, storage=storage),
        actor=actor,
        logo=upload,
        remove_logo=remove_logo,
        ip=IP,
        **values,
    )


def stored_settings(services: Services) -> BusinessSettings | None:
    with services.uow() as uow:
        return uow.settings.get()


def logo_errors(error: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return error.value.by_field()["logo"]


def test_an_admin_uploads_a_png_logo_kept_under_its_own_prefix(
    services: Services, storage: FsspecStorage, admin: Account
) -> None:
    settings = save(services, storage, admin, logo=("logo.png", PNG_BYTES))
    assert settings.logo_key.startswith(f"{LOGO_PREFIX}/logo-")
    assert settings.logo_content_type == "image/png"
    assert settings.logo_sha256 == sha256_of([PNG_BYTES]).sha256
    assert stored_settings(services) == settings
    assert list(storage.keys()) == [settings.logo_key]
    opened = open_logo(
        services=services,
    )
    with opened.reader:
        assert b"".join(opened.reader) == PNG_BYTES
    assert opened.content_type == "image/png"
    assert current_settings(services=services).has_logo
    (entry,) = audit_trail(services, action="settings.updated")
    assert entry.summary.endswith(f"logo (new logo: image/png, {len(PNG_BYTES)} bytes)")


def test_a_jpeg_logo_is_accepted_too(
    services: Services, storage: FsspecStorage, admin: Account
) -> None:
    settings = save(services, storage, admin, logo=("Logótipo Final.JPG", JPEG_BYTES))
    assert settings.logo_content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        (
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo_type_not_allowed",
        ),
        ("logo.png", b"<!doctype html><html><body>hi</body></html>", "logo_type_not_allowed"),
        (
            "logo.png",
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!",
            "logo_type_not_allowed",
        ),
        ("logo.pdf", b"%PDF-1.7\n%%EOF\n", "logo_type_not_allowed"),
        ("logo.txt", b"just some words", "logo_type_not_allowed"),
        ("logo.jpg", PNG_BYTES, "file_type_mismatch"),
        ("logo.png", b"", "file_empty"),
    ],
)
def test_anything_but_a_png_or_jpeg_is_refused_whatever_its_name(
    services: Services,
    storage: FsspecStorage,
    admin: Account,
    name: str,
    content: bytes,
    code: str,
) -> None:
    with pytest.raises(InvalidInput) as error:
        save(services, storage, admin, logo=(name, content))
    assert logo_errors(error) == [code]
    assert list(storage.keys()) == []
    assert stored_settings(services) is None


def test_a_logo_over_1_mb_is_refused_and_nothing_is_stored(
    services: Services, storage: FsspecStorage, admin: Account
) -> None:
    save(services, storage, admin, logo=("logo.png", PNG_BYTES))
    before = stored_settings(services)
    big = PNG_BYTES + b"\x00" * (MAX_LOGO_BYTES - len(PNG_BYTES) + 1)
    with pytest.raises(InvalidInput) as error:
        save(services, storage, admin, logo=("big.png", big))
    assert logo_errors(error) == ["logo_too_large"]
    assert stored_settings(services) == before
    assert before is not None and list(storage.keys()) == [before.logo_key]
    exactly = PNG_BYTES + b"\x00" * (MAX_LOGO_BYTES - len(PNG_BYTES))
    assert save(services, storage, admin, logo=("max.png", exactly)).has_logo


def test_a_collaborator_may_not_change_the_logo(services: Services, storage: FsspecStorage) -> None:
    collaborator = staff_member(services, role=Role.STAFF, email="colaborador@example.pt")
    with pytest.raises(PermissionDenied):
        save(services, storage, collaborator, logo=("logo.png", PNG_BYTES))
    assert list(storage.keys()) == []
    assert stored_settings(services) is None


class WatchedStorage(FsspecStorage):
    """The real in-memory storage, noting what the settings said when bytes were deleted."""

    services: Services
    seen: list[tuple[str, str]]

    def delete(self, key: str) -> None:
        found = stored_settings(self.services)
        self.seen.append((key, found.logo_key if found else ""))
        super().delete(key)


def test_a_new_logo_replaces_the_old_one_whose_bytes_go_after_the_commit(
    services: Services, admin: Account
) -> None:
    storage = WatchedStorage.from_url("memory://")
    assert isinstance(storage, WatchedStorage)
    storage.services, storage.seen = services, []
    first = save(services, storage, admin, logo=("old.png", PNG_BYTES))
    second = save(services, storage, admin, logo=("new.jpg", JPEG_BYTES))
    assert second.logo_key != first.logo_key
    assert storage.seen == [(first.logo_key, second.logo_key)]  # committed first
    assert list(storage.keys()) == [second.logo_key]
    opened = open_logo(services=attrs.evolve(services, storage=storage))
    with opened.reader:
        assert opened.reader.read() == JPEG_BYTES
    storage.close()


def test_saving_other_settings_keeps_the_logo(
    services: Services, storage: FsspecStorage, admin: Account
) -> None:
    first = save(services, storage, admin, logo=("logo.png", PNG_BYTES))
    again = save(services, storage, admin, business_name="Oficina Nova")
    assert (again.logo_key, again.logo_sha256) == (first.logo_key, first.logo_sha256)
    assert storage.exists(first.logo_key)
    summaries = [entry.summary for entry in audit_trail(services, action="settings.updated")]
    assert sorted(summaries) == [
        "Changed business_name",
        f"Changed business_name, logo (new logo: image/png, {len(PNG_BYTES)} bytes)",
    ]


def test_an_admin_removes_the_logo(
    services: Services, storage: FsspecStorage, admin: Account
) -> None:
    first = save(services, storage, admin, logo=("logo.png", PNG_BYTES))
    removed = save(services, storage, admin, remove_logo=True)
    assert not removed.has_logo and removed.logo_sha256 == removed.logo_content_type == ""
    assert list(storage.keys()) == []
    assert not storage.exists(first.logo_key)
    with pytest.raises(NotFound):
        open_logo(
            services=services,
        )
    summaries = [entry.summary for entry in audit_trail(services, action="settings.updated")]
    assert "Changed logo removed" in summaries


def test_without_a_logo_there_is_nothing_to_serve(
    services: Services, storage: FsspecStorage
) -> None:
    with pytest.raises(NotFound):
        open_logo(
            services=services,
        )


def test_the_documents_sweeper_leaves_the_logo_alone(
    services: Services, storage: FsspecStorage, admin: Account, clock: FrozenClock
) -> None:
    settings = save(services, storage, admin, logo=("logo.png", PNG_BYTES))
    clock.advance(timedelta(days=30))
    report = sweep_documents(services=services, grace=timedelta(0))
    assert report.orphan_objects == 0
    assert storage.exists(settings.logo_key)


def test_emails_show_the_logo_by_its_absolute_address_once_there_is_one(
    services: Services, storage: FsspecStorage, admin: Account
) -> None:
    register(services, email="antes@example.pt")
    assert "logo_url" not in only(deliver(services), Kind.ACTIVATION).context
    settings = save(services, storage, admin, logo=("logo.png", PNG_BYTES))
    register(services, email="depois@example.pt")
    url = only(deliver(services), Kind.ACTIVATION).context["logo_url"]
    assert url.startswith("http") and url.endswith(f"/logo?v={settings.logo_sha256[:16]}")

"""The consent repository port. Records can be appended and read, never changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from iclient_core.consent.model import ConsentKind, ConsentRecord, ConsentVersion


class ConsentRepository(Protocol):
    """Kinds, published versions and the append-only evidence records."""

    def add_kind(self, kind: ConsentKind) -> None:
        """Define a new kind.

        Raises:
            AlreadyExists: a kind with this key exists.
        """

    def kinds(self) -> Sequence[ConsentKind]:
        """Every kind, in the order they were defined."""

    def add_version(self, version: ConsentVersion) -> None:
        """Publish a version.

        Raises:
            AlreadyExists: this kind already has this number in this language.
        """

    def versions(self, kind: str | None = None) -> Sequence[ConsentVersion]:
        """Published versions (of one kind, or all), newest number first."""

    def current_numbers(self) -> dict[str, int]:
        """The newest version number of every kind that has one (cheap: no texts loaded)."""

    def get_version(self, version_id: str) -> ConsentVersion | None:
        """One version by id, or None."""

    def append_record(self, record: ConsentRecord) -> None:
        """Add one piece of evidence."""

    def records_for_account(self, account_id: str) -> Sequence[ConsentRecord]:
        """An account's records, oldest first."""

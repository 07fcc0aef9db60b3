"""The ``Account`` aggregate: a client or a staff member, with its status and credentials."""

from __future__ import annotations

import enum
import hashlib
import secrets
import unicodedata
from datetime import datetime

import attrs

LANGUAGES: tuple[str, ...] = ("pt", "en")
"""Languages the portal speaks, the default first."""


class Role(enum.StrEnum):
    """What an account is: a business's client, a collaborator (staff) or a manager (admin)."""

    CLIENT = "client"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        """True for collaborators and managers."""
        return self is not Role.CLIENT


class Status(enum.StrEnum):
    """Where an account is in its life."""

    PENDING_ACTIVATION = "pending_activation"
    ACTIVE = "active"
    DISABLED = "disabled"
    DELETED = "deleted"


@attrs.frozen
class EmailAddress:
    """A normalised e-mail address.

    ``address`` is what mail is sent to (as the owner typed it, with the domain normalised);
    ``key`` is what look-ups compare: NFKC-normalised and case-folded, so ``Ana@X.pt`` and
    ``ana@x.pt`` are one account, while look-alikes such as a dotless ``ı`` stay distinct.
    """

    address: str
    key: str

    @classmethod
    def from_normalised(cls, address: str) -> EmailAddress:
        """Wrap an address that a ``ContactValidator`` has already normalised."""
        return cls(address=address, key=email_key(address))

    def __str__(self) -> str:
        return self.address


def email_key(address: str) -> str:
    """Return the comparison key of an e-mail address (NFKC, case-folded, stripped)."""
    return unicodedata.normalize("NFKC", address.strip()).casefold()


@attrs.frozen
class Profile:
    """The contact data a client keeps up to date.

    Attributes:
        nif: the client's Portuguese tax number (nine digits, check digit valid), or empty.
        billing_address: the address their quotes are made out to (lines joined by ``\\n``),
            or empty.
    """

    first_name: str
    last_name: str
    phone: str
    nif: str = ""
    billing_address: str = ""

    @property
    def full_name(self) -> str:
        """First and last name, for greetings and lists."""
        return f"{self.first_name} {self.last_name}".strip()


def new_security_stamp() -> str:
    """A fresh random value; changing it invalidates every outstanding link token."""
    return secrets.token_hex(16)


@attrs.define
class Account:
    """A person who signs in: a client or a staff member.

    Build one with :meth:`register_client`, :meth:`create_staff` or :meth:`invite_staff`,
    never from raw rows; storage adapters rebuild stored ones with their own converter.
    """

    id: str
    role: Role
    status: Status
    email: EmailAddress
    profile: Profile
    language: str
    password_hash: str | None
    security_stamp: str
    created_at: datetime
    activated_at: datetime | None = None
    last_sign_in_at: datetime | None = None
    deletion_requested_at: datetime | None = None
    deleted_at: datetime | None = None
    version: int = 0

    @classmethod
    def register_client(
        cls,
        *,
        id: str,
        email: EmailAddress,
        profile: Profile,
        language: str,
        now: datetime,
    ) -> Account:
        """A new client who still has to follow the activation link."""
        return cls(
            id=id,
            role=Role.CLIENT,
            status=Status.PENDING_ACTIVATION,
            email=email,
            profile=profile,
            language=language,
            password_hash=None,
            security_stamp=new_security_stamp(),
            created_at=now,
        )

    @classmethod
    def create_staff(
        cls,
        *,
        id: str,
        email: EmailAddress,
        profile: Profile,
        role: Role,
        language: str,
        password_hash: str,
        now: datetime,
    ) -> Account:
        """A staff member created by an administrator, active at once."""
        if not role.is_staff:
            raise ValueError("staff accounts need the staff or admin role")
        return cls(
            id=id,
            role=role,
            status=Status.ACTIVE,
            email=email,
            profile=profile,
            language=language,
            password_hash=password_hash,
            security_stamp=new_security_stamp(),
            created_at=now,
            activated_at=now,
        )

    @classmethod
    def invite_staff(
        cls,
        *,
        id: str,
        email: EmailAddress,
        profile: Profile,
        role: Role,
        language: str,
        now: datetime,
    ) -> Account:
        """A staff member invited by an admin, who still has to choose a password."""
        if not role.is_staff:
            raise ValueError("staff accounts need the staff or admin role")
        return cls(
            id=id,
            role=role,
            status=Status.PENDING_ACTIVATION,
            email=email,
            profile=profile,
            language=language,
            password_hash=None,
            security_stamp=new_security_stamp(),
            created_at=now,
        )

    @property
    def audit_label(self) -> str:
        """How the audit log names this account when it acts.

        Staff are named by their e-mail; clients only by id (``client``), so erasing a client
        leaves no address in the log.
        """
        return self.email.address if self.role.is_staff else "client"

    @property
    def is_active(self) -> bool:
        """True when the account may sign in."""
        return self.status is Status.ACTIVE and self.password_hash is not None

    def activate(self, *, password_hash: str, now: datetime) -> None:
        """Set the first password and open the account."""
        self.password_hash = password_hash
        self.status = Status.ACTIVE
        self.activated_at = now
        self.rotate_stamp()

    def set_password(self, password_hash: str) -> None:
        """Replace the password; outstanding links stop working."""
        self.password_hash = password_hash
        self.rotate_stamp()

    def rehash(self, password_hash: str) -> None:
        """Store a stronger hash of the same password (policy upgrade at sign-in)."""
        self.password_hash = password_hash

    def change_email(self, email: EmailAddress) -> None:
        """Move the account to a confirmed new address."""
        self.email = email
        self.rotate_stamp()

    def update_profile(self, profile: Profile, language: str | None = None) -> None:
        """Replace the contact data (and optionally the preferred language)."""
        self.profile = profile
        if language is not None:
            self.language = language

    def change_role(self, role: Role) -> None:
        """Make a staff member a collaborator or a manager (takes effect at the next request)."""
        if not (self.role.is_staff and role.is_staff):
            raise ValueError("only staff accounts change role, between staff and admin")
        self.role = role

    def disable(self) -> None:
        """Close the account: it can no longer sign in."""
        self.status = Status.DISABLED
        self.rotate_stamp()

    def enable(self) -> None:
        """Reopen a disabled account (pending if it never had a password)."""
        self.status = Status.ACTIVE if self.password_hash else Status.PENDING_ACTIVATION

    def request_deletion(self, now: datetime) -> None:
        """Record the owner's request to delete the account (staff confirm, or it happens
        after the configured delay)."""
        if self.deletion_requested_at is None:
            self.deletion_requested_at = now

    def cancel_deletion(self) -> None:
        """Withdraw a deletion request."""
        self.deletion_requested_at = None

    def erase(self, now: datetime) -> None:
        """Delete the account: personal data erased, the id kept as a pseudonym.

        What the business must keep (consent evidence, issued invoices) refers to the id.
        """
        self.status = Status.DELETED
        self.deleted_at = now
        self.email = EmailAddress.from_normalised(f"deleted-{self.id}@erased.invalid")
        self.profile = Profile(first_name="", last_name="", phone="")
        self.password_hash = None
        self.rotate_stamp()

    def signed_in(self, now: datetime) -> None:
        """Record a successful sign-in."""
        self.last_sign_in_at = now

    def rotate_stamp(self) -> None:
        """Invalidate every link token issued so far."""
        self.security_stamp = new_security_stamp()

    def fingerprint(self, purpose: str) -> str:
        """A digest of the state a token for ``purpose`` depends on.

        A token carries it; once the account changes (password set, e-mail changed, account
        disabled) the digest changes and the token no longer verifies: tokens are single-use
        without any table of spent tokens.
        """
        material = "\x1f".join(
            (purpose, self.id, self.security_stamp, self.status.value, self.email.key)
        )
        return hashlib.sha256(material.encode()).hexdigest()[:32]

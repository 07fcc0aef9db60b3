"""Use cases of consent: publish texts, gate clients, record acceptances and withdrawals."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import LANGUAGES, Account, Status
from iclient_core.accounts.permissions import Permission, require
from iclient_core.consent.model import (
    Action,
    ConsentKind,
    ConsentRecord,
    ConsentVersion,
    Method,
    diff,
    text_for,
)
from iclient_core.shared import audit
from iclient_core.shared.business import effective
from iclient_core.shared.errors import AlreadyExists, FieldError, InvalidInput, NotFound
from iclient_core.shared.text import clean_line
from iclient_core.webhooks.events import emit
from iclient_core.webhooks.model import EventType

if TYPE_CHECKING:
    from iclient_core.services import Services
    from iclient_core.unit_of_work import UnitOfWork

KIND_KEY = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
MAX_BODY = 100_000


@attrs.frozen
class KindState:
    """Where one account stands with one kind.

    Attributes:
        version: the current version's text in the account's language (None if unpublished).
        accepted: the version the account accepted last (None if never, or withdrawn).
        changes: line changes from the accepted text to the current one (re-consent).
    """

    kind: ConsentKind
    version: ConsentVersion | None
    accepted: ConsentVersion | None
    given: bool
    changes: list[tuple[str, str]] = attrs.Factory(list)
    language: str = ""
    """The language the text was asked for in (the page's, else the account's)."""

    @property
    def pending(self) -> bool:
        """True when this is a required kind whose current version lacks an acceptance."""
        return self.kind.required and self.version is not None and not self.given

    @property
    def fallback(self) -> bool:
        """True when the current version has no text in the language asked for, and
        ``version`` is its text in another language."""
        return self.version is not None and self.version.language != self.language


@attrs.frozen
class ConsentStatus:
    """Every kind's state for one account; ``gated`` says whether the portal is closed."""

    kinds: list[KindState]

    @property
    def pending(self) -> list[KindState]:
        """Required kinds still to accept."""
        return [state for state in self.kinds if state.pending]

    @property
    def gated(self) -> bool:
        """True while some required kind's current version is not accepted."""
        return any(state.pending for state in self.kinds)

    @property
    def optional(self) -> list[KindState]:
        """Optional kinds with a published version (the client may give or withdraw them)."""
        return [s for s in self.kinds if not s.kind.required and s.version is not None]


def business_name(services: Services, uow: UnitOfWork) -> str:
    """The business's name in force (an admin's, else the configured one)."""
    return effective(services.settings, uow.settings.get()).business_name


def _shown(services: Services, uow: UnitOfWork) -> Callable[[ConsentVersion], ConsentVersion]:
    """How versions are shown now: example texts with the business's name in force."""
    name = business_name(services, uow)
    seeded_as = services.settings.business_name  # what earlier installs wrote into examples
    return lambda version: version.shown_for(name, written_as=seeded_as)


def _status(
    services: Services, uow: UnitOfWork, account: Account, language: str | None = None
) -> ConsentStatus:
    repo = uow.consent
    return _status_of(
        services, uow, account, language, repo.versions(), repo.records_for_account(account.id)
    )


def _status_of(
    services: Services,
    uow: UnitOfWork,
    account: Account,
    language: str | None,
    stored: Sequence[ConsentVersion],
    records: Sequence[ConsentRecord],
) -> ConsentStatus:
    """:func:`_status` from the versions and the account's records already read."""
    repo = uow.consent
    readable = _shown(services, uow)
    versions = [readable(v) for v in stored]
    by_id = {v.id: v for v in versions}
    wanted = language if language in LANGUAGES else account.language
    fallback = services.settings.default_language
    states: list[KindState] = []
    for kind in repo.kinds():
        mine = [v for v in versions if v.kind == kind.key]
        if not mine:
            states.append(
                KindState(kind=kind, version=None, accepted=None, given=False, language=wanted)
            )
            continue
        current = max(v.number for v in mine)
        shown = text_for([v for v in mine if v.number == current], wanted, fallback)
        last = next((r for r in reversed(records) if r.kind == kind.key), None)
        accepted = by_id.get(last.version_id) if last and last.action is Action.ACCEPTED else None
        given = accepted is not None and accepted.number == current
        changes = diff(accepted.body, shown.body) if accepted and not given else []
        states.append(
            KindState(
                kind=kind,
                version=shown,
                accepted=accepted,
                given=given,
                changes=changes,
                language=wanted,
            )
        )
    return ConsentStatus(kinds=states)


def is_gated(*, services: Services, account: Account) -> bool:
    """Whether ``account`` must accept something before using the portal.

    The check on every request: kinds, current numbers and the account's records only,
    never the texts. Same answer as ``consent_status(...).gated``.
    """
    with services.uow() as uow:
        current = uow.consent.current_numbers()
        required = [k.key for k in uow.consent.kinds() if k.required and k.key in current]
        if not required:
            return False
        last: dict[str, ConsentRecord] = {}
        for record in uow.consent.records_for_account(account.id):
            last[record.kind] = record
    return any(
        key not in last
        or last[key].action is not Action.ACCEPTED
        or last[key].version_number != current[key]
        for key in required
    )


def consent_status(
    *, services: Services, account: Account, language: str | None = None
) -> ConsentStatus:
    """Where ``account`` stands with every kind (the gate reads ``.gated``).

    Args:
        language: the language to show the texts in (the page's); the account's language
            when not given. A version without a text in that language shows another one,
            and its state says so (:attr:`KindState.fallback`).
    """
    with services.uow() as uow:
        return _status(services, uow, account, language)


def _record(
    services: Services,
    uow: UnitOfWork,
    *,
    account: Account,
    version: ConsentVersion,
    action: Action,
    ip: str,
    user_agent: str,
    method: Method,
    staff: Account | None = None,
) -> ConsentRecord:
    now = services.clock.now()
    same_kind = [r for r in uow.consent.records_for_account(account.id) if r.kind == version.kind]
    if same_kind and same_kind[-1].at >= now:
        # A kind's records are read back in time order: keep it strict within a clock tick.
        now = same_kind[-1].at + timedelta(microseconds=1)
    record = ConsentRecord(
        id=services.ids.new_id(),
        account_id=account.id,
        kind=version.kind,
        version_number=version.number,
        version_id=version.id,
        language=version.language,
        content_hash=version.content_hash,
        action=action,
        at=now,
        ip=ip[:64],
        user_agent=user_agent[:300],
        method=method,
        staff_id=staff.id if staff else None,
    )
    uow.consent.append_record(record)
    if staff is None:  # staff recording on a client's behalf audit that themselves
        audit.record(
            services,
            uow,
            actor=account,
            action="consent.accepted" if action is Action.ACCEPTED else "consent.withdrawn",
            target_type="account",
            target_id=account.id,
            summary=f"{version.kind} v{version.number} {action.value}",
            ip=ip,
            details={"kind": version.kind, "version": version.number},
        )
    if action is Action.ACCEPTED:
        emit(
            services,
            uow,
            EventType.CONSENT_ACCEPTED,
            {
                "client": {"id": account.id, "email": account.email.address},
                "consent": {
                    "kind": version.kind,
                    "version": version.number,
                    "language": version.language,
                    "content_hash": version.content_hash,
                    "method": record.method.value,
                    "recorded_by_staff": staff is not None,
                },
            },
        )
    return record


def accept(
    *,
    services: Services,
    account_id: str,
    accepted: Collection[str],
    ip: str,
    user_agent: str,
    language: str | None = None,
) -> ConsentStatus:
    """Record the client's acceptance of the current versions of the kinds in ``accepted``.

    Every pending required kind must be among them (``accept_<kind>`` field errors
    otherwise, and nothing is recorded). Optional kinds in ``accepted`` are given too.
    ``language`` is the one the texts were shown in (see :func:`consent_status`): the
    records prove which text was read.

    Raises:
        InvalidInput: a required kind was not accepted (code ``consent_required``).
        NotFound: no such active account.
    """
    with services.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is None or not account.is_active:
            raise NotFound()
        status = _status(services, uow, account, language)
        missing = [s.kind.key for s in status.pending if s.kind.key not in accepted]
        if missing:
            raise InvalidInput([FieldError(f"accept_{key}", "consent_required") for key in missing])
        for state in status.kinds:
            if state.version is not None and not state.given and state.kind.key in accepted:
                _record(
                    services,
                    uow,
                    account=account,
                    version=state.version,
                    action=Action.ACCEPTED,
                    ip=ip,
                    user_agent=user_agent,
                    method=Method.PORTAL_FORM,
                )
        uow.commit()
        return _status(services, uow, account, language)


def _optional_state(
    services: Services, uow: UnitOfWork, account_id: str, kind: str, language: str | None
) -> tuple[Account, KindState]:
    """The account and its state with ``kind``, when the account may change that consent."""
    account = uow.accounts.get(account_id)
    if account is None or not account.is_active:
        raise NotFound()
    state = next(
        (s for s in _status(services, uow, account, language).kinds if s.kind.key == kind), None
    )
    if state is None or state.version is None:
        raise NotFound()
    if account.role.is_staff:
        raise InvalidInput.single(f"accept_{kind}", "consent_staff")
    if state.kind.required:
        raise InvalidInput.single(f"accept_{kind}", "consent_required")
    return account, state


def give(
    *,
    services: Services,
    account_id: str,
    kind: str,
    ip: str,
    user_agent: str,
    language: str | None = None,
) -> None:
    """Give an optional consent (marketing…) from the account page.

    Required kinds are accepted on the consent gate, all together; staff accounts give no
    consents (they work for the business, they are not its clients). Giving a consent that
    is already given records nothing.

    Args:
        language: the language the client reads the text in (default: the account's).

    Raises:
        InvalidInput: the kind is required (``consent_required``), or the account is a
            staff account (``consent_staff``).
        NotFound: no such published kind, or no such active account.
    """
    with services.uow() as uow:
        account, state = _optional_state(services, uow, account_id, kind, language)
        if state.given or state.version is None:
            return
        _record(
            services,
            uow,
            account=account,
            version=state.version,
            action=Action.ACCEPTED,
            ip=ip,
            user_agent=user_agent,
            method=Method.PORTAL_FORM,
        )
        uow.commit()


def withdraw(*, services: Services, account_id: str, kind: str, ip: str, user_agent: str) -> None:
    """Withdraw an optional consent (required ones end only with the account).

    Raises:
        InvalidInput: the kind is required (``consent_required``: ask for the account's
            deletion instead), or the account is a staff account (``consent_staff``).
        NotFound: no such kind or account.

    Withdrawing a consent that is not given records nothing.
    """
    with services.uow() as uow:
        account, state = _optional_state(services, uow, account_id, kind, None)
        if not state.given or state.accepted is None:
            return
        _record(
            services,
            uow,
            account=account,
            version=state.accepted,
            action=Action.WITHDRAWN,
            ip=ip,
            user_agent=user_agent,
            method=Method.PORTAL_FORM,
        )
        uow.commit()


def record_on_behalf(
    *, services: Services, actor: Account, client_id: str, kind: str, ip: str
) -> None:
    """Staff record a client's acceptance of a kind's current version (e.g. given on paper).

    Raises:
        PermissionDenied: the actor may not manage clients.
        NotFound: no such client or published kind.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_MANAGE)
        client = uow.accounts.get(client_id)
        if client is None or client.role.is_staff or client.status is Status.DELETED:
            raise NotFound()
        state = next((s for s in _status(services, uow, client).kinds if s.kind.key == kind), None)
        if state is None or state.version is None:
            raise NotFound()
        _record(
            services,
            uow,
            account=client,
            version=state.version,
            action=Action.ACCEPTED,
            ip=ip,
            user_agent="",
            method=Method.STAFF_ON_BEHALF,
            staff=actor,
        )
        audit.record(
            services,
            uow,
            actor=actor,
            action="consent.recorded_on_behalf",
            target_type="account",
            target_id=client.id,
            summary=f"{kind} v{state.version.number} accepted on the client's behalf",
            ip=ip,
            details={"kind": kind, "version": state.version.number},
        )
        uow.settings.bump_revision()  # every process re-reads the gate
        uow.commit()


@attrs.frozen
class HistoryEntry:
    """One record with the title of the text it refers to."""

    record: ConsentRecord
    title: str


def history(*, services: Services, account_id: str) -> list[HistoryEntry]:
    """An account's consent records, newest first, with the titles of the texts."""
    with services.uow() as uow:
        return _history(uow, account_id)


def _history(uow: UnitOfWork, account_id: str) -> list[HistoryEntry]:
    return _history_of(uow.consent.versions(), uow.consent.records_for_account(account_id))


def _history_of(
    versions: Sequence[ConsentVersion], records: Sequence[ConsentRecord]
) -> list[HistoryEntry]:
    titles = {v.id: v.title for v in versions}
    return [
        HistoryEntry(record=r, title=titles.get(r.version_id, r.kind)) for r in reversed(records)
    ]


def account_consents(
    *, services: Services, account: Account, language: str | None = None
) -> tuple[ConsentStatus, list[HistoryEntry]]:
    """Where ``account`` stands with every kind (as :func:`consent_status`) and its history
    (as :func:`history`), for the account's own page: one unit of work, each text and record
    read once."""
    with services.uow() as uow:
        versions = uow.consent.versions()
        records = uow.consent.records_for_account(account.id)
        status = _status_of(services, uow, account, language, versions, records)
        return status, _history_of(versions, records)


def client_history(*, services: Services, actor: Account, client_id: str) -> list[HistoryEntry]:
    """A client's consent history, for staff.

    Raises:
        PermissionDenied: the actor may not view clients.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.CLIENTS_VIEW)
        return _history(uow, client_id)


def catalogue(
    *, services: Services, actor: Account
) -> tuple[list[ConsentKind], list[ConsentVersion]]:
    """Every kind and every published version (newest first), for staff.

    Raises:
        PermissionDenied: the actor may not view consent texts.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CONSENT_VIEW)
        shown = _shown(services, uow)
        return list(uow.consent.kinds()), [shown(v) for v in uow.consent.versions()]


def current_text(
    *, services: Services, actor: Account, kind: str | None, language: str | None
) -> ConsentVersion | None:
    """The current version of ``kind`` in ``language``, as clients read it, for staff to
    start a new version from (None when that language has no text of it).

    Raises:
        PermissionDenied: the actor may not view consent texts.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.CONSENT_VIEW)
        mine = [v for v in uow.consent.versions(kind) if v.kind == kind] if kind else []
        if not mine:
            return None
        number = max(v.number for v in mine)
        found = next((v for v in mine if v.number == number and v.language == language), None)
        return _shown(services, uow)(found) if found else None


def missing_languages(versions: Sequence[ConsentVersion]) -> dict[str, list[str]]:
    """For each kind among ``versions``, the portal's languages its current version has
    no text in (kinds whose current version is complete are left out)."""
    current = current_versions(versions)
    missing: dict[str, list[str]] = {}
    for kind, number in current.items():
        have = {v.language for v in versions if v.kind == kind and v.number == number}
        lacking = [language for language in LANGUAGES if language not in have]
        if lacking:
            missing[kind] = lacking
    return missing


def _clean_body(body: str | None, errors: list[FieldError]) -> str:
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        errors.append(FieldError("body", "required"))
    elif len(text) > MAX_BODY:
        errors.append(FieldError("body", "too_long"))
    elif any(
        ch not in "\n\t" and unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"}
        for ch in text
    ):  # control, bidi-override and unassigned characters hide or reorder legal text
        errors.append(FieldError("body", "invalid_characters"))
    return text


def validate_version(
    services: Services,
    uow: UnitOfWork,
    *,
    kind: str | None,
    title: str | None,
    body: str | None,
    language: str | None,
    translation: bool,
) -> tuple[str, int, str, str, str]:
    """Check a text to publish; returns (kind, number, language, title, body).

    Raises:
        InvalidInput: unknown kind or language, missing title or body, a translation of
            nothing, or a language the current version already has.
    """
    errors: list[FieldError] = []
    clean_title = clean_line(title, "title", errors, max_length=200)
    clean_body = _clean_body(body, errors)
    if language not in LANGUAGES:
        errors.append(FieldError("language", "invalid_choice"))
    known = {k.key for k in uow.consent.kinds()}
    if kind not in known:
        errors.append(FieldError("kind", "invalid_choice"))
    number = 0
    if kind in known and language in LANGUAGES:
        existing = [v for v in uow.consent.versions(kind) if v.kind == kind]
        current = max((v.number for v in existing), default=0)
        if translation:
            if current == 0:
                errors.append(FieldError("translation", "nothing_to_translate"))
            elif any(v.number == current and v.language == language for v in existing):
                errors.append(FieldError("language", "translation_exists"))
            number = current
        else:
            number = current + 1
    if errors:
        raise InvalidInput(errors)
    assert kind is not None and language is not None
    return kind, number, language, clean_title, clean_body


def preview_version(
    *,
    services: Services,
    actor: Account,
    kind: str | None,
    title: str | None,
    body: str | None,
    language: str | None,
    translation: bool = False,
) -> ConsentVersion:
    """What publishing would create, without publishing it (for the preview).

    Raises:
        PermissionDenied: the actor may not publish.
        InvalidInput: as :func:`publish_version`.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CONSENT_PUBLISH)
        key, number, lang, clean_title, clean_body = validate_version(
            services,
            uow,
            kind=kind,
            title=title,
            body=body,
            language=language,
            translation=translation,
        )
    return ConsentVersion.publish(
        id="preview",
        kind=key,
        number=number,
        language=lang,
        title=clean_title,
        body=clean_body,
        now=services.clock.now(),
        published_by=actor.id,
    )


def publish_version(
    *,
    services: Services,
    actor: Account,
    kind: str | None,
    title: str | None,
    body: str | None,
    language: str | None,
    translation: bool = False,
    ip: str = "-",
) -> ConsentVersion:
    """Publish a new version of a kind (or a translation of its current version).

    A new version of a required kind gates every client again at their next request.

    Raises:
        PermissionDenied: the actor is not an admin.
        InvalidInput: see :func:`validate_version`.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CONSENT_PUBLISH)
        key, number, lang, clean_title, clean_body = validate_version(
            services,
            uow,
            kind=kind,
            title=title,
            body=body,
            language=language,
            translation=translation,
        )
        version = ConsentVersion.publish(
            id=services.ids.new_id(),
            kind=key,
            number=number,
            language=lang,
            title=clean_title,
            body=clean_body,
            now=services.clock.now(),
            published_by=actor.id,
        )
        try:
            uow.consent.add_version(version)
        except AlreadyExists:  # another admin published the same number a moment ago
            raise InvalidInput.single("kind", "version_conflict") from None
        audit.record(
            services,
            uow,
            actor=actor,
            action="consent.published",
            target_type="consent",
            target_id=version.id,
            summary=f"{key} v{number} ({lang}): {clean_title}",
            ip=ip,
            details={"kind": key, "version": number, "language": lang, "title": clean_title},
        )
        uow.settings.bump_revision()  # every process re-reads the gate
        uow.commit()
    return version


def add_kind(
    *, services: Services, actor: Account, key: str | None, required: bool, ip: str = "-"
) -> ConsentKind:
    """Define a new kind of consent (e.g. ``newsletter``, optional).

    Raises:
        PermissionDenied: the actor is not an admin.
        InvalidInput: a malformed or taken key.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CONSENT_PUBLISH)
        key = (key or "").strip().lower()
        if not KIND_KEY.match(key):
            raise InvalidInput.single("key", "kind_invalid")
        kind = ConsentKind(key=key, required=required, created_at=services.clock.now())
        if any(k.key == key for k in uow.consent.kinds()):
            raise InvalidInput.single("key", "kind_taken")
        try:
            uow.consent.add_kind(kind)
            audit.record(
                services,
                uow,
                actor=actor,
                action="consent.kind_added",
                target_type="consent",
                target_id=key,
                summary=f"{key} ({'required' if required else 'optional'})",
                ip=ip,
                details={"kind": key, "required": "yes" if required else "no"},
            )
            uow.settings.bump_revision()  # every process re-reads the gate
            uow.commit()
        except AlreadyExists:
            raise InvalidInput.single("key", "kind_taken") from None
    return kind


def ensure_defaults(*, services: Services) -> bool:
    """On a first install, define terms, privacy and marketing and publish example texts.

    Returns True when it published them, False when consent was already set up.
    """
    from iclient_core.consent.defaults import DEFAULT_KINDS, DEFAULT_TEXTS

    with services.uow() as uow:
        if uow.consent.kinds():
            return False
        now = services.clock.now()
        for position, (key, required) in enumerate(DEFAULT_KINDS):
            defined = now + timedelta(microseconds=position)  # keeps terms, privacy, … in order
            uow.consent.add_kind(ConsentKind(key=key, required=required, created_at=defined))
            for language, (title, body) in DEFAULT_TEXTS[key].items():
                uow.consent.add_version(
                    ConsentVersion.publish(
                        id=services.ids.new_id(),
                        kind=key,
                        number=1,
                        language=language,
                        title=title,
                        body=body,  # names the business as BUSINESS: shown with its name
                        now=now,
                        published_by=None,
                        example=True,
                    )
                )
        uow.settings.bump_revision()  # every process re-reads the gate
        uow.commit()
    return True


def current_versions(versions: Sequence[ConsentVersion]) -> dict[str, int]:
    """The current version number of each kind among ``versions``."""
    current: dict[str, int] = {}
    for version in versions:
        current[version.kind] = max(current.get(version.kind, 0), version.number)
    return current


@attrs.frozen
class ClientConsent:
    """A client's consent, as staff see it: the account, its state and its evidence."""

    client: Account
    status: ConsentStatus
    history: list[HistoryEntry]


def client_consent(*, services: Services, actor: Account, client_id: str) -> ClientConsent:
    """A client's consent state and history, for staff.

    Raises:
        PermissionDenied: the actor may not view clients.
        NotFound: no such client.
    """
    with services.uow() as uow:
        actor = require(uow, actor, Permission.CLIENTS_VIEW)
        client = uow.accounts.get(client_id)
        if client is None or client.role.is_staff:
            raise NotFound()
        status = _status(services, uow, client)
        titles = {v.id: v.title for v in uow.consent.versions()}
        records = uow.consent.records_for_account(client.id)
    entries = [HistoryEntry(record=r, title=titles.get(r.version_id, r.kind)) for r in records]
    return ClientConsent(client=client, status=status, history=entries[::-1])

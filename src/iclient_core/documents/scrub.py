"""Use case: re-check the stored bytes of every document against what was recorded at upload.

With downloads handed off to a web server or to the storage, the application no longer sees
the bytes as they go out, and bytes whose fingerprint has not changed are streamed without a
second checksum pass: integrity is checked *at rest* instead, by this scrub, run daily (by the
background worker, or ``iclient documents scrub`` from cron).

Each stored file is re-hashed, a batch at a time, and the outcome recorded: ``ok`` (with the
storage's fingerprint of the bytes that were checked, which later downloads trust while it
stays the same), or why it failed (``missing``, ``size``, ``checksum``), logged as a security
event and listed for staff (:func:`damaged_files`). Files checked recently are skipped, so an
interrupted run resumes where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.accounts.model import Account
from iclient_core.accounts.permissions import Permission, Tally, require, tally
from iclient_core.documents.model import CheckOutcome, FileCheck, StoredVersion
from iclient_core.shared.security_log import security_event
from iclient_core.shared.storage import ObjectNotFound, sha256_of

if TYPE_CHECKING:
    from iclient_core.services import Services

logger = logging.getLogger("iclient.documents")

DEFAULT_RECHECK_AFTER = timedelta(hours=20)
"""Files checked more recently than this are skipped (a daily run checks each one once)."""


@attrs.frozen
class ScrubReport:
    """What a scrub found.

    Attributes:
        checked: files re-hashed.
        skipped: files checked recently enough.
        damaged: files missing, of the wrong size, or whose SHA-256 differs.
        bytes_read: how many bytes were re-hashed.
    """

    checked: int = 0
    skipped: int = 0
    damaged: int = 0
    bytes_read: int = 0


def _check(services: Services, stored: StoredVersion) -> tuple[FileCheck, int]:
    """Re-hash one file; the fingerprint is taken first, so that bytes changed while they
    were read are not vouched for."""
    file = stored.file
    storage = services.storage
    fingerprint: str | None = None
    outcome = CheckOutcome.OK
    read = 0
    try:
        fingerprint = storage.fingerprint(file.storage_key)
        if storage.size(file.storage_key) != file.size:
            outcome = CheckOutcome.SIZE
        else:
            with storage.open(file.storage_key) as reader:
                found = sha256_of(reader)
            read = found.size
            if found.sha256 != file.sha256 or found.size != file.size:
                outcome = CheckOutcome.CHECKSUM
    except ObjectNotFound:
        outcome = CheckOutcome.MISSING
    check = FileCheck(
        storage_key=file.storage_key,
        document_id=stored.document_id,
        version=file.number,
        outcome=outcome,
        checked_at=services.clock.now(),
        fingerprint=fingerprint if outcome is CheckOutcome.OK else None,
    )
    return check, read


def scrub_documents(
    *,
    services: Services,
    batch: int = 100,
    recheck_after: timedelta = DEFAULT_RECHECK_AFTER,
) -> ScrubReport:
    """Re-hash the stored files of every document and record what was found.

    A plain function of the services, safe to run at any time (also while the portal
    serves): the background worker runs it daily, and cron may run
    ``iclient documents scrub``. Reading every byte takes a while; a file checked within
    ``recheck_after`` is skipped, so a run that was stopped resumes where it was.

    Args:
        batch: how many files are listed and recorded per transaction.
        recheck_after: files checked more recently are skipped (``timedelta(0)``: none).

    Returns:
        How many files were checked, skipped and found damaged, and the bytes read.
    """
    cutoff = services.clock.now() - recheck_after
    after = ""
    checked = skipped = damaged = bytes_read = 0
    while True:
        with services.uow() as uow:
            found = uow.documents.stored_versions(after_key=after, limit=batch)
            last = {s.file.storage_key: uow.documents.file_check(s.file.storage_key) for s in found}
        if not found:
            break
        after = found[-1].file.storage_key
        results: list[FileCheck] = []
        for stored in found:
            previous = last[stored.file.storage_key]
            if previous is not None and not previous.failed and previous.checked_at > cutoff:
                skipped += 1
                continue
            check, read = _check(services, stored)
            checked += 1
            bytes_read += read
            results.append(check)
            if check.failed:
                damaged += 1
                _report(stored, check)
        with services.uow() as uow:
            for check in results:
                uow.documents.save_file_check(check)
            uow.commit()
        if len(found) < batch:
            break
    report = ScrubReport(checked=checked, skipped=skipped, damaged=damaged, bytes_read=bytes_read)
    logger.info("documents scrub: %s", report)
    return report


def _report(stored: StoredVersion, check: FileCheck) -> None:
    security_event(
        "document_integrity_failed",
        document=stored.document_id,
        version=check.version,
        key=check.storage_key,
        reason=check.outcome.value,
        found_by="scrub",
    )
    logger.error(
        "scrub: document %s version %s (%s) failed its integrity check: %s",
        stored.document_id,
        check.version,
        check.storage_key,
        check.outcome.value,
    )


@attrs.frozen
class DamagedFile:
    """A stored file whose last check failed, for staff: the check and its document."""

    check: FileCheck
    document_id: str
    client_id: str | None
    title: str


def damaged_files(*, services: Services, actor: Account, limit: int = 100) -> Sequence[DamagedFile]:
    """The stored files whose last check failed, most recent first (for staff to restore
    from a backup, or to replace).

    Raises:
        PermissionDenied: the actor may not manage documents.
    """
    with services.uow() as uow:
        require(uow, actor, Permission.DOCUMENTS_MANAGE)
        found = []
        for check in uow.documents.failed_file_checks(limit=limit):
            document = uow.documents.get(check.document_id)
            found.append(
                DamagedFile(
                    check=check,
                    document_id=check.document_id,
                    client_id=document.client_id if document else None,
                    title=document.title if document else "",
                )
            )
    return found


DOCUMENTS_DAMAGED = Tally(
    Permission.DOCUMENTS_MANAGE, lambda services, uow: uow.documents.count_failed_file_checks()
)
"""The staff dashboard's stored files that failed their last check (one statement)."""


def count_damaged(*, services: Services, actor: Account) -> int:
    """How many stored files failed their last check.

    Raises:
        PermissionDenied: the actor may not manage documents.
    """
    return tally(services, actor, DOCUMENTS_DAMAGED)

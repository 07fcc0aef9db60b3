"""Use case: remove what failed or killed uploads and deletions left behind.

- pending rows (and pending replacement files) older than the grace period: their upload
  died; the row goes, and any bytes it had stored;
- stored objects under the documents prefix that no version refers to (a deletion whose
  byte removal failed, an upload whose row was swept);
- the storage's own leftovers of unfinished writes (temporary files, incomplete multipart
  uploads).

Only keys under ``documents/`` are ever looked at: other areas' objects (the files clients
attach to quote requests, under ``quotes/``) are theirs to manage, never orphans here.

Storage keys are listed *before* the database is asked which of them it knows: a row is
always committed before its upload starts, so a key that exists when listed but is
unknown afterwards is truly an orphan, with no race against uploads in progress.
"""

from __future__ import annotations

import itertools
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from iclient_core.documents.model import DocumentStatus
from iclient_core.documents.publishing import KEY_PREFIX
from iclient_core.shared.intake import forget_stored

if TYPE_CHECKING:
    from iclient_core.services import Services

logger = logging.getLogger("iclient.documents")

DEFAULT_GRACE = timedelta(hours=24)
"""How old a pending upload must be before it counts as dead."""


@attrs.frozen
class SweepReport:
    """What a sweep removed."""

    stale_documents: int = 0
    stale_files: int = 0
    orphan_objects: int = 0
    incomplete_writes: int = 0


def sweep_documents(
    *,
    services: Services,
    grace: timedelta = DEFAULT_GRACE,
    batch: int = 500,
) -> SweepReport:
    """Remove stale pending uploads, orphan stored objects and unfinished writes.

    Safe to run at any time, also while uploads are going on (run it daily from cron:
    ``iclient documents sweep``).

    Args:
        grace: pending uploads and unfinished writes younger than this are left alone.
        batch: how many rows or keys are handled per transaction.
    """
    cutoff = services.clock.now() - grace
    stale_documents = stale_files = 0
    while True:
        doomed: list[str] = []
        with services.uow() as uow:
            stale = uow.documents.stale(cutoff, limit=batch)
            for document in stale:
                if document.status is DocumentStatus.PENDING:
                    uow.documents.remove(document.id)
                    doomed += [v.storage_key for v in document.versions]
                    stale_documents += 1
                    continue
                for file in list(document.versions):
                    if not file.is_stored and file.uploaded_at < cutoff:
                        document.drop_file(file.storage_key)
                        doomed.append(file.storage_key)
                        stale_files += 1
                uow.documents.save(document)
            uow.commit()
        forget_stored(services.storage, doomed)
        if len(stale) < batch:
            break
    orphans = 0
    keys = services.storage.keys(f"{KEY_PREFIX}/")
    while chunk := list(itertools.islice(keys, batch)):
        with services.uow() as uow:
            known = uow.documents.known_keys(chunk)
        unknown = [key for key in chunk if key not in known]
        forget_stored(services.storage, unknown)
        orphans += len(unknown)
    incomplete = services.storage.sweep_incomplete(cutoff)
    report = SweepReport(
        stale_documents=stale_documents,
        stale_files=stale_files,
        orphan_objects=orphans,
        incomplete_writes=incomplete,
    )
    logger.info("documents sweep: %s", report)
    return report

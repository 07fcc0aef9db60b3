"""The inbox repository of the in-memory store (see ``iclient_adapters.memory``)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from iclient_adapters.memory.state import MemoryState
from iclient_core.inbox.model import Form, Submission
from iclient_core.inbox.ports import SubmissionFilter
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate


def _matches(sub: Submission, where: SubmissionFilter) -> bool:
    return (
        (where.status is None or sub.status is where.status)
        and (where.form_id is None or sub.form_id == where.form_id)
        and (where.assignee_id is None or sub.assignee_id == where.assignee_id)
    )


class MemoryInboxRepository:
    """Forms and submissions in dicts, saved with an optimistic version check."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_form(self, form: Form) -> None:
        """Store a new form (its id and slug unique)."""
        if form.id in self._state.inbox_forms or self.form_by_slug(form.slug) is not None:
            raise AlreadyExists(form.slug)
        self._state.inbox_forms[form.id] = copy.deepcopy(form)

    def get_form(self, form_id: str) -> Form | None:
        """The form, or None."""
        found = self._state.inbox_forms.get(form_id)
        return copy.deepcopy(found) if found is not None else None

    def form_by_slug(self, slug: str) -> Form | None:
        """The form at ``slug``, or None."""
        found = next((f for f in self._state.inbox_forms.values() if f.slug == slug), None)
        return copy.deepcopy(found) if found is not None else None

    def forms(self) -> Sequence[Form]:
        """Every form, oldest first."""
        return [
            copy.deepcopy(f)
            for f in sorted(self._state.inbox_forms.values(), key=lambda f: (f.created_at, f.id))
        ]

    def save_form(self, form: Form) -> None:
        """Write back a form, checking its version and its slug."""
        stored = self._state.inbox_forms.get(form.id)
        if stored is None or stored.version != form.version:
            raise ConcurrentUpdate(form.id)
        other = self.form_by_slug(form.slug)
        if other is not None and other.id != form.id:
            raise AlreadyExists(form.slug)
        form.version += 1
        self._state.inbox_forms[form.id] = copy.deepcopy(form)

    def add_submission(self, submission: Submission) -> None:
        """Store a new submission."""
        if submission.id in self._state.inbox_submissions:
            raise AlreadyExists(submission.id)
        self._state.inbox_submissions[submission.id] = copy.deepcopy(submission)

    def get_submission(self, submission_id: str) -> Submission | None:
        """The submission, or None."""
        found = self._state.inbox_submissions.get(submission_id)
        return copy.deepcopy(found) if found is not None else None

    def save_submission(self, submission: Submission) -> None:
        """Write back a submission, checking its version."""
        stored = self._state.inbox_submissions.get(submission.id)
        if stored is None or stored.version != submission.version:
            raise ConcurrentUpdate(submission.id)
        submission.version += 1
        self._state.inbox_submissions[submission.id] = copy.deepcopy(submission)

    def submissions(
        self, where: SubmissionFilter, *, limit: int, offset: int
    ) -> Sequence[Submission]:
        """Matching submissions, newest first."""
        found = sorted(
            (s for s in self._state.inbox_submissions.values() if _matches(s, where)),
            key=lambda s: (s.created_at, s.id),
            reverse=True,
        )
        return [copy.deepcopy(s) for s in found[offset : offset + limit]]

    def count_submissions(self, where: SubmissionFilter) -> int:
        """How many submissions match."""
        return sum(1 for s in self._state.inbox_submissions.values() if _matches(s, where))

    def delete_submissions_of_account(self, account_id: str) -> int:
        """Remove a client's own submissions."""
        found = [k for k, s in self._state.inbox_submissions.items() if s.account_id == account_id]
        for key in found:
            del self._state.inbox_submissions[key]
        return len(found)

    def submissions_of_account(self, account_id: str) -> Sequence[Submission]:
        """A client's own submissions, oldest first."""
        return [
            copy.deepcopy(s)
            for s in sorted(
                self._state.inbox_submissions.values(), key=lambda s: (s.created_at, s.id)
            )
            if s.account_id == account_id
        ]

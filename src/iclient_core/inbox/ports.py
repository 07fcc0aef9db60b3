"""The port of the inbox: forms and submissions, stored together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from iclient_core.inbox.model import Form, Status, Submission


@attrs.frozen
class SubmissionFilter:
    """Which submissions a list shows; None means any."""

    status: Status | None = None
    form_id: str | None = None
    assignee_id: str | None = None


class InboxRepository(Protocol):
    """Stores the public forms and the submissions sent through them."""

    def add_form(self, form: Form) -> None:
        """Store a new form.

        Raises:
            AlreadyExists: the id or the slug is taken.
        """

    def get_form(self, form_id: str) -> Form | None:
        """The form, or None."""

    def form_by_slug(self, slug: str) -> Form | None:
        """The form at ``slug``, or None."""

    def forms(self) -> Sequence[Form]:
        """Every form, oldest first."""

    def save_form(self, form: Form) -> None:
        """Write back a form changed since it was read, and bump its ``version``.

        Raises:
            ConcurrentUpdate: it changed since it was read.
            AlreadyExists: the new slug is taken.
        """

    def add_submission(self, submission: Submission) -> None:
        """Store a new submission.

        Raises:
            AlreadyExists: the id is taken.
        """

    def get_submission(self, submission_id: str) -> Submission | None:
        """The submission with its notes, or None."""

    def save_submission(self, submission: Submission) -> None:
        """Write back a submission changed since it was read, and bump its ``version``.

        Raises:
            ConcurrentUpdate: it changed since it was read.
        """

    def submissions(
        self, where: SubmissionFilter, *, limit: int, offset: int
    ) -> Sequence[Submission]:
        """Submissions matching ``where``, newest first (a fixed number of queries)."""

    def count_submissions(self, where: SubmissionFilter) -> int:
        """How many submissions match ``where``."""

    def submissions_of_account(self, account_id: str) -> Sequence[Submission]:
        """Every submission a client account sent while signed in, oldest first."""

    def delete_submissions_of_account(self, account_id: str) -> int:
        """Remove every submission a client account sent while signed in (when the account's
        personal data is erased); returns how many."""

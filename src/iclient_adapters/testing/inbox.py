"""The inbox persistence contract: what ``uow.inbox`` (an ``InboxRepository``) must do.

Mix :class:`InboxContract` into a test class that provides a ``uow_factory`` fixture (a
zero-argument callable returning a fresh unit of work over an *empty* store)::

    class TestMyInbox(MemoryBackend, InboxContract):
        pass

Needs pytest.
"""

from __future__ import annotations

import attrs
import pytest

from iclient_adapters.testing.samples import T0, at, client, new_id, staff
from iclient_core.inbox.model import FieldKind, Form, FormField, Note, Status, Submission
from iclient_core.inbox.ports import SubmissionFilter
from iclient_core.shared.errors import AlreadyExists, ConcurrentUpdate
from iclient_core.unit_of_work import UnitOfWorkFactory


def inbox_sample_form(slug: str = "contact") -> Form:
    """A published form with one field of every kind."""
    return Form(
        id=new_id(),
        slug=slug,
        title_pt="Pedido de contacto",
        title_en="Contact request",
        intro_pt="Deixe-nos a sua mensagem.",
        intro_en="Leave us your message.",
        fields=(
            FormField("subject", FieldKind.TEXT, True, "Assunto", "Subject"),
            FormField("message", FieldKind.LONG_TEXT, True, "Mensagem", "Message"),
            FormField("other_email", FieldKind.EMAIL, False, "Outro e-mail", "Other e-mail"),
            FormField("mobile", FieldKind.PHONE, False, "Telemóvel", "Mobile"),
            FormField("size", FieldKind.CHOICE, False, "Tamanho", "Size", ("1-5", "6-20")),
            FormField("day", FieldKind.DATE, False, "Dia", "Day"),
            FormField("newsletter", FieldKind.CHECKBOX, False, "Novidades", "News"),
        ),
        published=True,
        created_at=T0,
        updated_at=T0,
    )


def inbox_sample_submission(
    form: Form, *, minutes: float = 0, account_id: str | None = None
) -> Submission:
    """A new submission of ``form`` sent ``minutes`` after ``T0``."""
    return Submission.receive(
        id=new_id(),
        form=form,
        values={"subject": "Olá", "message": "Linha 1\nLinha 2 — ç", "size": "1-5"},
        name="Ana Silva",
        email="ana@example.pt",
        phone="+351912345678",
        language="pt",
        account_id=account_id,
        now=at(minutes),
    )


class InboxContract:
    """Needs ``uow_factory``. Forms and submissions: round trips, unique slugs, optimistic
    saves, filtered lists newest first, counts, a client's own submissions."""

    def inbox_store(self, uow_factory: UnitOfWorkFactory, *items: Form | Submission) -> None:
        """Add forms and submissions in one unit of work."""
        with uow_factory() as uow:
            for item in items:
                if isinstance(item, Form):
                    uow.inbox.add_form(item)
                else:
                    uow.inbox.add_submission(item)
            uow.commit()

    def test_inbox_a_form_round_trips_with_every_field_kind(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        form = inbox_sample_form()
        self.inbox_store(uow_factory, form)
        with uow_factory() as uow:
            assert uow.inbox.get_form(form.id) == form
            assert uow.inbox.form_by_slug("contact") == form
            assert uow.inbox.form_by_slug("demo") is None
            assert uow.inbox.get_form("nope") is None
            assert list(uow.inbox.forms()) == [form]

    def test_inbox_a_slug_is_unique(self, uow_factory: UnitOfWorkFactory) -> None:
        self.inbox_store(uow_factory, inbox_sample_form())
        with pytest.raises(AlreadyExists), uow_factory() as uow:
            uow.inbox.add_form(inbox_sample_form())
            uow.commit()

    def test_inbox_a_form_saves_once_per_version(self, uow_factory: UnitOfWorkFactory) -> None:
        form = inbox_sample_form()
        self.inbox_store(uow_factory, form)
        with uow_factory() as uow:
            first = uow.inbox.get_form(form.id)
            assert first is not None
        stale = attrs.evolve(first)
        first.published = False
        first.fields = first.fields[:1]
        with uow_factory() as uow:
            uow.inbox.save_form(first)
            uow.commit()
        assert first.version == 2
        with uow_factory() as uow:
            assert uow.inbox.get_form(form.id) == first
            with pytest.raises(ConcurrentUpdate):
                uow.inbox.save_form(stale)

    def test_inbox_a_submission_round_trips_with_notes(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        form = inbox_sample_form()
        sub = inbox_sample_submission(form)
        self.inbox_store(uow_factory, form, sub)
        with uow_factory() as uow:
            assert uow.inbox.get_submission(sub.id) == sub
            assert uow.inbox.get_submission("nope") is None
        member = staff("rui@example.pt")
        with uow_factory() as uow:
            uow.accounts.add(member)
            loaded = uow.inbox.get_submission(sub.id)
            assert loaded is not None
            loaded.status = Status.IN_PROGRESS
            loaded.assignee_id = member.id
            loaded.notes = (Note(at(5), member.id, "rui@example.pt", "Ligar amanhã.\nÀs 10h."),)
            loaded.updated_at = at(5)
            uow.inbox.save_submission(loaded)
            uow.commit()
        with uow_factory() as uow:
            assert uow.inbox.get_submission(sub.id) == loaded
            stale = attrs.evolve(loaded, version=1)
            with pytest.raises(ConcurrentUpdate):
                uow.inbox.save_submission(stale)

    def test_inbox_lists_newest_first_filtered_and_counted(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        contact, demo = inbox_sample_form(), inbox_sample_form("demo")
        subs = [inbox_sample_submission(contact if n % 2 else demo, minutes=n) for n in range(7)]
        member = staff("rui@example.pt")
        subs[3].status = Status.DONE
        subs[5].assignee_id = member.id
        with uow_factory() as uow:
            uow.accounts.add(member)
            uow.commit()
        self.inbox_store(uow_factory, contact, demo, *subs)
        with uow_factory() as uow:
            everything = SubmissionFilter()
            assert [s.id for s in uow.inbox.submissions(everything, limit=3, offset=0)] == [
                s.id for s in subs[6:3:-1]
            ]
            assert [s.id for s in uow.inbox.submissions(everything, limit=3, offset=6)] == [
                subs[0].id
            ]
            assert uow.inbox.count_submissions(everything) == 7
            assert uow.inbox.count_submissions(SubmissionFilter(status=Status.NEW)) == 6
            assert uow.inbox.count_submissions(SubmissionFilter(form_id=contact.id)) == 3
            assigned = SubmissionFilter(assignee_id=member.id)
            assert [s.id for s in uow.inbox.submissions(assigned, limit=9, offset=0)] == [
                subs[5].id
            ]
            done_demo = SubmissionFilter(status=Status.DONE, form_id=demo.id)
            assert uow.inbox.count_submissions(done_demo) == 0

    def test_inbox_a_clients_own_submissions(self, uow_factory: UnitOfWorkFactory) -> None:
        ana, bea = client("ana@example.pt"), client("bea@example.pt")
        with uow_factory() as uow:
            uow.accounts.add(ana)
            uow.accounts.add(bea)
            uow.commit()
        form = inbox_sample_form()
        mine = [inbox_sample_submission(form, minutes=n, account_id=ana.id) for n in (2, 1)]
        other = inbox_sample_submission(form, account_id=bea.id)
        self.inbox_store(uow_factory, form, *mine, other, inbox_sample_submission(form))
        with uow_factory() as uow:
            assert [s.id for s in uow.inbox.submissions_of_account(ana.id)] == [
                mine[1].id,
                mine[0].id,
            ]
            assert uow.inbox.delete_submissions_of_account(ana.id) == 2
            uow.commit()
        with uow_factory() as uow:
            assert list(uow.inbox.submissions_of_account(ana.id)) == []
            assert uow.inbox.count_submissions(SubmissionFilter()) == 2

    def test_inbox_nothing_stays_without_commit(self, uow_factory: UnitOfWorkFactory) -> None:
        form = inbox_sample_form()
        with uow_factory() as uow:
            uow.inbox.add_form(form)
        with uow_factory() as uow:
            assert uow.inbox.get_form(form.id) is None

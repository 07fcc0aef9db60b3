"""Support requests' use cases on the in-memory store: who may see what, the status each
message leaves, the reopening period, the e-mails (never an internal note), two writers at
once, the data export and the erasure of an account."""

from __future__ import annotations

import threading
from datetime import timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iclient_adapters.clock import FrozenClock
from iclient_adapters.testing import make_services
from iclient_core.accounts.model import Account, Role
from iclient_core.accounts.notification_choices import choose_notifications
from iclient_core.accounts.privacy import confirm_deletion, request_deletion
from iclient_core.notifications.model import Channel, Kind
from iclient_core.notifications.preferences import Event, choice_key
from iclient_core.services import Services
from iclient_core.shared.errors import InvalidInput, NotFound, PermissionDenied
from iclient_core.shared.intake import Upload
from iclient_core.staff.personal_data import export_data
from iclient_core.support import conversations as support
from iclient_core.support.model import CATEGORIES, Status
from tests.unit.helpers import IP, PASSWORD, active_client, deliver, stored
from tests.unit.staff_helpers import actions, staff_member

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 600
NOTE = "Só para a equipa: cliente difícil."


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def services(clock: FrozenClock) -> Services:
    base = make_services(clock=clock)
    return attrs.evolve(
        base, settings=attrs.evolve(base.settings, contact_email="geral@oficina.pt")
    )


def opened(services: Services, account_id: str, **kw: object) -> str:
    conversation = support.open_request(
        services=services,
        account_id=account_id,
        subject="A impressora não imprime",
        category="technical",
        message="Não imprime desde ontem.",
        ip=IP,
        **kw,  # type: ignore[arg-type]
    )
    return conversation.id


def test_a_request_goes_from_open_to_answered_to_closed_and_back(
    services: Services, clock: FrozenClock
) -> None:
    ana = active_client(services)
    rui = staff_member(services, role=Role.STAFF, email="rui@example.pt")
    cid = opened(services, ana.id, files=[Upload("foto.jpg", [PHOTO])])
    told = deliver(services)
    assert [(n.kind, n.to_address) for n in told] == [(Kind.SUPPORT_MESSAGE, "geral@oficina.pt")]
    support.staff_reply(
        services=services, actor=rui, conversation_id=cid, message=NOTE, internal=True, ip=IP
    )
    assert deliver(services) == []  # a note is never e-mailed
    support.staff_reply(
        services=services, actor=rui, conversation_id=cid, message="Já vimos.", ip=IP
    )
    (reply,) = deliver(services)
    assert reply.kind is Kind.SUPPORT_REPLY and reply.to_address == ana.email.address
    assert NOTE not in str(reply.context) and "Já vimos." in reply.context["message"]
    thread = support.my_thread(services=services, actor=ana, conversation_id=cid)
    assert thread.conversation.status is Status.WAITING_ON_CLIENT
    assert [m.text for m in thread.messages] == ["Não imprime desde ontem.", "Já vimos."]
    assert len(thread.messages[0].attachments) == 1
    staff_view = support.staff_thread(services=services, actor=rui, conversation_id=cid)
    assert [m.internal for m in staff_view.messages] == [False, True, False]
    support.close_as_client(services=services, account_id=ana.id, conversation_id=cid, ip=IP)
    clock.advance(timedelta(days=services.settings.support_reopen_days))
    support.reply_as_client(
        services=services, account_id=ana.id, conversation_id=cid, message="Voltou.", ip=IP
    )
    again = support.my_thread(services=services, actor=ana, conversation_id=cid)
    assert again.conversation.status is Status.WAITING_ON_STAFF
    support.close_as_client(services=services, account_id=ana.id, conversation_id=cid, ip=IP)
    clock.advance(timedelta(days=services.settings.support_reopen_days, seconds=1))
    with pytest.raises(support.RequestClosed):
        support.reply_as_client(
            services=services, account_id=ana.id, conversation_id=cid, message="E agora?", ip=IP
        )
    assert actions(services, target_id=cid) == [
        "support.opened",
        "support.note_added",
        "support.replied",
        "support.status_changed",
        "support.client_replied",
        "support.status_changed",
    ]


def test_staff_are_told_at_the_assignees_address_in_their_language(services: Services) -> None:
    ana = active_client(services)
    rui = staff_member(services, role=Role.STAFF, email="rui@example.pt")
    cid = opened(services, ana.id)
    deliver(services)
    support.update_request(
        services=services, actor=rui, conversation_id=cid, assignee_id=rui.id, ip=IP
    )
    support.reply_as_client(
        services=services, account_id=ana.id, conversation_id=cid, message="Mais.", ip=IP
    )
    (told,) = deliver(services)
    assert told.to_address == "rui@example.pt" and told.kind is Kind.SUPPORT_MESSAGE
    assert told.context["link"].endswith(f"/{rui.language}/admin/support/{cid}")


def test_only_the_requester_and_staff_reach_a_request(services: Services) -> None:
    ana = active_client(services)
    bea = active_client(services, email="bea@example.pt")
    rui = staff_member(services, role=Role.STAFF, email="rui@example.pt")
    cid = opened(services, ana.id, files=[Upload("foto.jpg", [PHOTO])])
    thread = support.my_thread(services=services, actor=ana, conversation_id=cid)
    message_id = thread.messages[0].id
    with support.download_my_attachment(
        services=services, account_id=ana.id, conversation_id=cid, message_id=message_id, index=0
    ) as download:
        assert b"".join(download) == PHOTO
    for call in (
        lambda: support.my_thread(services=services, actor=bea, conversation_id=cid),
        lambda: support.my_revision(services=services, actor=bea, conversation_id=cid),
        lambda: support.download_my_attachment(
            services=services,
            account_id=bea.id,
            conversation_id=cid,
            message_id=message_id,
            index=0,
        ),
        lambda: support.reply_as_client(
            services=services, account_id=bea.id, conversation_id=cid, message="x", ip=IP
        ),
        lambda: support.download_my_attachment(
            services=services,
            account_id=ana.id,
            conversation_id=cid,
            message_id=message_id,
            index=1,
        ),
    ):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(PermissionDenied):
        support.my_thread(services=services, actor=rui, conversation_id=cid)
    with pytest.raises(PermissionDenied):
        support.staff_thread(services=services, actor=ana, conversation_id=cid)
    # A note's file could not exist, and a client never reads a note through its id.
    support.staff_reply(
        services=services, actor=rui, conversation_id=cid, message=NOTE, internal=True, ip=IP
    )
    note = support.staff_thread(services=services, actor=rui, conversation_id=cid).messages[-1]
    with pytest.raises(NotFound):
        support.download_my_attachment(
            services=services, account_id=ana.id, conversation_id=cid, message_id=note.id, index=0
        )


def test_two_staff_replying_at_once_both_keep_their_reply(services: Services) -> None:
    ana = active_client(services)
    rui = staff_member(services, role=Role.STAFF, email="rui@example.pt")
    eva = staff_member(services, role=Role.STAFF, email="eva@example.pt")
    cid = opened(services, ana.id)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def answer(actor: Account, text: str) -> None:
        start.wait()
        try:
            support.staff_reply(
                services=services, actor=actor, conversation_id=cid, message=text, ip=IP
            )
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=answer, args=(rui, "Da parte do Rui.")),
        threading.Thread(target=answer, args=(eva, "Da parte da Eva.")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    thread = support.my_thread(services=services, actor=ana, conversation_id=cid)
    texts = [m.text for m in thread.messages[1:]]
    assert sorted(texts) == ["Da parte da Eva.", "Da parte do Rui."]
    assert [m.seq for m in thread.messages] == sorted(m.seq for m in thread.messages)


def test_the_export_has_the_requests_without_notes_and_erasure_removes_them_and_their_files(
    services: Services,
) -> None:
    ana = active_client(services)
    rui = staff_member(services, role=Role.ADMIN, email="rui@example.pt")
    cid = opened(services, ana.id, files=[Upload("foto.jpg", [PHOTO])])
    support.staff_reply(
        services=services, actor=rui, conversation_id=cid, message=NOTE, internal=True, ip=IP
    )
    data = export_data(services=services, account_id=ana.id)
    (exported,) = data["support"]
    assert exported["subject"] == "A impressora não imprime"
    assert [m["by"] for m in exported["messages"]] == ["you"]
    assert NOTE not in str(data)
    key = (
        support.my_thread(services=services, actor=ana, conversation_id=cid)
        .messages[0]
        .attachments[0]
        .key
    )
    assert services.storage.size(key) == len(PHOTO)
    request_deletion(services=services, account_id=ana.id, current_password=PASSWORD, ip=IP)
    confirm_deletion(services=services, actor=rui, client_id=ana.id, ip=IP)
    with services.uow() as uow:
        assert uow.support.get(cid) is None
    with pytest.raises(Exception):  # noqa: B017 - the storage's own "not found"
        services.storage.size(key)
    assert "support.opened" in actions(services, target_id=cid)  # the business record stays


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    subject=st.text(max_size=300),
    message=st.text(max_size=300),
    category=st.one_of(st.sampled_from(CATEGORIES), st.text(max_size=12)),
)
def test_odd_input_is_refused_or_stored_cleanly(
    services: Services, subject: str, message: str, category: str
) -> None:
    ana = _client(services)
    try:
        conversation = support.open_request(
            services=services,
            account_id=ana,
            subject=subject,
            category=category,
            message=message,
            ip=IP,
        )
    except InvalidInput as error:
        assert error.by_field()
        return
    thread = support.my_thread(
        services=services, actor=stored(services, ana), conversation_id=conversation.id
    )
    assert thread.conversation.subject.strip() and thread.messages[0].text.strip()
    assert "\x00" not in thread.conversation.subject + thread.messages[0].text


_CLIENTS: dict[int, str] = {}


def _client(services: Services) -> str:
    if id(services) not in _CLIENTS:
        _CLIENTS[id(services)] = active_client(services).id
    return _CLIENTS[id(services)]


def test_a_client_replying_while_staff_close_ends_with_the_reply_kept_and_the_request_open(
    services: Services,
) -> None:
    ana = active_client(services)
    rui = staff_member(services, role=Role.STAFF, email="rui@example.pt")
    cid = opened(services, ana.id)
    closed: list[bool] = []

    class ClosedMeanwhile:
        """The reply's unit of work; staff close the request just before its first commit."""

        def __init__(self) -> None:
            self.inner = services.uow()

        def __enter__(self) -> ClosedMeanwhile:
            self.inner.__enter__()
            return self

        def __exit__(self, *exc: object) -> None:
            self.inner.__exit__(*exc)  # type: ignore[arg-type]

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

        def commit(self) -> None:
            if not closed:
                closed.append(True)
                support.update_request(
                    services=services, actor=rui, conversation_id=cid, status="closed", ip=IP
                )
            self.inner.commit()

    racing = attrs.evolve(services, uow=ClosedMeanwhile)
    support.reply_as_client(
        services=racing, account_id=ana.id, conversation_id=cid, message="Ainda falha.", ip=IP
    )
    assert closed == [True]
    thread = support.my_thread(services=services, actor=ana, conversation_id=cid)
    assert thread.conversation.status is Status.WAITING_ON_STAFF
    assert thread.conversation.closed_at is None
    assert [m.text for m in thread.messages].count("Ainda falha.") == 1
    assert actions(services, target_id=cid)[-2:] == [
        "support.status_changed",
        "support.client_replied",
    ]


def test_a_client_who_writes_too_often_is_asked_to_wait(services: Services) -> None:
    from iclient_core.shared.errors import RateLimited

    ana = active_client(services)
    cid = opened(services, ana.id)
    for n in range(support.MESSAGES_PER_CLIENT.amount - 1):
        support.reply_as_client(
            services=services, account_id=ana.id, conversation_id=cid, message=f"{n}", ip=IP
        )
    with pytest.raises(RateLimited):
        support.reply_as_client(
            services=services, account_id=ana.id, conversation_id=cid, message="mais", ip=IP
        )
    with pytest.raises(RateLimited):
        opened(services, ana.id)


def test_a_staff_reply_reaches_the_client_only_on_the_channels_they_chose(
    services: Services,
) -> None:
    """Support replies switched off: the reply is kept and shown, no message is sent."""
    ana = active_client(services)
    rui = staff_member(services, role=Role.STAFF, email="rui@example.pt")
    cid = opened(services, ana.id)
    deliver(services)
    choose_notifications(services=services, account_id=ana.id, on=set(), ip=IP)
    support.staff_reply(
        services=services, actor=rui, conversation_id=cid, message="Já vimos.", ip=IP
    )
    assert deliver(services) == []
    thread = support.my_thread(services=services, actor=ana, conversation_id=cid)
    assert [m.text for m in thread.messages][-1] == "Já vimos."
    choose_notifications(
        services=services,
        account_id=ana.id,
        on={choice_key(Event.SUPPORT_REPLY, Channel.EMAIL)},
        ip=IP,
    )
    support.staff_reply(
        services=services, actor=rui, conversation_id=cid, message="Resolvido?", ip=IP
    )
    (reply,) = deliver(services)
    assert reply.kind is Kind.SUPPORT_REPLY and "/unsubscribe/" in reply.context["unsubscribe_link"]

"""The session cache on PostgreSQL: a process keeps the sessions it looked up while the
database tells it that nothing about them changed.

Every signed-in request starts by finding its session, its account and the portal's
revision. Asking PostgreSQL each time costs a statement per page, half of what a page sends.
With this cache a web process asks once and answers from memory afterwards, for as long as
it hears of no change:

- Triggers (the migration "Change notices for the session cache") send a notice on the
  channel :data:`CHANNEL` when a row of ``sign_in_sessions`` or ``accounts`` is changed or
  deleted (its account's id), or when the portal's revision moves on (``*``). PostgreSQL
  sends a notice when its transaction commits, to every connection listening, on every host.
- A thread of each process listens on its own connection and forgets what the notices name.
  Any notice also moves a counter on: a look-up that began before a notice is not kept,
  whatever it named, so a change cannot slip in between a read and keeping it.
- While the listening connection is down (PostgreSQL restarting, the network), the cache
  keeps and answers nothing, and it starts empty once listening again: whatever changed
  meanwhile went unheard.
- A look-up is kept :attr:`ListeningSessionCache.max_age` seconds at most (5 by default),
  whatever it heard: a bound, should a notice ever be late.

A notice reaches every listening process, this one included, within a few milliseconds of
the commit; signing out also forgets the session at once in the process that does it. So
signing out, ending a session elsewhere, disabling an account or changing its role take
effect everywhere within milliseconds, and the session's expiry is still checked on every
request from the times kept.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import attrs

from iclient_core.accounts.ports import SessionLookUp

logger = logging.getLogger("iclient.sessions")

CHANNEL = "iclient_changes"
"""The notice channel of the migration's triggers."""

EVERYTHING = "*"
"""A notice's payload when every session is concerned (the portal's revision moved on)."""


@attrs.define
class _Kept:
    found: SessionLookUp
    at: float


def listener(engine: Any) -> Callable[[], Any]:
    """What opens the listening connection: psycopg, to the engine's database, on its own
    (never from the pool), in autocommit mode."""
    import psycopg

    url = engine.url.set(drivername="postgresql")
    conninfo = url.render_as_string(hide_password=False)
    return lambda: psycopg.connect(conninfo, autocommit=True, connect_timeout=5)


class ListeningSessionCache:
    """The ``SessionCache`` port, kept right by PostgreSQL's change notices (see the module).

    Args:
        connect: opens a new connection to the database (psycopg, in autocommit mode).
        max_age: the most seconds a look-up is kept.
        max_entries: the most look-ups kept (the oldest goes first).
        retry_after: seconds between attempts to listen again after losing the connection.
    """

    def __init__(
        self,
        connect: Callable[[], Any],
        *,
        max_age: float = 5.0,
        max_entries: int = 10_000,
        retry_after: float = 1.0,
    ) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self.retry_after = retry_after
        self._connect = connect
        self._lock = threading.Lock()
        self._kept: dict[str, _Kept] = {}
        self._by_account: dict[str, set[str]] = {}  # account id → its kept sessions' ids
        self._generation = 0
        self._unheard = False  # said once that the notices are not heard, until they are
        self._listening = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    # ------------------------------------------------------------------ the port

    def recall(self, session_id: str) -> SessionLookUp | None:
        """A copy of the look-up kept for ``session_id``, if still good."""
        self._ensure_listening()
        kept = self._kept.get(session_id)
        if kept is None or not self._listening:
            return None
        if time.monotonic() - kept.at > self.max_age:
            with self._lock:
                self._remove(session_id)
            return None
        session, account, revision = kept.found
        return attrs.evolve(session), attrs.evolve(account), revision

    def ticket(self) -> object | None:
        """The count of notices heard so far (None while not listening)."""
        self._ensure_listening()
        with self._lock:
            return self._generation if self._listening else None

    def keep(self, session_id: str, found: SessionLookUp, ticket: object | None) -> None:
        """Keep a copy of ``found``, unless a notice came since ``ticket``."""
        session, account, revision = found
        copy = (attrs.evolve(session), attrs.evolve(account), revision)
        with self._lock:
            if ticket is None or ticket != self._generation or not self._listening:
                return
            self._remove(session_id)
            if len(self._kept) >= self.max_entries:
                self._remove(next(iter(self._kept)))
            self._kept[session_id] = _Kept(copy, time.monotonic())
            self._by_account.setdefault(account.id, set()).add(session_id)

    def forget(self, session_id: str) -> None:
        """Forget ``session_id`` (this process changed it; the notice will follow)."""
        with self._lock:
            self._generation += 1
            self._remove(session_id)

    # ------------------------------------------------------------------ the notices

    def heard(self, payload: str) -> None:
        """A change notice: forget what it names, and every look-up in progress."""
        with self._lock:
            self._generation += 1
            if payload == EVERYTHING:
                self._clear()
                return
            for key in list(self._by_account.get(payload, ())):
                self._remove(key)

    @property
    def listening(self) -> bool:
        """Whether the notices are being heard (nothing is kept otherwise)."""
        return self._listening

    def _set_listening(self, listening: bool) -> None:
        with self._lock:
            self._generation += 1
            self._clear()
            self._listening = listening

    def _remove(self, session_id: str) -> None:
        """Forget one look-up (the lock held)."""
        kept = self._kept.pop(session_id, None)
        if kept is None:
            return
        account_id = kept.found[1].id
        keys = self._by_account.get(account_id)
        if keys is not None:
            keys.discard(session_id)
            if not keys:
                del self._by_account[account_id]

    def _clear(self) -> None:
        """Forget every look-up (the lock held)."""
        self._kept.clear()
        self._by_account.clear()

    def _ensure_listening(self) -> None:
        """Start the listening thread in this process (again after a fork: the thread does
        not cross it, and what was kept before it is forgotten)."""
        pid = os.getpid()
        if self._pid == pid:
            return
        with self._lock:
            if self._pid == pid:
                return
            self._clear()
            self._generation += 1
            self._listening = False
            self._stopping = threading.Event()
            self._pid = pid
            self._thread = threading.Thread(
                target=self._listen, name="iclient-session-notices", daemon=True
            )
            self._thread.start()

    def _listen(self) -> None:
        stopping = self._stopping
        while not stopping.is_set():
            try:
                with self._connect() as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._set_listening(True)
                    if self._unheard:
                        self._unheard = False
                        logger.info("session cache: hearing changes again")
                    while not stopping.is_set():
                        for notice in connection.notifies(timeout=0.5):
                            self.heard(notice.payload)
            except Exception as error:
                if stopping.is_set():
                    break
                if not self._unheard:  # once, not at every attempt while the database is away
                    self._unheard = True
                    logger.warning(
                        "session cache: not hearing changes (%s); unused meanwhile", error
                    )
            finally:
                self._set_listening(False)
            stopping.wait(self.retry_after)

    def close(self) -> None:
        """Stop listening (the process keeps nothing afterwards)."""
        self._stopping.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and self._pid == os.getpid():
            thread.join(timeout=2)
        self._set_listening(False)
        self._pid = os.getpid()  # stopped for good in this process: no new thread

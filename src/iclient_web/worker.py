"""A background thread that delivers the outbox, so one ``iclient serve`` process is enough."""

from __future__ import annotations

import logging
import threading

from iclient_adapters.bootstrap import Portal
from iclient_core.delivery import deliver_outbox

logger = logging.getLogger("iclient.mail")


class OutboxWorker(threading.Thread):
    """Delivers due messages every ``interval`` seconds until :meth:`stop` is called."""

    def __init__(self, portal: Portal, *, interval: float = 2.0) -> None:
        super().__init__(name="iclient-outbox", daemon=True)
        self._portal = portal
        self._interval = interval
        self._stopping = threading.Event()

    def run(self) -> None:
        """Deliver, wait, repeat; a failing round is logged and retried next time."""
        while not self._stopping.is_set():
            try:
                deliver_outbox(services=self._portal.services, mailer=self._portal.mailer)
            except Exception:  # keep the worker alive whatever one round hits
                logger.exception("outbox delivery round failed")
            self._stopping.wait(self._interval)

    def stop(self) -> None:
        """Ask the thread to finish after the current round."""
        self._stopping.set()

"""The background worker of ``iclient serve``: mail goes out and the chores get done."""

from __future__ import annotations

import time

from iclient_adapters.compose import Portal
from iclient_adapters.mail import MemoryTransport
from iclient_core.accounts.registration import register_client
from iclient_web.worker import OutboxWorker


def test_the_worker_delivers_queued_mail_and_does_the_housekeeping(
    portal: Portal, transport: MemoryTransport
) -> None:
    register_client(
        services=portal.services,
        first_name="Ana",
        last_name="Silva",
        phone="912 345 678",
        email="ana@example.pt",
        language="pt",
        ip="203.0.113.1",
    )
    worker = OutboxWorker(portal, interval=0.05)
    worker.start()
    try:
        deadline = time.monotonic() + 5
        while not transport.sent and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
        worker.join(timeout=5)
    assert [str(m["To"]) for m in transport.sent] == ["Ana Silva <ana@example.pt>"]
    assert not worker.is_alive()
    worker.housekeeping()  # erasures, quote expiry, sweeper: all run without error

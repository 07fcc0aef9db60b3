"""In-memory adapters: persistence (a transactional store), the outbox, a mailer and a job
ledger.

Real fakes for tests, demos and embedding without a database: ``MemoryStore().unit_of_work``
is a ``UnitOfWorkFactory``; ``MemoryMailer`` keeps the messages it is handed.
"""

from iclient_adapters.memory.jobs import MemoryJobLedger
from iclient_adapters.memory.notifications import MemoryMailer, MemorySms
from iclient_adapters.memory.store import MemoryStore, MemoryUnitOfWork

__all__ = ["MemoryJobLedger", "MemoryMailer", "MemorySms", "MemoryStore", "MemoryUnitOfWork"]

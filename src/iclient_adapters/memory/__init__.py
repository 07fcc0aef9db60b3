"""In-memory adapters: persistence (a transactional store), the outbox and a mailer.

Real fakes for tests, demos and embedding without a database: ``MemoryStore().unit_of_work``
is a ``UnitOfWorkFactory``; ``MemoryMailer`` keeps the messages it is handed.
"""

from iclient_adapters.memory.notifications import MemoryMailer
from iclient_adapters.memory.store import MemoryStore, MemoryUnitOfWork

__all__ = ["MemoryMailer", "MemoryStore", "MemoryUnitOfWork"]

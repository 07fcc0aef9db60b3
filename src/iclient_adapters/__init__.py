"""Implementations of the ports of :mod:`iclient_core`, and the composition root.

Start with :func:`in_memory` (everything in memory) or :func:`from_config` (the adapters a
configuration names). The packages and modules, by what they implement:

- :mod:`.memory`: in-memory persistence, outbox and mailer (tests, demos, embedding).
- :mod:`.sql`: SQLAlchemy 2.x persistence for SQLite and PostgreSQL, with Alembic migrations.
- :mod:`.mail`: Jinja2-rendered e-mail over memory, file, console and SMTP transports.
- :mod:`.storage`: file storage on fsspec (``memory://``, ``file://``, ``s3://``).
- :mod:`.passwords`, :mod:`.tokens`, :mod:`.contacts`, :mod:`.strength`, :mod:`.ratelimit`,
  :mod:`.links`, :mod:`.clock`: the smaller ports.
- :mod:`.testing`: the contract suites, importable to check an adapter of your own.
"""

from iclient_adapters.compose import Portal, from_config, in_memory
from iclient_adapters.config import Config

__all__ = ["Config", "Portal", "from_config", "in_memory"]

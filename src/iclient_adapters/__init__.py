"""Implementations of the ports of :mod:`iclient_core`, and the composition root.

- :mod:`.memory`: in-memory persistence (tests, demos, embedding without a database).
- :mod:`.sql`: SQLAlchemy 2.x persistence for SQLite and PostgreSQL, with Alembic migrations.
- :mod:`.mail`: Jinja2-rendered e-mail over memory, file, console and SMTP transports.
- :mod:`.passwords`, :mod:`.tokens`, :mod:`.contacts`, :mod:`.strength`, :mod:`.ratelimit`,
  :mod:`.links`, :mod:`.clock`: the smaller ports.
- :mod:`.bootstrap`: builds a ready ``Services`` from the configuration variables.
- :mod:`.testing`: the contract suites, importable to check an adapter of your own.
"""

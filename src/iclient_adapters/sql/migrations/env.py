"""Alembic environment: runs on the connection handed in by ``iclient_adapters.sql.migrate``."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from iclient_adapters.sql.engine import make_engine
from iclient_adapters.sql.tables import metadata, tables_for

config = context.config


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=tables_for(connection.dialect.name),
        compare_type=True,
        # SQLite cannot ALTER most things: later migrations copy-and-move tables.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if not url:
        raise RuntimeError("set config.attributes['connection'] or sqlalchemy.url")
    engine = make_engine(url)
    try:
        with engine.connect() as own_connection:
            _run(own_connection)
    finally:
        engine.dispose()


_main()

"""The connection a unit of work lends its repositories: reads need no transaction.

A page that only reads (the documents list, a quote) sends its statements and nothing else:
no ``BEGIN``, no ``ROLLBACK``, a round trip each saved. The first statement that writes (an
``INSERT``, ``UPDATE``, ``DELETE``, a ``SELECT … FOR UPDATE``, or raw SQL) begins a real
transaction, which lasts until the unit of work commits or rolls back.

Reading outside a transaction changes nothing the use cases rely on: PostgreSQL's default
isolation (``READ COMMITTED``) gives every statement its own snapshot inside a transaction
too, and SQLite's driver never began a transaction for a ``SELECT``. What must be atomic
(the writes) still is, and rows are still locked for the rest of the transaction.
"""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa

AUTOCOMMIT = "AUTOCOMMIT"


class Executor(Protocol):
    """What the SQL repositories use of a connection."""

    @property
    def dialect(self) -> sa.Dialect:
        """The database's dialect (``postgresql``, ``sqlite``)."""

    def execute(self, statement: Any, parameters: Any = None, /) -> Any:
        """Run one statement."""

    def begin_nested(self) -> sa.NestedTransaction:
        """A savepoint inside the (write) transaction."""


def writes(statement: object) -> bool:
    """Whether ``statement`` needs a transaction: anything but a plain ``SELECT``."""
    if isinstance(statement, sa.Select):
        return statement._for_update_arg is not None
    return not isinstance(statement, sa.CompoundSelect)


class LazyConnection:
    """A pooled connection that reads in autocommit mode and begins a transaction at the
    first write (see the module's docstring)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._isolation = connection.dialect.default_isolation_level or "READ COMMITTED"
        self._writing = False
        connection.execution_options(isolation_level=AUTOCOMMIT)

    @property
    def dialect(self) -> sa.Dialect:
        """The database's dialect."""
        return self._connection.dialect

    @property
    def writing(self) -> bool:
        """True once a write began a transaction (until commit or rollback)."""
        return self._writing

    def execute(self, statement: Any, parameters: Any = None, /) -> Any:
        """Run one statement, first beginning a transaction if it writes."""
        if not self._writing and writes(statement):
            self._begin()
        if parameters is None:
            return self._connection.execute(statement)
        return self._connection.execute(statement, parameters)

    def begin_nested(self) -> sa.NestedTransaction:
        """A savepoint; begins the transaction first if needed."""
        if not self._writing:
            self._begin()
        return self._connection.begin_nested()

    def _begin(self) -> None:
        connection = self._connection
        if connection.in_transaction():
            connection.commit()  # only SQLAlchemy's bookkeeping: nothing was begun in the database
        connection.execution_options(isolation_level=self._isolation)
        self._writing = True

    def commit(self) -> None:
        """Commit what was written; the next statements read without a transaction again."""
        if self._writing:
            self._connection.commit()
            self._reading()

    def rollback(self) -> None:
        """Discard what was written; the next statements read without a transaction again."""
        if self._writing:
            self._connection.rollback()
            self._reading()

    def _reading(self) -> None:
        self._connection.execution_options(isolation_level=AUTOCOMMIT)
        self._writing = False

    def release(self) -> None:
        """Give the connection back to the pool (roll back first: :meth:`rollback`)."""
        self._connection.close()

"""The ``iclient`` command line: run the portal, migrate the database, make staff accounts, and
the chores cron may run (``serve`` does them in the background).

A plain click group, so ``iclient --help`` lists iclient's commands only. Nothing is built for
``--help``: a command builds the portal from the ``ICLIENT_*`` environment when it runs, and
runs inside the portal app's context (the sentences it prints are the portal's, in its default
language). :func:`init_app` also puts the commands on ``app.cli``, for
``app.test_cli_runner()`` and Flask's own ``flask`` command.
"""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

import click
import waitress
from flask import Flask, current_app
from flask.cli import ScriptInfo, routes_command, with_appcontext

from iclient_core.accounts.model import Role
from iclient_core.consent.use_cases import ensure_defaults
from iclient_core.documents.scrub import scrub_documents
from iclient_core.documents.sweeper import sweep_documents
from iclient_core.notifications.delivery import deliver_outbox
from iclient_core.quotes.decisions import expire_overdue_quotes
from iclient_core.shared.errors import AlreadyExists, InvalidInput
from iclient_core.staff.members import create_staff
from iclient_web import logs
from iclient_web.deps import portal
from iclient_web.messages import field_message
from iclient_web.worker import OutboxWorker


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """iclient: a customer portal for micro and small businesses."""
    if ctx.obj is None:
        ctx.obj = ScriptInfo(create_app=lambda: _build_app(ctx), set_debug_flag=False)


def _build_app(ctx: click.Context) -> Flask:
    """The portal app from the ``ICLIENT_*`` environment; its connections close with ``ctx``."""
    # The app factory registers these commands too (init_app): imported when a command runs.
    from iclient_web import create_app

    app = create_app()
    ctx.call_on_close(app.extensions["iclient"].close)
    return app


# --------------------------------------------------------------------------- the portal


def log_formatter() -> logging.Formatter:
    """The format of ``iclient serve``'s text log lines: time in UTC (ISO 8601), logger,
    message (see :mod:`iclient_web.logs`, which ``create_app`` configures).

    The security log (``iclient.security``) must say when in UTC, whatever the server's zone.
    """
    return logs.text_formatter()


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="The port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Requests served at once.")
@click.option("--demo", is_flag=True, help="Create demo accounts and print their passwords.")
@with_appcontext
def serve(host: str, port: int, threads: int, demo: bool) -> None:
    """Run the portal (waitress) with the chores in the background.

    Queued e-mail goes out every few seconds; about once an hour, due account erasures,
    overdue quotes and dead uploads are dealt with. The embedded SQLite database is migrated
    first.
    """
    built = portal()  # its app configured the log lines (iclient_web.logs)
    if built.config.database_url.startswith("sqlite") or demo:
        upgrade_database()  # the embedded default database needs no separate step
    else:
        publish_default_consent()
    if demo:
        if built.config.production:
            raise click.UsageError("--demo is refused when ICLIENT_ENV=production")
        from iclient_adapters.demo import seed

        for role, email, password in seed(built.services):
            click.secho(f"demo {role}: {email}  password: {password}", fg="green")
    worker = OutboxWorker(built)
    worker.start()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"iclient on http://{host}:{port}/  (mail: {built.config.mail_url})")
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="iclient")
    finally:
        worker.stop()


main.add_command(
    # Flask's own, with its options (--sort, --all-methods), under iclient's words.
    click.Command(
        "routes",
        callback=routes_command.callback,
        params=routes_command.params,
        help="List the portal's URLs, with their endpoints and methods.",
    )
)


# --------------------------------------------------------------------------- the database


def upgrade_database() -> None:
    """Bring the configured database to the newest schema (no-op for ``memory://``)."""
    url = portal().config.database_url
    if url.startswith("memory:"):
        return
    from iclient_adapters.sql import SqlDatabase

    database = SqlDatabase.from_url(url)
    try:
        database.upgrade()
    finally:
        database.dispose()
    publish_default_consent()


def publish_default_consent() -> None:
    """On a first install, publish the example Terms, Privacy Policy and marketing texts."""
    if ensure_defaults(services=portal().services):
        click.echo(
            "Published example Terms and Conditions and Privacy Policy (pt, en): "
            "replace them at /pt/admin/consent."
        )


@main.group("db")
def db() -> None:
    """Migrate the database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every pending migration."""
    upgrade_database()
    click.echo("Database is up to date.")


# --------------------------------------------------------------------------- accounts


@main.command("create-staff")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["admin", "staff"]),
    required=True,
    help="admin: a manager (everything); staff: a collaborator.",
)
@click.option("--first-name", default="", help="The staff member's first name.")
@click.option("--last-name", default="", help="The staff member's last name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_staff_command(
    email: str, role: str, first_name: str, last_name: str, password_stdin: bool
) -> None:
    """Create a staff account (the first admin comes from here)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        account = create_staff(
            services=portal().services,
            email=email,
            role=Role(role),
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
    except InvalidInput as error:
        for field_name, codes in error.by_field().items():
            for code in codes:
                click.echo(f"{field_name}: {field_message(code)}", err=True)
        raise SystemExit(2) from None
    except AlreadyExists:
        click.echo(f"An account with the address {email} already exists.", err=True)
        raise SystemExit(1) from None
    click.echo(f"Created {role} {account.email.address}.")


# --------------------------------------------------------------------------- chores


@main.command("deliver-mail")
@with_appcontext
def deliver_mail() -> None:
    """Deliver the e-mail waiting in the outbox, once.

    For cron; serve delivers it all along.
    """
    report = deliver_outbox(services=portal().services)
    click.echo(f"sent {report.sent}, failed {report.failed}")


@main.group("quotes")
def quotes() -> None:
    """Quote chores.

    serve does them hourly; run them from cron otherwise.
    """


@quotes.command("expire")
@with_appcontext
def expire_quotes() -> None:
    """Expire sent quotes past their validity date; tell the clients.

    Run it daily from cron, unless serve runs (it does this hourly).
    """
    count = expire_overdue_quotes(services=portal().services)
    click.echo(f"{count} quote(s) expired.")


@main.group("documents")
def documents() -> None:
    """Document chores.

    serve does them hourly; run them from cron otherwise.
    """


@documents.command("sweep")
@click.option(
    "--grace-hours",
    default=24,
    show_default=True,
    type=click.IntRange(min=1),
    help="Leave uploads younger than this alone.",
)
@with_appcontext
def sweep(grace_hours: int) -> None:
    """Remove dead uploads, orphan stored files and unfinished writes.

    Run it daily from cron, unless serve runs (it sweeps hourly).
    """
    report = sweep_documents(services=portal().services, grace=timedelta(hours=grace_hours))
    click.echo(
        f"removed {report.stale_documents} dead upload(s), {report.stale_files} dead "
        f"replacement(s), {report.orphan_objects} orphan file(s), "
        f"{report.incomplete_writes} unfinished write(s)"
    )


@documents.command("scrub")
@click.option(
    "--recheck-after-hours",
    default=20,
    show_default=True,
    type=click.IntRange(min=0),
    help="Skip files checked more recently than this (0: check every file).",
)
@with_appcontext
def scrub(recheck_after_hours: int) -> None:
    """Re-hash every stored document file and record what is missing or damaged.

    Run it daily: with downloads handed to the web server, this is what checks the files.
    Staff see the damaged ones at /<lang>/admin/documents/integrity.
    """
    report = scrub_documents(
        services=portal().services, recheck_after=timedelta(hours=recheck_after_hours)
    )
    click.echo(
        f"checked {report.checked} file(s) ({report.bytes_read} bytes), skipped "
        f"{report.skipped} checked recently, {report.damaged} missing or damaged"
    )
    if report.damaged:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    """Put iclient's commands on ``app.cli`` too (``app.test_cli_runner()``, ``flask``)."""
    for name, command in main.commands.items():
        app.cli.add_command(command, name)

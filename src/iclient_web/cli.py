"""The ``iclient`` command line: ``serve``, ``db upgrade``, ``create-staff``, ``deliver-mail``.

Thin click wrappers over the composition root and the use cases, as Flask's own ``flask``
command is (``iclient routes`` and ``iclient shell`` come from Flask).
"""

from __future__ import annotations

import logging
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from iclient_core.accounts.model import Role
from iclient_core.notifications.delivery import deliver_outbox
from iclient_core.shared.errors import AlreadyExists, InvalidInput
from iclient_core.staff.members import create_staff
from iclient_web.deps import portal


def _create_app() -> Flask:
    from iclient_web import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """iclient: a customer portal for micro and small businesses."""


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
    from iclient_core.consent.use_cases import ensure_defaults

    if ensure_defaults(services=portal().services):
        click.echo(
            "Published example Terms and Conditions and Privacy Policy (pt, en): "
            "replace them at /pt/admin/consent."
        )


@click.group("db")
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every pending migration."""
    upgrade_database()
    click.echo("Database is up to date.")


@click.command("create-staff")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "staff"]), required=True)
@click.option("--first-name", default="")
@click.option("--last-name", default="")
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
        from iclient_web.messages import field_message

        for field_name, codes in error.by_field().items():
            for code in codes:
                click.echo(f"{field_name}: {field_message(code)}", err=True)
        raise SystemExit(2) from None
    except AlreadyExists:
        click.echo(f"An account with the address {email} already exists.", err=True)
        raise SystemExit(1) from None
    click.echo(f"Created {role} {account.email.address}.")


def log_formatter() -> logging.Formatter:
    """The format of ``iclient serve``'s log lines: time in UTC (ISO 8601), logger, message.

    The security log (``iclient.security``) must say when in UTC, whatever the server's zone.
    """
    formatter = logging.Formatter("%(asctime)s %(name)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    return formatter


@click.command("deliver-mail")
@with_appcontext
def deliver_mail() -> None:
    """Deliver the e-mail waiting in the outbox once (for cron, besides ``serve``)."""
    report = deliver_outbox(services=portal().services)
    click.echo(f"sent {report.sent}, failed {report.failed}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Create demo accounts and print their passwords.")
@with_appcontext
def serve(host: str, port: int, threads: int, demo: bool) -> None:
    """Run the portal (waitress) and deliver queued e-mail in the background."""
    import waitress

    from iclient_web.worker import OutboxWorker

    built = portal()
    handler = logging.StreamHandler()
    handler.setFormatter(log_formatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
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


def init_app(app: Flask) -> None:
    """Register the commands on the app (``iclient`` and ``flask`` both see them)."""
    app.cli.add_command(db)
    app.cli.add_command(create_staff_command)
    app.cli.add_command(deliver_mail)
    app.cli.add_command(serve)

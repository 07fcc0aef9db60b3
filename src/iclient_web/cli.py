"""The ``iclient`` command line: run the portal and its background worker, migrate the
database, make staff accounts, and run one chore now (the background worker does them all).

A plain click group, so ``iclient --help`` lists iclient's commands only. Nothing is built for
``--help``: a command builds the portal from the ``ICLIENT_*`` environment when it runs, and
runs inside the portal app's context (the sentences it prints are the portal's, in its default
language). Tests run a command on an app of their own with
``app.test_cli_runner().invoke(main, args=[…])``.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo, routes_command, with_appcontext

from iclient_adapters.compose import from_config
from iclient_adapters.config import Config
from iclient_core.accounts.model import Role
from iclient_core.consent.use_cases import ensure_defaults
from iclient_core.help.faq_use_cases import ensure_default_faq
from iclient_core.inbox.forms import ensure_default_forms
from iclient_core.jobs.housekeeping import (
    BOOKING_REMINDERS,
    DAILY,
    EXPIRE_QUOTES,
    HOURLY,
    SCRUB_DOCUMENTS,
    SWEEP_DOCUMENTS,
    housekeeping,
    scrub_summary,
    sweep_summary,
)
from iclient_core.jobs.model import Job, Outcome
from iclient_core.jobs.scheduling import run_claimed
from iclient_core.notifications.delivery import deliver_outbox
from iclient_core.shared.errors import AlreadyExists, InvalidInput
from iclient_core.shared.text import counted
from iclient_core.staff.members import create_staff
from iclient_web import collector, create_app, logs, metrics
from iclient_web.deps import portal
from iclient_web.messages import field_message
from iclient_web.worker import MAIL_EVERY, BackgroundWorker, run_until_signalled, runner_name


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """iclient: a customer portal for micro and small businesses."""
    if ctx.obj is None:
        ctx.obj = ScriptInfo(create_app=lambda: _build_app(ctx), set_debug_flag=False)


def _build_app(ctx: click.Context) -> Flask:
    """The portal app from the ``ICLIENT_*`` environment; its connections close with ``ctx``."""
    app = create_app()
    ctx.call_on_close(app.extensions["iclient"].close)
    return app


# --------------------------------------------------------------------------- the portal


def log_formatter() -> logging.Formatter:
    """The format of the text log lines: time in UTC (ISO 8601), logger, message.

    The security log (``iclient.security``) must say when in UTC, whatever the server's zone.
    """
    return logs.text_formatter()


def configure_logging(config: Config | None = None) -> None:
    """Log lines to standard error as ``ICLIENT_LOG_FORMAT`` and ``ICLIENT_LOG_LEVEL`` say
    (text at INFO by default; see :mod:`iclient_web.logs`)."""
    if config is None:
        logs.configure()
    else:
        logs.configure(config.log_format, config.log_level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # import chatter


def _refuse_in_process_stores(config: Config) -> None:
    """Several processes share nothing kept in one process's memory: refuse ``memory://``."""
    database = config.database_url
    if database.startswith("memory:") or database in {"sqlite://", "sqlite:///:memory:"}:
        raise click.UsageError(
            "ICLIENT_DATABASE_URL keeps the data in one process's memory, and iclient runs "
            "several: use the default SQLite file or PostgreSQL."
        )
    if config.storage_url.startswith("memory:"):
        raise click.UsageError(
            "ICLIENT_STORAGE_URL=memory:// keeps files in one process's memory, and iclient "
            "runs several: use a folder (the default) or S3."
        )


def _links_to_the_served_address(command: Callable[..., None]) -> Callable[..., None]:
    """Without ``ICLIENT_BASE_URL``, e-mailed links point at the address being served.

    Set before the portal is built: this process's portal (``--demo``), the web workers and
    the background worker all read it from the environment they share.
    """

    @functools.wraps(command)
    def serve_at(*args: Any, **kwargs: Any) -> None:
        if not os.environ.get("ICLIENT_BASE_URL"):
            os.environ["ICLIENT_BASE_URL"] = served_base_url(kwargs["host"], kwargs["port"])
        command(*args, **kwargs)

    return serve_at


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="The port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Web worker processes  [default: CPU cores].",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(min=1),
    help="Threads per web worker; 1 gives sync workers (only behind a buffering proxy).",
)
@click.option(
    "--timeout",
    default=30,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds a web worker may stay unresponsive before it is replaced.",
)
@click.option(
    "--backlog",
    default=1024,
    show_default=True,
    type=click.IntRange(min=16),
    help="Connections that may wait for a free worker.",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1,::1",
    show_default=True,
    help="The proxies whose X-Forwarded-* headers are believed (with ICLIENT_PROXY_HOPS).",
)
@click.option("--access-log", is_flag=True, help="Log one line per request to standard output.")
@click.option(
    "--worker/--no-worker",
    "with_worker",
    default=True,
    show_default=True,
    help="Run the background worker (mail, housekeeping) beside the web workers.",
)
@click.option("--demo", is_flag=True, help="Create demo accounts and print their passwords.")
@_links_to_the_served_address
@with_appcontext
def serve(
    host: str,
    port: int,
    workers: int | None,
    threads: int,
    timeout: int,
    backlog: int,
    forwarded_allow_ips: str,
    access_log: bool,
    with_worker: bool,
    demo: bool,
) -> None:
    """Run the portal: gunicorn web workers, and the background worker beside them.

    One web worker process per CPU core by default, each built after the fork. The
    background worker (``iclient worker``) sends queued e-mail every few seconds and does
    the hourly housekeeping (due account erasures, overdue quotes, dead uploads); with
    --no-worker, run ``iclient worker`` yourself (on this host or another). The embedded
    SQLite database is migrated first.
    """
    from iclient_web.server import BackgroundProcess, PortalServer, ServerOptions, cpu_cores

    built = portal()
    config = built.config
    configure_logging(config)
    _refuse_in_process_stores(config)
    if config.database_url.startswith("sqlite") or demo:
        upgrade_database()  # the embedded default database needs no separate step
    else:
        publish_default_consent()
    if demo:
        if config.production:
            raise click.UsageError("--demo is refused when ICLIENT_ENV=production")
        from iclient_adapters.demo import seed

        for role, email, password in seed(built.services):
            click.secho(f"demo {role}: {email}  password: {password}", fg="green")
    options = ServerOptions(
        host=host,
        port=port,
        workers=workers or cpu_cores(),
        threads=threads,
        timeout=timeout,
        backlog=backlog,
        access_log=access_log,
        proxy_hops=config.proxy_hops,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    if config.ratelimit_url.startswith("memory:") and options.workers > 1:
        logging.getLogger("iclient.server").warning(
            "rate limits are counted in each web worker's memory (%d workers): set "
            "ICLIENT_RATELIMIT_URL=redis://… to count them together",
            options.workers,
        )
    if config.metrics_enabled and not os.environ.get(metrics.MULTIPROC_ENV):
        # The web and background workers' metrics add up in one folder they all share.
        os.environ[metrics.MULTIPROC_ENV] = str(config.instance_path / "metrics")
    # Nothing of this process's connections may reach the workers: each builds its own.
    built.close()
    click.echo(
        f"iclient on http://{options.bind}/  ({counted(options.workers, 'web worker')}"
        f"{', background worker' if with_worker else ''}; mail: {config.mail_url})"
    )
    server = PortalServer(
        options,
        _portal_app,
        background=BackgroundProcess.iclient_worker() if with_worker else None,
    )
    collector.settle()  # what the workers inherit stays shared (see iclient_web.collector)
    server.run()


def served_base_url(host: str, port: int) -> str:
    """The address ``iclient serve --host host --port port`` answers at, for e-mailed links.

    A wildcard address (every interface) is reached on this machine as the loopback one;
    behind a proxy or on another name, set ``ICLIENT_BASE_URL``.
    """
    name = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"  # an IPv6 address in a URL
    return f"http://{name}:{port}"


def _portal_app() -> Flask:
    """The portal app from the environment: each web worker builds its own, and warms it up
    before it accepts a connection (:mod:`iclient_web.warmup`)."""
    from iclient_web.warmup import warm_up

    app = create_app()
    seconds = warm_up(app)
    collector.settle()  # the app is built for good: requests' collections leave it alone
    logging.getLogger("iclient.server").info("web worker warmed up in %.2f s", seconds)
    return app


@main.command("worker")
@click.option(
    "--mail-every",
    default=MAIL_EVERY,
    show_default=True,
    type=click.FloatRange(min=0.05),
    help="Seconds between looks at the outbox.",
)
@click.option(
    "--housekeeping-every",
    default=3600.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between two runs of each housekeeping job (across every worker).",
)
@click.option("--once", is_flag=True, help="Do one round (mail, due jobs) and exit; for cron.")
@click.option("--parent", type=int, default=None, hidden=True)
def worker(mail_every: float, housekeeping_every: float, once: bool, parent: int | None) -> None:
    """Run the background work: queued e-mail and SMS, and the housekeeping.

    Sends the outbox every few seconds; each housekeeping job (due account erasures,
    overdue quotes, the document sweep) runs once an hour (the file check and the reminder
    of quotes about to expire once a day), on whichever worker gets to it first. Run one
    beside the web workers (iclient serve does) or several, on several hosts: each message
    and each job is done once. SIGTERM or SIGINT stops it after the work in hand.
    """
    config = Config.from_env()
    configure_logging(config)
    _refuse_in_process_stores(config)
    if config.database_url.startswith("sqlite"):
        from iclient_adapters.sql import SqlDatabase

        database = SqlDatabase.from_url(config.database_url)  # as serve: no separate step
        try:
            database.upgrade()
        finally:
            database.dispose()
    with from_config(config) as built:
        background = BackgroundWorker(
            built,
            jobs=housekeeping(every=timedelta(seconds=housekeeping_every)),
            mail_every=mail_every,
            parent=parent,
        )
        if once:
            runs = background.run_once()
            for run in runs:
                click.echo(f"{run.job}: {run.outcome.value}, {run.detail}")
            raise SystemExit(1 if background.failures else 0)
        run_until_signalled(background)


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
    """On a first install, publish the example Terms, Privacy Policy and marketing texts,
    write the starting FAQ, and make the contact and demo request forms."""
    try:
        published = ensure_defaults(services=portal().services)
    except AlreadyExists:  # another process (another host) published them at the same moment
        published = False
    if published:
        click.echo(
            "Published example Terms and Conditions and Privacy Policy (pt, en): "
            "replace them at /pt/admin/consent."
        )
    try:
        faq_written = ensure_default_faq(services=portal().services)
    except AlreadyExists:  # written by another process at the same moment
        faq_written = False
    if faq_written:
        click.echo("Wrote a starting FAQ (pt, en): edit it at /pt/admin/faq.")
    try:
        made = ensure_default_forms(services=portal().services)
    except AlreadyExists:  # another process made them at the same moment
        made = 0
    if made:
        click.echo("Made the contact and demo request forms: edit them at /pt/admin/forms.")


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
    """Deliver the e-mail and SMS waiting in the outbox, once.

    For cron; serve delivers it all along.
    """
    report = deliver_outbox(services=portal().services)
    click.echo(f"sent {report.sent}, failed {report.failed}")


def run_now(job: Job) -> str:
    """Run ``job`` now, unless a worker is running it; it counts as the job's latest run.

    Returns:
        The job's summary.

    Raises:
        SystemExit: the job is running elsewhere (1), or it failed (1).
    """
    built = portal()
    claim = built.jobs.claim(
        job.name, now=built.services.clock.now(), every=timedelta(0), runner=runner_name()
    )
    if claim is None:
        click.echo(f"{job.name} is running in a worker right now; try again later.", err=True)
        raise SystemExit(1)
    run = run_claimed(job, claim, services=built.services)
    if run.outcome is not Outcome.OK:
        click.echo(f"{job.name} failed: {run.detail}", err=True)
        raise SystemExit(1)
    return run.detail


@main.group("quotes")
def quotes() -> None:
    """Quote chores.

    The background worker does them hourly; run one now with these commands.
    """


@quotes.command("expire")
@with_appcontext
def expire_quotes() -> None:
    """Expire sent quotes past their validity date; tell the clients.

    The background worker does it hourly; this runs it now (unless a worker is running it),
    and counts as its latest run.
    """
    jobs = {job.name: job for job in housekeeping()}
    click.echo(f"{run_now(jobs[EXPIRE_QUOTES])}.")


@main.group("bookings")
def bookings() -> None:
    """Booking chores.

    The background worker does them hourly; run one now with these commands.
    """


@bookings.command("remind")
@with_appcontext
def remind_bookings() -> None:
    """E-mail the reminder of every booking that starts within a day and has none yet.

    The background worker does it hourly; this runs it now (unless a worker is running it),
    and counts as its latest run.
    """
    jobs = {job.name: job for job in housekeeping()}
    click.echo(f"{run_now(jobs[BOOKING_REMINDERS])}.")


@main.group("documents")
def documents() -> None:
    """Document chores.

    The background worker does them hourly; run one now with these commands.
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

    The background worker sweeps hourly; this sweeps now (unless a worker is sweeping), and
    counts as the latest sweep.
    """
    grace = timedelta(hours=grace_hours)
    click.echo(run_now(Job(SWEEP_DOCUMENTS, HOURLY, lambda s: sweep_summary(s, grace))))


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

    The background worker does it daily; this runs it now (unless a worker is running it).
    With downloads handed to the web server, this is what checks the files; staff see the
    damaged ones at /<lang>/admin/documents/integrity. Exits 1 when something is damaged.
    """
    recheck = timedelta(hours=recheck_after_hours)
    summary = run_now(Job(SCRUB_DOCUMENTS, DAILY, lambda s: scrub_summary(s, recheck)))
    click.echo(summary)
    if not summary.endswith(" 0 missing or damaged"):
        raise SystemExit(1)

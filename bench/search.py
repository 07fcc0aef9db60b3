"""Staff search at 100 and at 100,000 clients: the latency of the client list with ``?q=``.

``python bench/search.py [--admin-url URL] [--sizes 100 100000] [--runs 60] [--keep]``

For each size, creates a PostgreSQL database of its own (``iclient_bench_search_<size>``,
dropped at the end unless ``--keep``), migrates it to the revision before the search indexes,
fills it with ``COPY`` (Portuguese names, e-mail addresses and phones, statuses as a portal
that has run for a few years has them), then migrates it to the newest revision (the time the
index build takes is printed: that is what an upgrade of a live database costs) and runs
``VACUUM ANALYZE``.

Then runs ``find_clients``, the core's use case behind the staff client list, on the SQL
adapter, for a few typical searches (a first name, part of an e-mail address, three phone
digits, two words, a rarer surname, the list with no search, the next page of a search),
each ``--runs`` times after a warm-up, the sizes taking turns call by call, and prints the
median latency at each size and their ratio (the goal: at most 2x), followed by
``EXPLAIN (ANALYZE, BUFFERS)`` of each search's query at the largest size. ``--web`` times
the portal's page too (``GET /pt/admin/clients/?q=`` through Flask's test client).

Needs ``src`` on ``PYTHONPATH`` (or iclient installed) and a PostgreSQL server on which the
``--admin-url`` role may create databases. Prints what else loads the machine (the load
average), since the figures mean little without it.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa

DEFAULT_ADMIN_URL = os.environ.get(
    "ICLIENT_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BEFORE_SEARCH_INDEXES = "0007"

SEARCHES: dict[str, str] = {
    "first name": "joana",
    "part of an e-mail": "costa8",
    "3 phone digits": "457",
    "two words": "ana ferreira",
    "a rare surname": "sequeira",
    "no search (the list)": "",
}
NEXT_PAGE = "first name"
"""The search whose second page is timed too (following the page's "next" cursor)."""


def _words(text: str) -> list[str]:
    return text.split()


# Weights: a few names are very common, as in Portugal (Maria, Silva), most are rarer.
FIRST_NAMES = _words(
    "Maria João Ana José Francisco Manuel António Beatriz Inês Carolina Pedro Tiago Rui "
    "Catarina Sofia Mariana Leonor Matilde Miguel Duarte Rodrigo Afonso Tomás Gonçalo Diogo "
    "Marta Rita Joana Filipa Patrícia Sandra Paula Teresa Helena Isabel Luísa Margarida Carla "
    "Cristina Susana Fernanda Conceição Fátima Graça Luís Carlos Jorge Paulo Nuno Ricardo "
    "Bruno Hugo Sérgio Vítor André Fernando Joaquim Armando Álvaro Filipe Salvador Lara Alice"
)
LAST_NAMES = _words(
    "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Jesus Sousa Fernandes "
    "Gonçalves Gomes Lopes Marques Alves Almeida Ribeiro Pinto Carvalho Teixeira Moreira "
    "Correia Mendes Nunes Soares Vieira Monteiro Cardoso Rocha Raposo Neves Coelho Cruz Cunha "
    "Pires Ramos Reis Simões Antunes Matos Fonseca Machado Araújo Barbosa Tavares Lourenço "
    "Castro Figueiredo Azevedo Freitas Henriques Sequeira Baptista Brandão Magalhães Esteves "
    "Campos Valente Quintas Medeiros"
)
DOMAINS = _words(
    "gmail.com gmail.com gmail.com hotmail.com hotmail.com sapo.pt sapo.pt outlook.pt "
    "outlook.com iol.pt netcabo.pt clix.pt yahoo.com mail.telepac.pt"
)
PLAIN = str.maketrans("áàâãçéêíóôõúÁÀÂÃÇÉÊÍÓÔÕÚ", "aaaaceeiooouAAAACEEIOOOU")
COLUMNS = _words(
    "id role status email email_key first_name last_name phone language password_hash "
    "security_stamp created_at activated_at last_sign_in_at deletion_requested_at deleted_at "
    "version"
)
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2hzYWx0YmVuY2g$" + "A" * 43


def weighted(names: list[str], rng: random.Random) -> Callable[[], str]:
    """Draw names with Zipf-like weights (the first of the list the most common)."""
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(names))]
    cumulative = list(itertools.accumulate(weights))
    return lambda: rng.choices(names, cum_weights=cumulative)[0]


def clients(count: int, *, seed: int = 2026) -> Iterator[tuple[Any, ...]]:
    """``count`` client rows in ``COLUMNS`` order, created over five years, oldest first."""
    rng = random.Random(seed)
    first, last = weighted(FIRST_NAMES, rng), weighted(LAST_NAMES, rng)
    start = datetime(2021, 1, 4, 9, tzinfo=UTC)
    step = timedelta(days=5 * 365) / count
    taken: set[str] = set()
    for n in range(count):
        created = start + step * n + timedelta(microseconds=rng.randrange(1_000_000))
        given = first()
        family = last() if rng.random() < 0.3 else f"{last()} {last()}"
        local = _local_part(given, family, rng)
        address = f"{local}@{rng.choice(DOMAINS)}"
        while address.casefold() in taken:
            address = f"{local}{rng.randrange(10, 10_000)}@{rng.choice(DOMAINS)}"
        taken.add(address.casefold())
        phone = _phone(rng)
        draw = rng.random()
        status = (
            "active"
            if draw < 0.86
            else "pending_activation"
            if draw < 0.95
            else "disabled"
            if draw < 0.99
            else "deleted"
        )
        ident = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        activated = created + timedelta(hours=rng.randrange(1, 72))
        asked = created + timedelta(days=rng.randrange(30, 900)) if draw > 0.985 else None
        if status == "deleted":
            address, given, family, phone = f"deleted-{ident}@erased.invalid", "", "", ""
        yield (
            ident,
            "client",
            status,
            address,
            address.casefold(),
            given,
            family,
            phone,
            "pt" if rng.random() < 0.9 else "en",
            None if status in {"pending_activation", "deleted"} else PASSWORD_HASH,
            uuid.UUID(int=rng.getrandbits(128)).hex,
            created,
            None if status == "pending_activation" else activated,
            None if status == "pending_activation" else activated + timedelta(days=3),
            asked,
            asked + timedelta(days=30) if status == "deleted" and asked else None,
            1,
        )


def _local_part(given: str, family: str, rng: random.Random) -> str:
    given_plain = given.translate(PLAIN).lower()
    surnames = family.translate(PLAIN).lower().split()
    surname = surnames[-1]
    shapes = (
        f"{given_plain}.{surname}",
        f"{given_plain}{surname}{rng.randrange(1, 100)}",
        f"{given_plain[0]}{surname}",
        f"{given_plain}_{surnames[0]}",
        f"{given_plain}.{surnames[0]}.{surname}",
        f"{surname}.{given_plain}{rng.randrange(60, 100)}",
    )
    return rng.choice(shapes)


def _phone(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.08:
        return ""  # created by staff who did not know it
    if draw < 0.85:
        return f"+3519{rng.choice('1236')}{rng.randrange(10_000_000):07d}"
    return f"+3512{rng.choice('12345')}{rng.randrange(10_000_000):07d}"


def create_database(admin_url: str, name: str) -> str:
    """Create (or re-create) database ``name``; return its URL."""
    url = sa.make_url(admin_url)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    """Drop database ``name``."""
    admin = sa.create_engine(sa.make_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fill(database: Any, count: int) -> tuple[float, float]:
    """Migrate, ``COPY`` ``count`` clients and an admin, migrate to the newest revision.

    Returns:
        The seconds the ``COPY`` took and the seconds the last migrations took.
    """
    database.upgrade(BEFORE_SEARCH_INDEXES)
    started = time.perf_counter()
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY accounts ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in clients(count):
                copy.write_row(row)
            copy.write_row(admin_row())
        raw.commit()
    finally:
        raw.close()
    copied = time.perf_counter() - started
    started = time.perf_counter()
    database.upgrade()
    migrated = time.perf_counter() - started
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))
    return copied, migrated


ADMIN_ID = "00000000-0000-4000-8000-00000000ad31"
ADMIN_EMAIL = "gestora@oficina.example"
ADMIN_PASSWORD = "violet tugboat umbrella 42 harbour"


def admin_row() -> tuple[Any, ...]:
    """The admin who searches (with a real password hash, to sign in through the portal)."""
    from iclient_adapters.passwords import PasslibHasher

    now = datetime(2021, 1, 1, tzinfo=UTC)
    password_hash = PasslibHasher().hash(ADMIN_PASSWORD)
    return (
        ADMIN_ID, "admin", "active", ADMIN_EMAIL, ADMIN_EMAIL, "Gestora", "Exemplo", "", "pt",
        password_hash, "0" * 32, now, now, now, None, None, 1,
    )  # fmt: skip


def services_on(database: Any) -> Any:
    """The core's services with persistence on ``database`` (the rest in memory)."""
    import attrs

    from iclient_adapters.compose import in_memory

    return attrs.evolve(in_memory(), uow=database.unit_of_work)


def interleaved(
    calls: dict[int, dict[str, Callable[[], object]]], runs: int
) -> dict[int, dict[str, float]]:
    """The median milliseconds of every call at every size.

    The sizes take turns call by call (after a warm-up of each), so that whatever else loads
    the machine weighs on both alike and their ratio stays meaningful.
    """
    for by_label in calls.values():
        for call in by_label.values():
            for _ in range(max(5, runs // 10)):
                call()
    samples: dict[int, dict[str, list[float]]] = {
        size: {label: [] for label in by_label} for size, by_label in calls.items()
    }
    for _ in range(runs):
        for label in next(iter(calls.values())):
            for size, by_label in calls.items():
                started = time.perf_counter_ns()
                by_label[label]()
                samples[size][label].append((time.perf_counter_ns() - started) / 1e6)
    return {
        size: {label: statistics.median(values) for label, values in by_label.items()}
        for size, by_label in samples.items()
    }


def core_calls(database: Any) -> dict[str, Callable[[], object]]:
    """Every search through ``find_clients`` on ``database`` (and the next page of one)."""
    from iclient_core.staff.clients import find_clients

    services = services_on(database)
    with services.uow() as uow:
        actor = uow.accounts.get(ADMIN_ID)
    calls: dict[str, Callable[[], object]] = {
        label: partial(find_clients, services=services, actor=actor, text=text)
        for label, text in SEARCHES.items()
    }
    first = find_clients(services=services, actor=actor, text=SEARCHES[NEXT_PAGE])
    calls[f"{NEXT_PAGE}, next page"] = partial(
        find_clients,
        services=services,
        actor=actor,
        text=SEARCHES[NEXT_PAGE],
        cursor=getattr(first, "next_cursor", None),
    )
    return calls


@contextlib.contextmanager
def web_calls(url: str) -> Iterator[dict[str, Callable[[], object]]]:
    """Every search as the staff client list page (``GET /pt/admin/clients/?q=``) through
    Flask's test client, signed in as the admin: session look-up, use case and template."""
    import tempfile
    from pathlib import Path

    from iclient_adapters import Config
    from iclient_web import create_app

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        config = Config.from_env(
            {
                "ICLIENT_DATABASE_URL": url,
                "ICLIENT_STORAGE_URL": (instance / "files").as_uri(),
                "ICLIENT_MAIL_URL": (instance / "mail").as_uri() + "?log_links=0",
                "ICLIENT_SECRET_KEY": "bench-secret-key-that-is-long-enough-for-256-bits",
            },
            instance_path=instance,
        )
        app = create_app({"WTF_CSRF_ENABLED": False}, config=config)
        try:
            client = app.test_client()
            answer = client.post(
                "/pt/auth/sign-in", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            )
            assert answer.status_code == 303, answer.status_code

            def page(text: str) -> None:
                answer = client.get("/pt/admin/clients/", query_string={"q": text})
                assert answer.status_code == 200, answer.status_code

            yield {label: partial(page, text) for label, text in SEARCHES.items()}
        finally:
            app.extensions["iclient"].close()


def explain(database: Any) -> dict[str, str]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the accounts query of every search, as run."""
    from iclient_core.staff.clients import find_clients

    services = services_on(database)
    with services.uow() as uow:
        actor = uow.accounts.get(ADMIN_ID)
    plans: dict[str, str] = {}
    for label, text in SEARCHES.items():
        seen: list[tuple[str, Any]] = []

        def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT") and "ORDER BY" in statement:
                seen.append((statement, parameters))  # noqa: B023

        sa.event.listen(database.engine, "before_cursor_execute", record)
        try:
            find_clients(services=services, actor=actor, text=text)
        finally:
            sa.event.remove(database.engine, "before_cursor_execute", record)
        lines = []
        with database.engine.connect() as connection:
            for statement, parameters in seen:
                result = connection.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                )
                lines.extend(row[0] for row in result)
        plans[label] = "\n".join(lines)
    return plans


def load() -> str:
    """The machine's load averages and CPU count, for the record."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def report(title: str, results: dict[int, dict[str, float]], small: int, large: int) -> None:
    """Print the medians at both sizes and their ratios."""
    print()
    print(title)
    print(f"{'search':<28} {'q':<14} {small:>9,} {large:>9,}   ratio")
    for label, small_ms in results[small].items():
        large_ms = results[large].get(label, float("nan"))
        text = SEARCHES.get(label.split(",")[0], "")
        print(
            f"{label:<28} {text!r:<14} {small_ms:>9.2f} {large_ms:>9.2f}"
            f"   {large_ms / small_ms:5.2f}x"
        )
    overall_small = statistics.median(results[small].values())
    overall_large = statistics.median(results[large].values())
    print(
        f"{'median of the searches':<43} {overall_small:>9.2f} {overall_large:>9.2f}"
        f"   {overall_large / overall_small:5.2f}x  (goal <= 2x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN_URL)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 100_000])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument(
        "--web", action="store_true", help="time the portal's page too (Flask test client)"
    )
    args = parser.parse_args()

    from iclient_adapters.sql import SqlDatabase

    plans: dict[str, str] = {}
    print(f"before: {load()}")
    with contextlib.ExitStack() as stack:
        core: dict[int, dict[str, Callable[[], object]]] = {}
        web: dict[int, dict[str, Callable[[], object]]] = {}
        for size in args.sizes:
            name = f"iclient_bench_search_{size}"
            url = create_database(args.admin_url, name)
            if not args.keep:
                stack.callback(drop_database, args.admin_url, name)
            database = SqlDatabase.from_url(url)
            stack.callback(database.dispose)
            copied, migrated = fill(database, size)
            print(
                f"{size:>7} clients: COPY {copied:.2f} s, "
                f"migrations after {BEFORE_SEARCH_INDEXES} {migrated:.2f} s"
            )
            core[size] = core_calls(database)
            if args.web:
                web[size] = stack.enter_context(web_calls(url))
            if size == max(args.sizes) and not args.no_explain:
                plans = explain(database)
        print(f"measuring: {load()}")
        results = interleaved(core, args.runs)
        pages = interleaved(web, args.runs) if web else {}
    print(f"after:  {load()}")

    small, large = min(args.sizes), max(args.sizes)
    report(f"find_clients, median ms of {args.runs} runs", results, small, large)
    if pages:
        report(f"GET /pt/admin/clients/?q=, median ms of {args.runs} runs", pages, small, large)
    for label, plan in plans.items():
        print(f"\n--- EXPLAIN ANALYZE at {large:,} clients: {label} ({SEARCHES[label]!r})")
        print(plan)
    small_ms = statistics.median(results[small].values())
    large_ms = statistics.median(results[large].values())
    print(
        json.dumps(
            {
                "small": small,
                "large": large,
                "small_ms": round(small_ms, 3),
                "large_ms": round(large_ms, 3),
                "ratio": round(large_ms / small_ms, 3),
            }
        )
    )


if __name__ == "__main__":
    main()

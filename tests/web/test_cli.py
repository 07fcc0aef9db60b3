"""The ``iclient`` command line on a real SQLite database in a temporary instance folder."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from iclient_web.cli import main

PASSWORD = "uma frase comprida para o administrador do portal"


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ICLIENT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ICLIENT_MAIL_URL", "memory://")
    for name in ("ICLIENT_DATABASE_URL", "ICLIENT_ENV", "ICLIENT_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_db_upgrade_creates_the_schema_from_an_empty_database(instance: Path) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(f"sqlite:///{instance / 'iclient.db'}")
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"accounts", "sign_in_sessions", "outbox", "alembic_version"} <= tables


def test_item_10_first_admin_comes_from_create_staff(instance: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    created = runner.invoke(
        main,
        ["create-staff", "Gestora@Example.pt", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert created.exit_code == 0, created.output
    assert "gestora@example.pt" in created.output.lower()
    again = runner.invoke(
        main,
        ["create-staff", "gestora@example.pt", "--role", "staff", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_create_staff_refuses_a_weak_password_with_the_reason(instance: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"])
    result = runner.invoke(
        main,
        ["create-staff", "a@example.pt", "--role", "admin", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code == 2
    assert "password" in result.output


def test_deliver_mail_reports_what_it_sent(instance: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"])
    result = runner.invoke(main, ["deliver-mail"])
    assert result.exit_code == 0, result.output
    assert "sent 0, failed 0" in result.output


# --------------------------------------------------------------------------- --help

COMMANDS = {
    "bookings",
    "create-staff",
    "db",
    "deliver-mail",
    "documents",
    "quotes",
    "routes",
    "serve",
    "worker",
}


def _listed(help_text: str) -> dict[str, str]:
    """The commands a ``--help`` page lists, with their help lines."""
    listing = help_text.split("Commands:", 1)[1]
    return {
        name: rest.strip()
        for name, _, rest in (line.strip().partition(" ") for line in listing.splitlines())
        if name
    }


def _every_command(
    command: click.Command, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _every_command(sub, (*path, name))
    return found


def test_help_lists_iclients_commands_and_nothing_of_flask(instance: Path) -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    listed = _listed(result.output)
    assert set(listed) == COMMANDS
    assert all(listed.values()), listed  # every command says what it does
    options = result.output.split("Options:", 1)[1].split("Commands:", 1)[0]
    assert options.split() == ["--help", "Show", "this", "message", "and", "exit."]
    for flask_only in ("--env-file", "--app", "-A,", "--debug", "--version"):
        assert flask_only not in result.output


def test_every_command_and_group_has_a_help_line(instance: Path) -> None:
    commands = _every_command(main)
    assert {" ".join(path) for path, _ in commands} >= {
        "db upgrade",
        "quotes expire",
        "documents sweep",
        "bookings remind",
    }
    for path, command in commands:
        assert command.get_short_help_str(limit=80).strip(), path
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        if isinstance(command, click.Group):
            assert all(_listed(result.output).values()), (path, result.output)


def test_help_builds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "instance"
    monkeypatch.setenv("ICLIENT_INSTANCE_PATH", str(folder))
    monkeypatch.setenv("ICLIENT_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    for path, _ in _every_command(main):
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
    assert not folder.exists()

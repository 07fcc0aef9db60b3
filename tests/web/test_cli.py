"""The ``iclient`` command line on a real SQLite database in a temporary instance folder."""

from __future__ import annotations

from pathlib import Path

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

"""``iclient documents sweep`` on a real SQLite database and a local storage folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from iclient_web.cli import main


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh instance folder (SQLite database, local storage)."""
    monkeypatch.setenv("ICLIENT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ICLIENT_MAIL_URL", "memory://")
    for name in (
        "ICLIENT_DATABASE_URL",
        "ICLIENT_ENV",
        "ICLIENT_SECRET_KEY",
        "ICLIENT_STORAGE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_sweep_command_removes_orphan_files(instance: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    orphan = instance / "files" / "documents" / "c1" / "d1" / "v1-0123456789abcdef"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF- nobody refers to me")
    other = instance / "files" / "quotes" / "q1"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"another area's file")

    result = runner.invoke(main, ["documents", "sweep", "--grace-hours", "1"])
    assert result.exit_code == 0, result.output
    assert "1 orphan file," in result.output
    assert not orphan.exists() and other.exists()


def test_the_sweep_command_is_listed(instance: Path) -> None:
    result = CliRunner().invoke(main, ["documents", "--help"])
    assert result.exit_code == 0
    assert "sweep" in result.output

"""The README's two commands: CI runs the test command as written, and neither needs a
``pip install`` outside the project's virtual environment (PEP 668 systems refuse it)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_readme_has_the_demo_and_the_test_command() -> None:
    commands = readme_commands()
    assert any(c.endswith("iclient serve --demo") for c in commands)
    assert any(c.endswith(".venv/bin/nox") for c in commands)


def test_ci_runs_the_readme_test_command_exactly() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    last = [line for line in script.splitlines() if line.strip()][-1].strip()
    (test_command,) = [c for c in readme_commands() if c.endswith("nox")]
    assert last == test_command


def test_every_install_goes_into_the_project_environment() -> None:
    for command in readme_commands():
        for step in command.split("&&"):
            words = step.split()
            if "install" in words:
                assert words[0] == ".venv/bin/pip", step

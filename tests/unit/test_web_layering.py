"""The web layer calls use cases: it never opens a unit of work, a database or a file itself."""

from __future__ import annotations

import ast
from pathlib import Path

import iclient_web

WEB = Path(iclient_web.__file__).parent
FORBIDDEN_IMPORTS = {"sqlalchemy", "alembic", "fsspec", "s3fs", "psycopg"}


def offences(source: str) -> list[str]:
    """What in ``source`` breaks the rule: forbidden imports and ``….uow()`` calls."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            found += [n for n in names if n.split(".")[0] in FORBIDDEN_IMPORTS]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "uow"
        ):
            found.append(f"uow() at line {node.lineno}")
    return found


def test_the_checker_catches_what_it_looks_for() -> None:
    assert offences("import sqlalchemy as sa\nwith services().uow() as uow: pass\n") == [
        "sqlalchemy",
        "uow() at line 2",
    ]


def test_no_web_module_opens_a_unit_of_work_or_imports_a_database_or_storage_library() -> None:
    bad = {
        path.name: found
        for path in sorted(WEB.rglob("*.py"))
        if (found := offences(path.read_text(encoding="utf-8")))
    }
    assert bad == {}

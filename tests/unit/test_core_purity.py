"""The dependency rule: ``iclient_core`` imports only the standard library, attrs and cattrs."""

from __future__ import annotations

import ast
import importlib.util
import json
import pkgutil
import subprocess
import sys
import textwrap

import iclient_core

ALLOWED_THIRD_PARTY = {"attrs", "cattrs", "iclient_core"}
FORBIDDEN_AT_RUNTIME = (
    "flask",
    "sqlalchemy",
    "passlib",
    "itsdangerous",
    "fsspec",
    "jinja2",
    "werkzeug",
    "iclient_adapters",
    "iclient_web",
)


def core_modules() -> list[str]:
    """Every module of ``iclient_core``, the package itself included."""
    names = [iclient_core.__name__]
    for info in pkgutil.walk_packages(iclient_core.__path__, prefix=f"{iclient_core.__name__}."):
        names.append(info.name)
    return sorted(names)


def disallowed_imports(source: str, filename: str = "<source>") -> list[str]:
    """The top-level names of every import in ``source`` that the core may not use.

    Relative imports stay inside the package and are always allowed. Imports under
    ``if TYPE_CHECKING:`` are checked too: the rule is about what the core depends on.
    """
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level > 0:
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.partition(".")[0]
            if top not in sys.stdlib_module_names and top not in ALLOWED_THIRD_PARTY:
                found.append(f"{filename}:{node.lineno}: {name}")
    return found


def test_the_walk_finds_the_core_modules() -> None:
    modules = core_modules()
    # A walk that finds nothing would make the checks below pass vacuously.
    for expected in ("accounts", "accounts.ports", "accounts.registration", "shared.errors"):
        assert f"iclient_core.{expected}" in modules
    assert len(modules) >= 10


def test_checker_catches_a_forbidden_import() -> None:
    source = textwrap.dedent(
        """
        from __future__ import annotations
        import os.path
        import attrs
        import flask
        from passlib.context import CryptContext
        from . import accounts
        from .ports import Clock
        from iclient_core.shared.errors import NotFound
        import cattrs.preconf.json
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from iclient_adapters.memory import MemoryStore
        def later():
            import sqlalchemy
        """
    )
    problems = disallowed_imports(source, "example.py")
    assert problems == [
        "example.py:5: flask",
        "example.py:6: passlib.context",
        "example.py:13: iclient_adapters.memory",
        "example.py:15: sqlalchemy",
    ]


def test_checker_accepts_a_clean_module() -> None:
    assert disallowed_imports("import attrs\nimport json\nfrom . import ports\n") == []


def test_core_imports_only_stdlib_attrs_and_cattrs() -> None:
    problems: list[str] = []
    for name in core_modules():
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, name
        with open(spec.origin, encoding="utf-8") as handle:
            problems += disallowed_imports(handle.read(), spec.origin)
    assert problems == []


def test_importing_the_core_loads_no_adapter_library() -> None:
    program = textwrap.dedent(
        f"""
        import importlib, json, sys
        for name in {core_modules()!r}:
            importlib.import_module(name)
        forbidden = {FORBIDDEN_AT_RUNTIME!r}
        loaded = sorted(
            name for name in sys.modules if name.partition(".")[0] in forbidden
        )
        print(json.dumps(loaded))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_the_subprocess_check_would_see_a_loaded_library() -> None:
    # The same probe, after importing an adapter, must report it: the check is not blind.
    program = textwrap.dedent(
        f"""
        import importlib, json, sys
        importlib.import_module("iclient_adapters.tokens")
        forbidden = {FORBIDDEN_AT_RUNTIME!r}
        print(json.dumps(sorted({{n.partition(".")[0] for n in sys.modules}} & set(forbidden))))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert {"iclient_adapters", "itsdangerous"} <= set(json.loads(result.stdout))

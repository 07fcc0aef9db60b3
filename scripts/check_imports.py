"""Two import rules that import-linter's contracts do not cover (the lint session runs this).

1. **No import cycles between modules**, annotation-only imports (``if TYPE_CHECKING:``)
   included: a cycle hidden behind ``TYPE_CHECKING`` still means two modules that cannot be
   understood, tested or moved apart. The graph is import-linter's own (grimp).
2. **No private names across modules**: a leading underscore means "this module only", so
   neither ``from x import _name`` nor ``import x`` then ``x._name`` may reach another
   module's private name. A package may import its own private submodules (``_impl.py``).

    .venv/bin/python scripts/check_imports.py          # exits 1 and lists every offence

Both rules cover ``iclient_core``, ``iclient_adapters`` and ``iclient_web``, found by walking
``src/``, so new modules are checked without listing them anywhere.
"""

from __future__ import annotations

import ast
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import grimp

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGES = ("iclient_core", "iclient_adapters", "iclient_web")
# Cycles that were there when the check came, each to be broken by the work named beside it.
# They are reported but do not fail; a new cycle, or one of these growing, does. Remove an
# entry when its cycle is gone (the check says so).
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def modules() -> dict[str, Path]:
    """Every module of the three packages by dotted name (packages as their ``__init__``)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((SRC / package).rglob("*.py")):
            parts = path.relative_to(SRC).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if all(part.isidentifier() for part in parts):  # not migrations' 0001_x.py
                found[".".join(parts)] = path
    return found


# ------------------------------------------------------------------------------ cycles


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The groups of modules that import each other, directly or through others (Tarjan)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative depth-first search: the import graph is deep enough to matter.
        work: list[tuple[str, Iterator[str]]] = []

        def enter(module: str) -> None:
            order[module] = low[module] = len(order)
            stack.append(module)
            on_stack.add(module)
            work.append((module, iter(sorted(graph.find_modules_directly_imported_by(module)))))

        enter(start)
        while work:
            module, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in order:
                    enter(target)
                elif target in on_stack:
                    low[module] = min(low[module], order[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == order[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1 or module in graph.find_modules_directly_imported_by(module):
                    groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    return sorted(groups)


def cycle_report(groups: list[list[str]], graph: grimp.ImportGraph) -> list[str]:
    """One line per import inside each cycle: ``a -> b (l.12)``."""
    lines: list[str] = []
    for group in groups:
        lines.append(f"import cycle between {len(group)} modules: {', '.join(group)}")
        members = set(group)
        for importer in group:
            for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
                details = graph.get_import_details(importer=importer, imported=imported)
                where = ", ".join(f"l.{d['line_number']}" for d in details)
                lines.append(f"    {importer} -> {imported} ({where})")
    return lines


# ------------------------------------------------------------------------- private names


def private(name: str) -> bool:
    """A name private to its module: one leading underscore, not a dunder."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a ``from … import`` names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def private_uses(module: str, path: Path, known: dict[str, Path], root: Path = SRC) -> list[str]:
    """Every reach into another module's private names from ``module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name -> the module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.partition(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom):
            source = resolve(module, is_package, node)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in known:
                    aliases[alias.asname or alias.name] = submodule
                if not private(alias.name):
                    continue
                own_package = submodule in known and (
                    module == source or module.startswith(source + ".")
                )
                if not own_package:
                    found.append(
                        f"{path.relative_to(root)}:{node.lineno}: {module} imports "
                        f"{alias.name} from {source}"
                    )
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not private(node.attr):
            continue
        chain: list[str] = []
        base: ast.expr = node.value
        while isinstance(base, ast.Attribute):
            chain.append(base.attr)
            base = base.value
        if not isinstance(base, ast.Name) or base.id not in aliases:
            continue  # an attribute of an object (self._x), not of a module
        target = ".".join([aliases[base.id], *reversed(chain)])
        if target == module:
            continue
        found.append(
            f"{path.relative_to(root)}:{node.lineno}: {module} reads {node.attr} of {target}"
        )
    return found


def self_check() -> None:
    """Both checks see what they look for, on a throwaway package (they are not blind)."""
    with tempfile.TemporaryDirectory() as folder:
        package = Path(folder, "sample")
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "a.py").write_text("from sample.b import B\n\nA = B\n")
        (package / "b.py").write_text(
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from sample.a import A\n"
            "B = 1\n_hidden = 2\n"
        )
        (package / "c.py").write_text(
            "from sample.b import _hidden\nfrom sample import b\nimport sample.b as bee\n"
            "x = b._hidden + bee._hidden + b.B\n"
        )
        sys.path.insert(0, folder)
        try:
            graph = grimp.build_graph("sample", cache_dir=None)
        finally:
            sys.path.remove(folder)
        assert cycles(graph) == [["sample.a", "sample.b"]], cycles(graph)
        known = {"sample": package / "__init__.py"}
        known |= {f"sample.{n}": package / f"{n}.py" for n in ("a", "b", "c")}
        found = private_uses("sample.c", package / "c.py", known, root=Path(folder))
        assert [line.split(": ", 1)[1] for line in found] == [
            "sample.c imports _hidden from sample.b",
            "sample.c reads _hidden of sample.b",
            "sample.c reads _hidden of sample.b",
        ], found


def main() -> int:
    self_check()
    known = modules()
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False, cache_dir=None)
    groups = cycles(graph)
    tolerated = [g for g in groups if frozenset(g) in KNOWN_CYCLES]
    problems = cycle_report([g for g in groups if g not in tolerated], graph)
    for module, path in known.items():
        problems += private_uses(module, path, known)
    for group in tolerated:
        for line in cycle_report([group], graph):
            print(f"known: {line}")
        print(f"       to go when {KNOWN_CYCLES[frozenset(group)]}")
    for gone in set(KNOWN_CYCLES) - {frozenset(g) for g in groups}:
        print(f"no longer a cycle, remove it from KNOWN_CYCLES: {', '.join(sorted(gone))}")
    for line in problems:
        print(line)
    private_count = sum(" imports _" in p or " reads _" in p for p in problems)
    print(
        f"{len(known)} modules: {len(groups) - len(tolerated)} import cycles "
        f"({len(tolerated)} known), {private_count} private names used across modules"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Pages the documentation site makes at build time (mkdocs-gen-files runs this).

- ``index.md``: the README, its ``docs/…`` links made relative to the site.
- ``reference/…``: one page per public module of the three packages, found by walking
  ``src/`` (so a new or moved module gets its page without editing anything), rendered from
  its docstrings by mkdocstrings; ``reference/SUMMARY.md`` is their navigation.
"""

from __future__ import annotations

import re
from pathlib import Path

import mkdocs_gen_files

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGES = ("iclient_core", "iclient_adapters", "iclient_web")


def home_page() -> str:
    """The README as the site's home page: ``docs/x.md`` links become ``x.md``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.sub(r"\]\(docs/", "](", readme)


def public_modules() -> list[tuple[str, ...]]:
    """The dotted parts of every public module, packages first within their folder."""
    found = []
    for package in PACKAGES:
        for path in sorted((SRC / package).rglob("*.py")):
            parts = path.relative_to(SRC).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if "migrations" in parts or any(part.startswith("_") for part in parts):
                continue  # Alembic's scripts and private modules are not API
            found.append(parts)
    return sorted(found)


def main() -> None:
    with mkdocs_gen_files.open("index.md", "w") as page:
        page.write(home_page())
    mkdocs_gen_files.set_edit_path("index.md", "../README.md")

    nav = mkdocs_gen_files.Nav()
    for parts in public_modules():
        is_package = (SRC.joinpath(*parts) / "__init__.py").exists()
        doc = Path(*parts, "index.md") if is_package else Path(*parts).with_suffix(".md")
        nav[parts] = doc.as_posix()
        with mkdocs_gen_files.open(Path("reference", doc), "w") as page:
            page.write(f"::: {'.'.join(parts)}\n")
    with mkdocs_gen_files.open("reference/SUMMARY.md", "w") as summary:
        summary.writelines(nav.build_literate_nav())


main()

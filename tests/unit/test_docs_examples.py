"""Every Python example in ``docs/`` runs as written, so none can rot.

Each page's ```` ```python ```` blocks run in order in one namespace (a later block may use
what an earlier one made), in a working folder of the test's own. A block that truly cannot
run (it needs a server, or code of the reader's own) is preceded by an HTML comment that says
why, which the rendered page does not show::

    <!-- not-run: it imports the reader's own adapter package -->

Such markers are meant to be rare, and each must give its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import attrs
import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(
    r"(?:<!--\s*not-run:(?P<reason>[^>]*?)-->[ \t]*\n(?:[ \t]*\n)*)?"
    r"^```python[ \t]*\n(?P<code>.*?)^```[ \t]*$",
    re.S | re.M,
)
# Pages whose owner has yet to mark a block that cannot run, with the reason; remove an entry
# once its page carries the marker (or its example runs).


@attrs.frozen
class Example:
    """One ```python block of a page."""

    page: str
    line: int
    code: str
    not_run: str | None  # the reason given by a not-run marker, if any


def examples(text: str, page: str) -> list[Example]:
    """The Python blocks of a page's Markdown, in order."""
    return [
        Example(
            page=page,
            line=text.count("\n", 0, match.start("code")) + 1,
            code=match["code"],
            not_run=None if match["reason"] is None else match["reason"].strip(),
        )
        for match in BLOCK.finditer(text)
    ]


def pages() -> list[str]:
    """Every Markdown page of docs/, as a path relative to it."""
    return sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))


def page_examples(page: str) -> list[Example]:
    return examples((DOCS / page).read_text(encoding="utf-8"), page)


def test_the_reader_finds_blocks_and_markers() -> None:
    text = (
        "Intro\n\n```python\nx = 1\n```\n\n<!-- not-run: needs a mail server -->\n"
        "```python\nsend()\n```\n\n```sh\nls\n```\n\n```python\nassert x == 1\n```\n"
    )
    found = examples(text, "t.md")
    assert [(e.line, e.code, e.not_run) for e in found] == [
        (4, "x = 1\n", None),
        (9, "send()\n", "needs a mail server"),
        (17, "assert x == 1\n", None),
    ]


def test_the_walk_finds_the_examples() -> None:
    # A walk that found nothing would let every page pass without running anything.
    with_examples = [page for page in pages() if page_examples(page)]
    assert {"embedding.md", "documents.md"} <= set(with_examples)


def test_every_not_run_marker_says_why() -> None:
    marked = [e for page in pages() for e in page_examples(page) if e.not_run is not None]
    assert [f"{e.page}:{e.line}" for e in marked if len(e.not_run or "") < 10] == []


@pytest.mark.parametrize("page", [p for p in pages() if page_examples(p)])
def test_the_page_examples_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs.{Path(page).stem}"}
    runnable = [e for e in page_examples(page) if e.not_run is None]
    for example in runnable:
        # Line numbers in a traceback point into the page itself.
        code = "\n" * (example.line - 1) + example.code
        exec(compile(code, f"docs/{page}", "exec"), namespace)


def wiring_lines(code: str) -> int:
    """The lines of imports and of statements that call ``in_memory``: the wiring."""
    lines: set[int] = set()
    for node in ast.parse(code).body:
        calls_in_memory = any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "in_memory"
            for n in ast.walk(node)
        )
        if isinstance(node, ast.Import | ast.ImportFrom) or calls_in_memory:
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return len(lines)


def test_the_embedding_journey_takes_at_most_ten_lines_of_wiring() -> None:
    text = (DOCS / "embedding.md").read_text(encoding="utf-8")
    journey = page_examples("embedding.md")[0]
    count = wiring_lines(journey.code)
    assert count <= 10
    # The page says how many, and that number stays true.
    assert f"{count} lines of wiring" in text

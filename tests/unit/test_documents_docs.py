"""The example in docs/documents.md runs, so it cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_documents_example_runs() -> None:
    (block,) = re.findall(r"```python\n(.*?)```", (DOCS / "documents.md").read_text(), re.S)
    exec(compile(block, "docs/documents.md", "exec"), {})

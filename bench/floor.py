"""The template floor: a bare Flask app rendering a 20-row Jinja2 table, nothing else.

No database, no session, no translations: what any Flask page costs at least. The
benchmark serves it with the same server and workers as the portal and compares.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask, render_template

ROWS = [
    {
        "id": f"0190aaaa-bbbb-7ccc-8ddd-{n:012d}",
        "title": f"Fatura 2026/{n:04d}",
        "category": "Invoice",
        "name": f"fatura-{n}.pdf",
        "size": "20 KB",
        "dated": date(2026, 1 + n % 12, 1 + n % 28).isoformat(),
        "amount": f"{100 + n},50 €",
    }
    for n in range(20)
]


def create_app() -> Flask:
    """The floor app."""
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "floor_templates"))

    @app.get("/pt/documents")
    def documents() -> str:
        return render_template("documents.html", rows=ROWS, title="Os meus documentos")

    return app

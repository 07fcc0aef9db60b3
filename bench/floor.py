"""The template floor: a bare Flask app rendering a 20-row Jinja2 table, nothing else.

No database, no session, no translations: what any Flask page costs at least. The
benchmark serves it with the same server and workers as the portal and compares.

It also signs in the way any Flask app does at least: a form POST, one argon2id verify at
the portal's parameters against a hash held in memory, a cookie and a redirect.
"""

from __future__ import annotations

import functools
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, redirect, render_template, request
from seed import PASSWORD
from werkzeug.wrappers import Response

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

    @functools.cache
    def password() -> tuple[Any, str]:  # at the first sign-in: the floor starts as bare apps do
        from iclient_adapters.passwords import PasslibHasher

        hasher = PasslibHasher()
        return hasher, hasher.hash(PASSWORD)

    @app.post("/pt/auth/sign-in")
    def sign_in() -> Response | tuple[str, int]:
        hasher, stored = password()
        if not hasher.verify(request.form.get("password", ""), stored):
            return "no", 400
        answer = redirect("/pt/", 303)
        answer.set_cookie("floor", secrets.token_urlsafe(32), httponly=True, samesite="Lax")
        return answer

    return app

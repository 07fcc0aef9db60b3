"""The template floor behind the portal's sign-in: what a signed-in page costs before its work.

The portal exactly as ``create_app()`` builds it, with two more pages that only a signed-in
client who accepted the texts reaches, through the same layers as every page (the request
id and log line, the session look-up, the consent gate, the security headers):

- ``/pt/bench/nothing`` answers one word: the least any signed-in page can cost;
- ``/pt/bench/table`` renders the floor's 20-row table (``bench/floor.py``), without the
  portal's layout, translations or data.

Side by side with the floor and the documents page, the benchmark shows what each layer
costs: the signed-in request itself, then the page's own data and template.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from flask import Flask
from floor import ROWS

from iclient_web import create_app as portal_app

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "floor_templates")),
    autoescape=True,
)


def create_app() -> Flask:
    """The portal with the two measuring pages."""
    app = portal_app()

    def nothing() -> str:
        return "ok"

    def table() -> str:
        template = TEMPLATES.get_template("documents.html")
        return template.render(rows=ROWS, title="Os meus documentos")

    app.add_url_rule("/pt/bench/nothing", "bench_nothing", nothing)
    app.add_url_rule("/pt/bench/table", "bench_table", table)
    return app

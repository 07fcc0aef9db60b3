"""Pages are compiled once per language: fixed texts are written in when a template is
compiled, exactly as the running gettext writes them, and the URLs a page builds are kept."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string, url_for

from iclient_web.templating import PageEnvironment, kept_url_for


def test_a_fixed_text_is_translated_when_the_template_is_compiled(app: Flask) -> None:
    source = "{{ _('My documents') }}"
    env = app.jinja_env
    assert isinstance(env, PageEnvironment)
    for lang, text in (("pt", "Os meus documentos"), ("en", "My documents")):
        copy = env.in_language(lang)
        compiled = copy.compile(copy.parse(source, "page.html"), "page.html", raw=True)
        assert repr(text) in compiled  # in the code, as data
        assert "gettext" not in compiled and "'_'" not in compiled
    with app.test_request_context("/pt/"):
        app.preprocess_request()
        assert render_template_string(source) == "Os meus documentos"
    with app.test_request_context("/en/"):
        app.preprocess_request()
        assert render_template_string(source) == "My documents"


@pytest.mark.parametrize(
    "source",
    [
        "{{ _('Due on %(date)s', date='<b>1</b>') }}",  # with a value: translated as it runs
        "{{ _('Download')|upper }}{{ _('Download') ~ '<i>' }}",  # safe, and escapes what joins it
        "{% set label = _('Search') %}<b>{{ label }}</b>{{ gettext('Year') }}",
        "{{ obj._('x') if obj else '' }}{{ _('100%% sure') }}",  # a method; a literal %
    ],
)
def test_a_compiled_page_says_what_the_running_gettext_would(app: Flask, source: str) -> None:
    env = app.jinja_env
    assert isinstance(env, PageEnvironment)
    for lang in ("pt", "en"):
        with app.test_request_context(f"/{lang}/"):
            app.preprocess_request()
            compiled = render_template_string(source, obj=None)
            # The shared environment translates as the page runs (the way it always did).
            running = env.from_string(source).render(obj=None)
        assert compiled == running


def test_kept_urls_are_the_ones_flask_builds(app: Flask) -> None:
    for lang in ("pt", "en"):
        for root in ("", "/portal"):
            with app.test_request_context(f"/{lang}/", base_url=f"http://localhost{root}/"):
                app.preprocess_request()
                assert url_for("documents.index").startswith(f"{root}/{lang}/")
                for endpoint, values in [
                    ("documents.index", {}),
                    ("documents.index", {}),  # the second time, from what was kept
                    ("inbox.public.show", {"slug": "contact"}),
                    ("documents.index", {"lang": "en" if lang == "pt" else "pt"}),
                    ("documents.index", {"page": 2, "_anchor": "list"}),
                    ("documents.index", {"year": ["2025", "2026"]}),
                ]:
                    assert kept_url_for(endpoint, **values) == url_for(endpoint, **values)

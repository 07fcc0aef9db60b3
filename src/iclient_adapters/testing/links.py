"""The e-mailed links contract: what every ``Links`` adapter must do.

Mix :class:`LinksContract` into a test class that provides a ``links`` fixture::

    class TestMyLinks(LinksContract):
        @pytest.fixture
        def links(self):
            return MyLinks(base_url="https://portal.example.pt")

Needs pytest.
"""

from __future__ import annotations

import threading
from urllib.parse import parse_qsl, urlsplit

import pytest

from iclient_core.shared.ports import Links

TOKEN = "eyJhIjoiMDE5MGI1YzIifQ.Zx-_y8.AbC-d_E0fG1hI2jK3"
"""Shaped like a signed token: letters, digits, ``-``, ``_`` and dots, all URL-safe."""

QUOTE_ID = "0190b5c2f3a47c1e8d2f4a6b8c0d1e2f"
LANGUAGES = ("pt", "en")


def _every_link(links: Links, language: str) -> dict[str, str]:
    """Every link the port makes, by purpose, in ``language``."""
    return {
        "activation": links.activation(language, TOKEN),
        "password_reset": links.password_reset(language, TOKEN),
        "email_change": links.email_change(language, TOKEN),
        "sign_in": links.sign_in(language),
        "forgot_password": links.forgot_password(language),
        "documents": links.documents(language),
        "sessions": links.sessions(language),
        "quote": links.quote(language, QUOTE_ID),
        "staff_quote": links.staff_quote(language, QUOTE_ID),
        "notifications": links.notifications(language),
        "unsubscribe": links.unsubscribe(language, TOKEN),
        "staff_webhook": links.staff_webhook(language, QUOTE_ID),
        "support": links.support(language, QUOTE_ID),
        "staff_support": links.staff_support(language, QUOTE_ID),
        "logo": links.logo("3f2a9c"),
    }


def _names_the_language(url: str, language: str) -> bool:
    """True when ``language`` is a path segment, a query value or the host's first label."""
    parts = urlsplit(url)
    return (
        language in parts.path.split("/")
        or language in (value for _, value in parse_qsl(parts.query))
        or (parts.hostname or "").split(".")[0] == language
    )


class LinksContract:
    """Needs ``links``: the ``Links`` under test. Checks that every purpose gives an absolute
    http(s) URL, distinct from the others, carrying its token or id, in the language asked
    for, and that links are built from configuration alone: the same in any thread, with no
    request in progress, and untouched by the Host of a request that is."""

    def test_links_are_absolute_http_urls(self, links: Links) -> None:
        for language in LANGUAGES:
            for purpose, url in _every_link(links, language).items():
                parts = urlsplit(url)
                assert parts.scheme in ("http", "https"), (purpose, url)
                assert parts.hostname, (purpose, url)
                assert url.isprintable() and " " not in url, (purpose, url)

    def test_links_each_purpose_has_its_own_address(self, links: Links) -> None:
        made = _every_link(links, "pt")
        assert len(set(made.values())) == len(made), made

    def test_links_carry_the_token_or_the_id(self, links: Links) -> None:
        for language in LANGUAGES:
            made = _every_link(links, language)
            for purpose in ("activation", "password_reset", "email_change", "unsubscribe"):
                assert TOKEN in made[purpose], made[purpose]
            for purpose in ("quote", "staff_quote", "staff_webhook", "support", "staff_support"):
                assert QUOTE_ID in made[purpose], made[purpose]
        assert "3f2a9c" in links.logo("3f2a9c")
        assert links.logo("3f2a9c") != links.logo("7d1e04")
        assert links.activation("pt", TOKEN) != links.activation("pt", TOKEN[:-1] + "4")
        assert links.unsubscribe("pt", TOKEN) != links.unsubscribe("pt", TOKEN[:-1] + "4")
        assert links.quote("pt", QUOTE_ID) != links.quote("pt", QUOTE_ID[:-1] + "0")

    def test_links_honour_the_language(self, links: Links) -> None:
        portuguese, english = _every_link(links, "pt"), _every_link(links, "en")
        for purpose in portuguese.keys() - {"logo"}:
            assert portuguese[purpose] != english[purpose], purpose
            assert _names_the_language(portuguese[purpose], "pt"), portuguese[purpose]
            assert _names_the_language(english[purpose], "en"), english[purpose]

    def test_links_are_the_same_in_any_thread_with_no_request(self, links: Links) -> None:
        here = _every_link(links, "en")
        there: list[dict[str, str]] = []
        worker = threading.Thread(target=lambda: there.append(_every_link(links, "en")))
        worker.start()
        worker.join(timeout=10)
        assert there == [here]
        assert _every_link(links, "en") == here

    def test_links_ignore_the_host_of_a_flask_request_in_progress(self, links: Links) -> None:
        """The Host header is the client's to choose: a reset link built from it could send
        the token to an attacker's site (password-reset poisoning)."""
        flask = pytest.importorskip("flask")
        expected = _every_link(links, "pt")
        app = flask.Flask(__name__)
        with app.test_request_context(
            "/pt/auth/forgot-password",
            base_url="https://evil.example",
            headers={"X-Forwarded-Host": "evil.example", "Host": "evil.example"},
        ):
            inside = _every_link(links, "pt")
        assert inside == expected
        assert not any("evil.example" in url for url in inside.values())

"""The e-mailed links contract over the bundled portal links, at a domain's root and under a
path, on https and on plain http."""

from __future__ import annotations

import pytest

from iclient_adapters.links import PortalLinks
from iclient_adapters.testing import TEST_BASE_URL
from iclient_adapters.testing.links import LinksContract


class TestPortalLinks(LinksContract):
    """LinksContract with the portal at the root of an https domain."""

    @pytest.fixture
    def links(self) -> PortalLinks:
        return PortalLinks(TEST_BASE_URL)


class TestPortalLinksUnderAPath(LinksContract):
    """LinksContract with the portal under a path, on the embedded default's plain http."""

    @pytest.fixture
    def links(self) -> PortalLinks:
        return PortalLinks("http://127.0.0.1:5000/portal/")


def test_portal_links_follow_the_portal_routes() -> None:
    links = PortalLinks("https://portal.example.pt/")
    assert links.activation("pt", "t.k-n_") == "https://portal.example.pt/pt/auth/activate/t.k-n_"
    assert links.password_reset("en", "t") == "https://portal.example.pt/en/auth/reset-password/t"
    assert links.staff_quote("pt", "q1") == "https://portal.example.pt/pt/admin/quotes/q1"
    assert links.logo("v2") == "https://portal.example.pt/logo?v=v2"

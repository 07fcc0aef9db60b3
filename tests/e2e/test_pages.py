"""Every page of the portal, for the visitor, the client and staff, in Portuguese and English,
on a phone (390 px) and a laptop (1280 px): it fits the window, logs no console error, and
axe-core finds nothing serious or critical on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import Checker, Site, Watched

pytestmark = pytest.mark.browser

# (name, who, path); ``{...}`` are filled from the seeded site's ids.
PAGES = [
    ("landing", "visitor", "/"),
    ("sign-in", "visitor", "/auth/sign-in"),
    ("sign-up", "visitor", "/auth/sign-up"),
    ("forgot-password", "visitor", "/auth/forgot-password"),
    ("resend-activation", "visitor", "/auth/resend-activation"),
    ("quote-request", "visitor", "/quote-request"),
    ("contact-form", "visitor", "/form/contact"),
    ("demo-form", "visitor", "/form/demo"),
    ("link-invalid", "visitor", "/auth/activate/not-a-token"),
    ("not-found", "visitor", "/no-such-page"),
    ("faq", "visitor", "/faq"),
    ("faq-search", "visitor", "/faq?q=password"),
    ("terms", "visitor", "/legal/terms"),
    ("privacy", "visitor", "/legal/privacy"),
    ("consent", "gated", "/consent"),
    ("dashboard", "client", "/"),
    ("documents", "client", "/documents"),
    ("quotes", "client", "/quotes"),
    ("quote-new", "client", "/quotes/new"),
    ("quote-requested", "client", "/quotes/{requested}"),
    ("quote-sent", "client", "/quotes/{sent}"),
    ("quote-accept", "client", "/quotes/{sent}/accept?version=1"),
    ("account", "client", "/account"),
    ("notifications", "client", "/account/notifications"),
    ("account-security", "client", "/account/security"),
    ("account-sessions", "client", "/account/sessions"),
    ("faq-client", "client", "/faq"),
    ("accepted-version", "client", "/legal/accepted/{accepted}"),
    ("support", "client", "/support"),
    ("support-new", "client", "/support/new"),
    ("support-request", "client", "/support/{support}"),
    ("staff-dashboard", "staff", "/admin/"),
    ("staff-account", "staff", "/account"),
    ("staff-security", "staff", "/account/security"),
    ("clients", "staff", "/admin/clients/"),
    ("client-page", "staff", "/admin/clients/{client}"),
    ("client-new", "staff", "/admin/clients/new"),
    ("client-edit", "staff", "/admin/clients/{client}/edit"),
    ("clients-import", "staff", "/admin/clients/import"),
    ("client-documents", "staff", "/admin/clients/{client}/documents"),
    ("document", "staff", "/admin/clients/{client}/documents/{document}"),
    ("documents-unopened", "staff", "/admin/documents/unopened"),
    ("documents-integrity", "staff", "/admin/documents/integrity"),
    ("staff-quotes", "staff", "/admin/quotes"),
    ("quote-editor", "staff", "/admin/quotes/{requested}"),
    ("quote-sent-staff", "staff", "/admin/quotes/{sent}"),
    ("consent-admin", "staff", "/admin/consent"),
    ("consent-version", "staff", "/admin/consent/versions/{version}"),
    ("consent-client", "staff", "/admin/consent/clients/{client}"),
    ("deletions", "staff", "/admin/deletions"),
    ("settings", "staff", "/admin/settings/"),
    ("staff", "staff", "/admin/staff/"),
    ("audit-log", "staff", "/admin/audit/"),
    ("page-help", "staff", "/admin/help/"),
    ("page-help-edit", "staff", "/admin/help/documents.index/pt"),
    ("guides", "staff", "/admin/guides/"),
    ("guide", "staff", "/admin/guides/answer-a-quote-request"),
    ("faq-admin", "staff", "/admin/faq"),
    ("faq-edit", "staff", "/admin/faq/{faq}"),
    ("inbox", "staff", "/admin/inbox"),
    ("inbox-message", "staff", "/admin/inbox/{submission}"),
    ("forms", "staff", "/admin/forms"),
    ("form-edit", "staff", "/admin/forms/{form}"),
    ("book", "visitor", "/book"),
    ("book-service", "visitor", "/book/{service}?day=2026-01-07"),
    ("booking-manage", "visitor", "/book/manage/{booking_token}"),
    ("bookings", "client", "/bookings"),
    ("book-client", "client", "/book/{service}"),
    ("staff-bookings-week", "staff", "/admin/bookings?day=2026-01-05"),
    ("staff-bookings-day", "staff", "/admin/bookings?view=day&day=2026-01-06"),
    ("staff-booking", "staff", "/admin/bookings/{booking}"),
    ("staff-book-for-client", "staff", "/admin/bookings/new"),
    ("booking-services", "staff", "/admin/bookings/services"),
    ("booking-service-edit", "staff", "/admin/bookings/services/{service}"),
    ("booking-hours", "staff", "/admin/bookings/availability/{staff}"),
    ("booking-rules", "staff", "/admin/bookings/rules"),
    ("webhooks", "staff", "/admin/webhooks"),
    ("webhook-new", "staff", "/admin/webhooks/new"),
    ("webhook-endpoint", "staff", "/admin/webhooks/{webhook}"),
    ("staff-support", "staff", "/admin/support"),
    ("staff-support-request", "staff", "/admin/support/{support}"),
    ("canned-answers", "staff", "/admin/support/canned"),
    ("api-keys", "staff", "/admin/api-keys"),
]

STATUS = {"not-found": 404, "link-invalid": 400}


def cases() -> list[Any]:
    found = []
    for name, who, path in PAGES:
        for lang in ("pt", "en"):
            for width in (390, 1280):
                found.append(
                    pytest.param(name, who, path, lang, width, id=f"{name}-{lang}-{width}")
                )
    return found


@pytest.fixture(scope="session")
def pages() -> dict[tuple[str, int], Watched]:
    """One open page per person and width, reused from test to test."""
    return {}


@pytest.mark.parametrize(("name", "who", "path", "lang", "width"), cases())
def test_every_page_fits_logs_no_error_and_passes_axe(
    name: str,
    who: str,
    path: str,
    lang: str,
    width: int,
    site: Site,
    contexts: Callable[[str, int], Any],
    pages: dict[tuple[str, int], Watched],
    check: Checker,
    request: pytest.FixtureRequest,
) -> None:
    if (who, width) not in pages:
        pages[who, width] = Watched.open(contexts(who, width))
    watched = pages[who, width]
    request.node._watched_pages = [watched]
    expected = STATUS.get(name, 200)
    watched.expect_error = expected >= 400
    answer = watched.page.goto(f"{site.url}/{lang}{path.format(**site.ids)}")
    assert answer is not None
    assert answer.status == expected, f"{path}: {answer.status}"
    assert watched.page.locator("html").get_attribute("lang") == lang
    check(watched, f"{name}-{lang}-{width}")

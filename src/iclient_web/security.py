"""Sessions, deny-by-default access, CSRF and the security headers, in one place.

- The browser's cookie (Flask's signed session) holds only a random session secret and the
  CSRF token; the session itself lives in the database, so signing out, a password change or
  reset, or disabling the account ends it for good, even for a copied cookie.
- Every route needs a signed-in, active account unless its view is marked with
  :func:`public`; staff-only blueprints add :func:`require_staff`.
- A client must have accepted the current version of every required consent text before
  any private route answers (:func:`consent_exempt` marks the few that still do).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from iclient_core.accounts.authentication import CurrentSession, current_session
from iclient_core.accounts.model import Account
from iclient_core.consent.use_cases import is_gated
from iclient_web.deps import services

csrf = CSRFProtect()

SESSION_SECRET = "sid"

API_BLUEPRINT = "api"
"""The JSON API's blueprint: requests carry a key, never a session cookie."""

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    """Mark a view as reachable without signing in (everything else is private)."""
    view.iclient_public = True  # type: ignore[attr-defined]
    return view


def consent_exempt(view: F) -> F:
    """Mark a private view as reachable before the current Terms and Privacy Policy are
    accepted (the consent page itself, signing out, privacy rights)."""
    view.iclient_consent_exempt = True  # type: ignore[attr-defined]
    return view


def is_consent_exempt(endpoint: str, app: Flask) -> bool:
    """Whether the view behind ``endpoint`` was marked :func:`consent_exempt`."""
    return bool(getattr(app.view_functions.get(endpoint), "iclient_consent_exempt", False))


def _unprintable(value: object) -> bool:
    return isinstance(value, str) and any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)


def _here() -> str | None:
    """The current path and query, to come back to after signing in or consenting (GETs)."""
    if request.method != "GET":
        return None
    target = request.full_path
    return target[:-1] if target.endswith("?") else target


def is_public(endpoint: str | None, app: Flask) -> bool:
    """Whether the view behind ``endpoint`` was marked :func:`public` (or is static)."""
    if endpoint is None or endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "iclient_public", False))


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a local path on this site, else None (no open redirects).

    Refuses ``//evil``, ``/\\evil``, ``\\\\evil``, full URLs, and anything with control
    characters or a backslash (browsers read ``\\`` as ``/``).
    """
    if not target or len(target) > 2000:
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


CONSENT_PASSED = "consent"


def gated(account: Account, revision: int) -> bool:
    """Whether the consent gate closes the portal to ``account``.

    The answer is kept in the signed browser session with the portal's revision it was
    found at: while no consent text was published (or recorded by staff) since, the gate
    stays open without reading the account's consent records again. The cookie is signed,
    so a browser cannot claim a pass it was not given.
    """
    if session.get(CONSENT_PASSED) == revision:
        return False
    closed = is_gated(services=services(), account=account)
    if closed:
        session.pop(CONSENT_PASSED, None)
    else:
        session[CONSENT_PASSED] = revision
    return closed


def request_session() -> CurrentSession | None:
    """The signed-in session of the request's cookie (looked up once per request)."""
    if "iclient_current" not in g:
        g.iclient_current = current_session(
            services=services(), session_secret=session.get(SESSION_SECRET)
        )
    found: CurrentSession | None = g.iclient_current
    return found


def may_upload(*, staff_only: bool) -> bool:
    """Whether this POST may carry files up to the upload limit: only from a signed-in
    account (a member of staff, with ``staff_only``). Nobody else may make the server spool
    a large body before the sign-in and CSRF checks.

    Looks at the session cookie only, never at the body: an anonymous request is answered
    at once with the redirect to sign in, before a byte of its body is read.

    Raises:
        werkzeug.exceptions.HTTPException: the redirect to sign in, for nobody signed in.
    """
    found = request_session()
    if found is None:
        abort(redirect(url_for("auth.sign_in"), 303))
    return not staff_only or found.account.role.is_staff


def consent_redirect() -> Response | None:
    """The way to the consent page when the consent gate closes the portal to the signed-in
    client (None for visitors, staff and clients who accepted the current texts).

    Also notes ``g.consent_pending`` for the pages: while it is pending, the menu offers no
    link that would only come back to the consent page."""
    account = g.get("account")
    g.consent_pending = (
        account is not None and not account.role.is_staff and gated(account, g.iclient_revision)
    )
    if not g.consent_pending:
        return None
    return redirect(url_for("consent.show", next=_here()), 303)


def start_session(secret: str) -> None:
    """Begin a fresh browser session for a new sign-in (nothing of the old one survives)."""
    session.clear()
    session[SESSION_SECRET] = secret


def end_session() -> None:
    """Forget the browser session."""
    session.clear()


def require_staff() -> None:
    """Abort with 404 (not 403: the staff area does not exist for clients) unless staff."""
    account = g.get("account")
    if account is None or not account.role.is_staff:
        abort(404)


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


CACHEABLE_ENDPOINTS = frozenset({"branding.logo", "branding.logo_in", "branding.theme"})
"""Public, non-personal responses browsers may keep a short while (the business's logo and
accent colour);
every other page is ``no-store``."""

CACHEABLE_CACHE_CONTROL = "public, max-age=300"


def init_app(app: Flask) -> None:
    """Install CSRF protection, the session loader, the access rule and the headers."""
    csrf.init_app(app)

    @app.before_request
    def load_session() -> Response | None:
        g.account = None
        g.session = None
        # The JSON API is its key, never the browser session: its cookie is not even read.
        browser = request.blueprint != API_BLUEPRINT
        found = request_session() if browser else None
        if found is not None:
            g.account, g.session = found.account, found.session
            g.iclient_revision = found.revision
        elif browser and SESSION_SECRET in session:
            session.pop(SESSION_SECRET)  # ended server-side: forget it here too
        if any(_unprintable(value) for value in (request.view_args or {}).values()):
            abort(404)  # no id, token or key of ours holds control characters (e.g. %00)
        if request.endpoint is None or is_public(request.endpoint, app):
            return None  # unknown URLs get the 404 page; public pages need nothing
        if g.account is None:
            return redirect(url_for("auth.sign_in", next=_here()), 303)
        gate = consent_redirect()
        if gate is None or is_consent_exempt(request.endpoint, app):
            return None
        return gate

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["ICLIENT_SECURE"]:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if request.endpoint in CACHEABLE_ENDPOINTS and response.status_code in (200, 304):
            headers["Cache-Control"] = CACHEABLE_CACHE_CONTROL
        elif request.blueprint == API_BLUEPRINT and "ETag" in headers:
            headers["Cache-Control"] = "private, no-cache"  # kept, but asked again (ETag)
        elif request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
        return response

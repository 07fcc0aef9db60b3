"""What the browser keeps between the password and the second step, and its device cookie.

- The pending sign-in (account id, when, where to go next) lives in Flask's signed session
  for ten minutes; no session opens before the second step.
- The device cookie (OWASP "device cookies") is a signed token naming the account's address
  and a random device id, set after every successful sign-in for a year: while an address is
  locked for unknown browsers, a browser holding one keeps its own budget of attempts.
"""

from __future__ import annotations

import time

from flask import current_app, redirect, request, session
from werkzeug.wrappers import Response

from iclient_core.accounts.authentication import DEVICE_MAX_AGE, SignedIn
from iclient_web.security import start_session

PENDING = "two_step_pending"
PENDING_MAX_AGE = 600
DEVICE_COOKIE = "iclient_device"


def begin(account_id: str, next_url: str | None) -> None:
    """Remember that ``account_id`` gave the right password and owes a second step."""
    session.clear()
    session[PENDING] = {"account": account_id, "at": int(time.time()), "next": next_url or ""}


def pending() -> tuple[str, str] | None:
    """The account id and next address of the sign-in waiting for its second step, or None."""
    found = session.get(PENDING)
    if not isinstance(found, dict) or not isinstance(found.get("account"), str):
        return None
    if int(time.time()) - int(found.get("at", 0)) > PENDING_MAX_AGE:
        session.pop(PENDING, None)
        return None
    return found["account"], str(found.get("next") or "")


def device_token() -> str | None:
    """The browser's device cookie, if any."""
    found = request.cookies.get(DEVICE_COOKIE)
    return found if found and len(found) <= 1000 else None


def remember_device(response: Response, token: str) -> Response:
    """Set (or renew) the browser's device cookie on ``response``."""
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=int(DEVICE_MAX_AGE.total_seconds()),
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
        path="/",
    )
    return response


def finish(signed: SignedIn, target: str) -> Response:
    """Open the browser session of a complete sign-in, renew its device cookie, and go on."""
    start_session(signed.session_secret)
    response = redirect(target, 303)
    return remember_device(response, signed.device) if signed.device else response

"""The relying party of passkeys as the browser sees it, and the challenge kept between the
two halves of a ceremony (in the signed browser session, for five minutes)."""

from __future__ import annotations

import time

from flask import request, session

from iclient_web.business import branding

CHALLENGE = "passkey_challenge"
MAX_AGE = 300


def relying_party() -> tuple[str, str]:
    """The RP id (the host, without port) and the origin of this request."""
    return (request.host.rsplit(":", 1)[0] if "]" not in request.host else request.host), (
        request.host_url.rstrip("/")
    )


def rp_name() -> str:
    """The name the browser shows for this site."""
    return branding()[0]


def keep(challenge: str, purpose: str) -> None:
    """Remember the challenge handed out for ``purpose`` (``register`` or ``sign_in``)."""
    session[CHALLENGE] = {"challenge": challenge, "purpose": purpose, "at": int(time.time())}


def take(purpose: str) -> str:
    """The challenge kept for ``purpose`` ("" when none or too old); spent once."""
    kept = session.pop(CHALLENGE, None)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose:
        return ""
    if int(time.time()) - int(kept.get("at", 0)) > MAX_AGE:
        return ""
    challenge = kept.get("challenge")
    return challenge if isinstance(challenge, str) else ""

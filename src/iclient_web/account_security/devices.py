"""What the session list says of a browser: its device and browser, read from the
User-Agent header with ``user-agents`` (the ua-parser project's data)."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _


@lru_cache(maxsize=512)
def _read(user_agent: str) -> tuple[str, str, str]:
    # Loaded by the first session list shown, not at start-up: its patterns take a while.
    from user_agents import parse

    found = parse(user_agent)
    browser = found.browser.family if found.browser.family != "Other" else ""
    system = found.os.family if found.os.family != "Other" else ""
    kind = "phone" if found.is_mobile else "tablet" if found.is_tablet else ""
    return browser, system, kind


def describe(user_agent: str) -> str:
    """``Firefox on Linux``, ``Chrome Mobile on Android (phone)``, or "Unknown browser"."""
    browser, system, kind = _read(user_agent[:300])
    if not browser and not system:
        return _("Unknown browser")
    text = (
        _("%(browser)s on %(system)s", browser=browser, system=system)
        if browser and system
        else browser or system
    )
    if kind == "phone":
        return _("%(device)s (phone)", device=text)
    if kind == "tablet":
        return _("%(device)s (tablet)", device=text)
    return text

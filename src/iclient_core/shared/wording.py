"""How the core words dates in the e-mails it queues (the web layer formats its pages with
Babel; these words are held equal to its formats by a property test)."""

from __future__ import annotations

from datetime import date

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(day: date | None, language: str) -> str:
    """A date for an e-mail: ``31/12/2026`` (pt), ``31 Dec 2026`` (en); empty for None."""
    if day is None:
        return ""
    if language == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"

"""Help: what the portal explains to its users.

- :mod:`.pages`: help on every page (the texts admins wrote in place of the shipped ones).

The public names of the package, by module:

- :mod:`.pages`: ``MAX_PAGE_HELP``, ``PageHelpRepository``, ``PageHelpText``,
  ``page_help_for_editing``, ``page_help_overrides``, ``restore_page_help``, ``save_page_help``
"""

from iclient_core.help.pages import (
    MAX_PAGE_HELP,
    PageHelpRepository,
    PageHelpText,
    page_help_for_editing,
    page_help_overrides,
    restore_page_help,
    save_page_help,
)

__all__ = [
    "MAX_PAGE_HELP",
    "PageHelpRepository",
    "PageHelpText",
    "page_help_for_editing",
    "page_help_overrides",
    "restore_page_help",
    "save_page_help",
]

"""Help: what the portal explains to its users.

- :mod:`.faq`: the ``FaqEntry`` model, its anchors and accent-insensitive search.
- :mod:`.faq_ports`: the ``FaqRepository`` port.
- :mod:`.faq_use_cases`: write, edit, order, publish, delete; the public listing; the
  starting FAQ of a new portal.
- :mod:`.faq_defaults`: that starting FAQ, in pt and en.
- :mod:`.page_ports`: the ``PageHelpText`` value and the ``PageHelpRepository`` port.
- :mod:`.pages`: help on every page (the texts admins wrote in place of the shipped ones).

The public names of the package, by module:

- :mod:`.faq`: ``FaqEntry``, ``FaqGroup``
- :mod:`.faq_ports`: ``FaqRepository``
- :mod:`.faq_use_cases`: ``FaqInput``, ``add_faq_entry``, ``delete_faq_entry``,
  ``edit_faq_entry``, ``ensure_default_faq``, ``faq_entries``, ``faq_entry``,
  ``move_faq_entry``, ``published_faq``
- :mod:`.page_ports`: ``PageHelpRepository``, ``PageHelpText``
- :mod:`.pages`: ``page_help_for_editing``, ``page_help_overrides``,
  ``restore_page_help``, ``save_page_help``, ``written_page_help``
"""

from iclient_core.help.faq import FaqEntry, FaqGroup
from iclient_core.help.faq_ports import FaqRepository
from iclient_core.help.faq_use_cases import (
    FaqInput,
    add_faq_entry,
    delete_faq_entry,
    edit_faq_entry,
    ensure_default_faq,
    faq_entries,
    faq_entry,
    move_faq_entry,
    published_faq,
)
from iclient_core.help.page_ports import PageHelpRepository, PageHelpText
from iclient_core.help.pages import (
    page_help_for_editing,
    page_help_overrides,
    restore_page_help,
    save_page_help,
    written_page_help,
)

__all__ = [
    "FaqEntry",
    "FaqGroup",
    "FaqInput",
    "FaqRepository",
    "PageHelpRepository",
    "PageHelpText",
    "add_faq_entry",
    "delete_faq_entry",
    "edit_faq_entry",
    "ensure_default_faq",
    "faq_entries",
    "faq_entry",
    "move_faq_entry",
    "page_help_for_editing",
    "page_help_overrides",
    "published_faq",
    "restore_page_help",
    "save_page_help",
    "written_page_help",
]

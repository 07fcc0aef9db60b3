"""Help: the FAQ (questions and answers staff write for clients and visitors).

- :mod:`.faq`: the ``FaqEntry`` model, its anchors and accent-insensitive search.
- :mod:`.faq_ports`: the ``FaqRepository`` port.
- :mod:`.faq_use_cases`: write, edit, order, publish, delete; the public listing; the
  starting FAQ of a new portal.
- :mod:`.faq_defaults`: that starting FAQ, in pt and en.

The public names of the package, by module:

- :mod:`.faq`: ``FaqEntry``, ``FaqGroup``
- :mod:`.faq_ports`: ``FaqRepository``
- :mod:`.faq_use_cases`: ``FaqInput``, ``add_faq_entry``, ``delete_faq_entry``,
  ``edit_faq_entry``, ``ensure_default_faq``, ``faq_entries``, ``faq_entry``,
  ``move_faq_entry``, ``published_faq``
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

__all__ = [
    "FaqEntry",
    "FaqGroup",
    "FaqInput",
    "FaqRepository",
    "add_faq_entry",
    "delete_faq_entry",
    "edit_faq_entry",
    "ensure_default_faq",
    "faq_entries",
    "faq_entry",
    "move_faq_entry",
    "published_faq",
]

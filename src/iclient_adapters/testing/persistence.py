"""Former home of the sample builders, kept for code that still imports them from here.

Import them from :mod:`iclient_adapters.testing.samples`; the suites that were here are now
one module per domain (``accounts``, ``notifications``, ``shared``, ``unit_of_work``).
"""

from iclient_adapters.testing.samples import T0, at, client, new_id, staff

__all__ = ["T0", "at", "client", "new_id", "staff"]

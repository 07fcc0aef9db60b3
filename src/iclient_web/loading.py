"""The cyclic garbage collector waits while the portal's modules load (imported first of
all by :mod:`iclient_web`, which calls :func:`loaded` once the rest is imported).

Loading the portal makes a few hundred thousand objects that live as long as the process:
modules, classes (the core's attrs classes above all), functions, forms. The automatic
collections during the loading walked them again and again and freed next to nothing: a
tenth of the start-up. So automatic collection is off while they load; then they are frozen
(:func:`gc.freeze`), so that later collections, during the requests, no longer walk them
either, and collection is on again as it was before (also when the loading fails for want of
Flask). What the loading made and left as cyclic garbage (a few dozen objects) stays.
"""

from __future__ import annotations

import gc

_collecting = gc.isenabled()
gc.disable()


def loaded() -> None:
    """The modules are loaded: freeze what they made and collect again as before."""
    gc.freeze()
    resume()


def resume() -> None:
    """Collect again as before the loading (without freezing: it failed)."""
    if _collecting:
        gc.enable()

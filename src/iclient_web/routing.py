"""URL rules whose builders are compiled at their first ``url_for``, not when they are added.

Werkzeug turns every rule into two Python functions that build its URL (one that appends
unknown arguments as a query, one that does not), by writing them as a syntax tree and
compiling it when the rule is added. With some 190 rules that was a fifth of the portal's
start-up, for builders most of which a worker never calls. :class:`LazyBuilderRule` compiles
each builder the first time it is called; the URL it builds is the same. Matching a request
is untouched: the rule's parts and the map's matcher are still made when the rule is added.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """A Werkzeug ``Rule`` that compiles each URL builder at its first call."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: Callable[..., tuple[str, str]] | None = None

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            nonlocal compiled
            if compiled is None:  # two threads may both compile: the same function, harmless
                compiled = Rule._compile_builder(rule, append_unknown)
            return compiled(rule, **values)

        return build

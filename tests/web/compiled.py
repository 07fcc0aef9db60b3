"""Template code and URL builders compiled once per worker and shared by the apps of the
web tests.

Every web test builds its own app (``create_app``), and with it a new template environment:
each test compiled again, per language, every template its pages use, the same source into
the same code. :class:`SharedTemplateCode` is a Jinja bytecode cache kept in memory for the
whole worker: an app compiles a template only if no app before it compiled that source in
that language. The key is the template's name and file, the environment's language (the
portal compiles its fixed texts into the code, see ``iclient_web.templating``) and the
checksum of the source, so a changed template is compiled again; every app built by
``create_app`` configures its environment alike (autoescape, extensions, filters are looked
up in each app's environment when the code runs). Pages are rendered as before: only the
compiling is saved.

:func:`shared_url_builders` does the same for the two small Python functions Werkzeug
compiles per URL rule to build its URLs (``url_for``), keyed by everything the generated
code is made from; the URLs are the same, each builder is compiled once per worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from types import CodeType
from typing import Any

from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.routing import Rule


class SharedTemplateCode(BytecodeCache):
    """Compiled templates by language, name, file and source checksum (in memory)."""

    def __init__(self) -> None:
        self._code: dict[tuple[str, str], CodeType] = {}

    def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> Bucket:
        language = getattr(environment, "language", None)
        key = f"{language}:{self.get_cache_key(name, filename)}"
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self._code.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self._code[bucket.key, bucket.checksum] = bucket.code


SHARED = SharedTemplateCode()


def sharing_templates(app: Flask) -> Flask:
    """``app``, its templates compiled once per worker (the language copies it makes later
    take the cache with them: ``Environment.overlay``)."""
    app.jinja_env.bytecode_cache = SHARED
    return app


# ------------------------------------------------------------------------- URL builders

BuilderKey = tuple[bool, str, tuple[tuple[bool, str], ...], tuple[str, ...], tuple[str, ...]]


def _builder_key(rule: Rule, append_unknown: bool) -> BuilderKey:
    """Everything Werkzeug's generated builder depends on: the parsed rule (its static and
    variable parts, host or subdomain included), the defaults' names, the defaults written
    into the rule (through its converters), and whether unknown values become a query."""
    defaults = rule.defaults or {}
    trace = tuple(rule._trace)
    folded = tuple(
        rule._converters[data].to_url(defaults[data])
        for dynamic, data in trace
        if dynamic and data in defaults
    )
    return append_unknown, rule.rule, trace, tuple(str(k) for k in defaults), folded


@contextmanager
def shared_url_builders() -> Iterator[None]:
    """Werkzeug compiles two Python functions for each URL rule of each app (its URL
    builders, some 380 per portal app, most of ``create_app``'s time); while this is
    active, a rule whose builder was compiled before, for an app built the same way, reuses
    that function (a plain function of the rule, bound to each rule as Werkzeug binds it).
    Only with the Werkzeug whose builder this was written against; otherwise nothing
    changes."""
    original = Rule.__dict__.get("_compile_builder")
    if version("werkzeug").split(".")[:2] != ["3", "1"] or original is None:
        yield
        return
    compiled: dict[BuilderKey, Callable[..., tuple[str, str]]] = {}

    def compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        key = _builder_key(self, append_unknown)
        found = compiled.get(key)
        if found is None:
            found = compiled[key] = original(self, append_unknown)
        return found

    Rule._compile_builder = compile_builder  # type: ignore[method-assign]
    try:
        yield
    finally:
        Rule._compile_builder = original  # type: ignore[method-assign]

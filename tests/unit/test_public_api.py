"""Each domain package exports its use cases, values and errors: an embedder imports from
``iclient_core.<domain>`` and never needs to know the module a name lives in."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

DOMAINS = [
    "accounts",
    "bookings",
    "consent",
    "documents",
    "help",
    "inbox",
    "integrations",
    "jobs",
    "notifications",
    "quotes",
    "shared",
    "staff",
    "support",
    "webhooks",
]


def use_cases(package: str) -> set[str]:
    """Every public function of the package's modules that takes ``services=`` keyword-only."""
    found = set()
    root = importlib.import_module(f"iclient_core.{package}")
    for info in pkgutil.iter_modules(root.__path__):
        module = importlib.import_module(f"iclient_core.{package}.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ != module.__name__:
                continue
            services = inspect.signature(value).parameters.get("services")
            if services is not None and services.kind is inspect.Parameter.KEYWORD_ONLY:
                found.add(name)
    return found


@pytest.mark.parametrize("package", DOMAINS)
def test_every_exported_name_resolves(package: str) -> None:
    module = importlib.import_module(f"iclient_core.{package}")
    assert module.__all__ == sorted(module.__all__)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


@pytest.mark.parametrize("package", DOMAINS)
def test_every_use_case_is_exported(package: str) -> None:
    module = importlib.import_module(f"iclient_core.{package}")
    assert use_cases(package) - set(module.__all__) == set()


def test_the_walk_finds_use_cases() -> None:
    assert {"register_client", "sign_in", "reset_password"} <= use_cases("accounts")
    assert {"accept_quote", "send_proposal"} <= use_cases("quotes")

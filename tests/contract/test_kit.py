"""The contract kit itself: every suite says which fixture it needs, no two suites define the
same name (so one class may mix any of them), mixed classes run every test of every suite, and
the example in docs/adapters.md runs as written."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest

import iclient_adapters.testing
from iclient_adapters.clock import FrozenClock, UuidIds
from iclient_adapters.contacts import StandardContactValidator
from iclient_adapters.links import PortalLinks
from iclient_adapters.strength import ZxcvbnStrength
from iclient_adapters.testing import TEST_BASE_URL, TEST_SECRET_KEY
from iclient_adapters.testing.accounts import AccountsContract, SessionsContract
from iclient_adapters.testing.backends import MemoryBackend
from iclient_adapters.testing.bookings import BookingsContract
from iclient_adapters.testing.clock import ClockContract, IdGeneratorContract
from iclient_adapters.testing.consent import ConsentContract
from iclient_adapters.testing.contacts import ContactValidatorContract
from iclient_adapters.testing.documents import DocumentsContract
from iclient_adapters.testing.faq import FaqContract
from iclient_adapters.testing.inbox import InboxContract
from iclient_adapters.testing.integrations import ApiKeysContract
from iclient_adapters.testing.links import LinksContract
from iclient_adapters.testing.notifications import OutboxContract
from iclient_adapters.testing.page_help import PageHelpContract
from iclient_adapters.testing.preferences import NotificationPreferencesContract
from iclient_adapters.testing.quotes import QuotesContract
from iclient_adapters.testing.shared import AuditLogContract, SettingsContract
from iclient_adapters.testing.strength import PasswordStrengthContract
from iclient_adapters.testing.support import SupportContract
from iclient_adapters.testing.tokens import TokenServiceContract
from iclient_adapters.testing.two_step import TwoStepContract
from iclient_adapters.testing.unit_of_work import UnitOfWorkContract
from iclient_adapters.testing.webhooks import WebhooksContract
from iclient_adapters.tokens import ItsDangerousTokens

pytest_plugins = ["pytester"]

DOCS = Path(__file__).resolve().parents[2] / "docs"
NEEDS = re.compile(r"Needs ``(\w+)``")

PERSISTENCE_SUITES: tuple[type, ...] = (
    AccountsContract,
    SessionsContract,
    TwoStepContract,
    OutboxContract,
    AuditLogContract,
    SettingsContract,
    ConsentContract,
    DocumentsContract,
    QuotesContract,
    PageHelpContract,
    FaqContract,
    InboxContract,
    NotificationPreferencesContract,
    BookingsContract,
    WebhooksContract,
    SupportContract,
    ApiKeysContract,
    UnitOfWorkContract,
)


def every_suite() -> list[type]:
    """Every ``…Contract`` class the kit's modules define, found by walking the package."""
    found = []
    package = iclient_adapters.testing
    for info in pkgutil.iter_modules(package.__path__, prefix=f"{package.__name__}."):
        module = importlib.import_module(info.name)
        found += [
            value
            for name, value in vars(module).items()
            if isinstance(value, type)
            and name.endswith("Contract")
            and value.__module__ == module.__name__
        ]
    return sorted(found, key=lambda suite: suite.__qualname__)


SUITES = every_suite()


def own_names(suite: type) -> set[str]:
    """What ``suite`` itself defines: tests, helper fixtures, helper methods, attributes."""
    return {name for name in vars(suite) if not (name.startswith("__") and name.endswith("__"))}


def subject(name: str) -> str:
    """The first word of a name, after ``test_``: ``test_accounts_x`` → ``accounts``."""
    return name.removeprefix("test_").split("_", 1)[0]


def persistence_test_count() -> int:
    """How many tests the persistence suites have (none of them is parametrized)."""
    return sum(
        1 for suite in PERSISTENCE_SUITES for name in own_names(suite) if name.startswith("test_")
    )


def fixture_needed(suite: type) -> str:
    """The fixture the suite's docstring names (``Needs ``uow_factory``. …``)."""
    found = NEEDS.match(suite.__doc__ or "")
    assert found, f"{suite.__qualname__}'s docstring must start with: Needs ``<fixture>``"
    return found.group(1)


def test_the_kit_has_a_suite_for_every_port() -> None:
    assert len(SUITES) == 32
    assert {fixture_needed(s) for s in SUITES if s not in PERSISTENCE_SUITES} == {
        "storage",
        "transport_harness",
        "mailer_harness",
        "sms_harness",
        "limiter",
        "clock",
        "ids",
        "hasher",
        "tokens",
        "strength",
        "contacts",
        "links",
        "job_ledgers",
        "session_cache",
    }


@pytest.mark.parametrize("suite", SUITES, ids=lambda suite: suite.__qualname__)
def test_every_suite_says_which_fixture_it_needs_and_leaves_it_to_the_test_class(
    suite: type,
) -> None:
    """A suite that defined its input fixture (to raise "provide one") would shadow the test
    class's when mixed in first; without it, suites and fixture classes mix in any order."""
    fixture = fixture_needed(suite)
    assert fixture not in own_names(suite)
    tests = [getattr(suite, name) for name in own_names(suite) if name.startswith("test_")]
    assert tests
    assert any(fixture in inspect.signature(test).parameters for test in tests)


def test_the_persistence_suites_are_the_ones_that_need_a_unit_of_work() -> None:
    assert {s for s in SUITES if fixture_needed(s) == "uow_factory"} == set(PERSISTENCE_SUITES)


def test_no_two_suites_define_the_same_name() -> None:
    owners: dict[str, list[str]] = defaultdict(list)
    for suite in SUITES:
        for name in own_names(suite):
            owners[name].append(suite.__qualname__)
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}


def test_every_name_of_a_suite_starts_with_its_own_subject() -> None:
    """One subject per suite, never another suite's: new names cannot collide either."""
    subjects = {}
    for suite in SUITES:
        words = {subject(name) for name in own_names(suite)}
        assert len(words) == 1, (suite.__qualname__, sorted(own_names(suite)))
        subjects[suite.__qualname__] = words.pop()
    assert len(set(subjects.values())) == len(subjects), subjects


def test_the_kit_imports_without_the_tools_only_iclients_own_tests_use() -> None:
    """An embedder installs ``iclient[testing]`` (pytest, hypothesis): importing every suite
    must not need moto, aiosmtpd, playwright, redis or cryptography (``RecordingSmtpServer``
    imports aiosmtpd when it starts)."""
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys

        TEST_ONLY = {"moto", "aiosmtpd", "playwright", "redis", "cryptography", "boto3"}

        class Refuse:
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] in TEST_ONLY:
                    raise ImportError(f"the kit imported {name}")
                return None

        sys.meta_path.insert(0, Refuse())
        import iclient_adapters.testing as kit
        for info in pkgutil.iter_modules(kit.__path__, prefix="iclient_adapters.testing."):
            importlib.import_module(info.name)
        print(sorted(m for m in sys.modules if m.partition(".")[0] in TEST_ONLY))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- mixed classes


class TestEveryPersistenceSuiteInOneClass(MemoryBackend, *PERSISTENCE_SUITES):
    """All ten persistence suites in one class, on one ``uow_factory``: the in-memory store."""


class TestSmallPortsInOneClass(
    ClockContract,
    IdGeneratorContract,
    TokenServiceContract,
    LinksContract,
    ContactValidatorContract,
    PasswordStrengthContract,
):
    """Six suites of other ports in one class, each on its own fixture."""

    @pytest.fixture
    def clock(self) -> FrozenClock:
        return FrozenClock()

    @pytest.fixture
    def ids(self) -> UuidIds:
        return UuidIds()

    @pytest.fixture
    def tokens(self) -> ItsDangerousTokens:
        return ItsDangerousTokens(TEST_SECRET_KEY)

    @pytest.fixture
    def links(self) -> PortalLinks:
        return PortalLinks(TEST_BASE_URL)

    @pytest.fixture
    def contacts(self) -> StandardContactValidator:
        return StandardContactValidator()

    @pytest.fixture
    def strength(self) -> ZxcvbnStrength:
        return ZxcvbnStrength()


@pytest.mark.parametrize(
    "mixed", [TestEveryPersistenceSuiteInOneClass, TestSmallPortsInOneClass], ids=["uow", "small"]
)
def test_a_mixed_class_has_every_test_of_every_suite_in_it(mixed: type) -> None:
    suites = [base for base in mixed.__mro__ if base in SUITES]
    tests = [{name for name in own_names(s) if name.startswith("test_")} for s in suites]
    inherited = {name for name in dir(mixed) if name.startswith("test_")}
    assert inherited == set().union(*tests)
    assert len(inherited) == sum(len(names) for names in tests)
    for suite in suites:  # and no name of a suite is shadowed by another's
        for name in own_names(suite):
            first = next(base for base in mixed.__mro__ if name in vars(base))
            assert first is suite, (name, first)


def test_a_mixed_class_runs_every_test_and_they_pass(pytester: pytest.Pytester) -> None:
    """Collected and run as pytest does it, the mixed persistence class gives as many passing
    tests as the suites run one by one."""
    imports = "\n".join(f"from {s.__module__} import {s.__qualname__}" for s in PERSISTENCE_SUITES)
    names = ", ".join(s.__qualname__ for s in PERSISTENCE_SUITES)
    alone = "\n".join(
        f"class TestAlone{s.__qualname__}(MemoryBackend, {s.__qualname__}):\n    pass\n"
        for s in PERSISTENCE_SUITES
    )
    pytester.makepyfile(
        test_mixed=(
            "from iclient_adapters.testing.backends import MemoryBackend\n"
            f"{imports}\n\n"
            f"class TestMixed(MemoryBackend, {names}):\n    pass\n\n"
            f"{alone}"
        )
    )
    options = ("-q", "-p", "no:cacheprovider", "-W", "error")
    mixed = pytester.runpytest(*options, "test_mixed.py::TestMixed").parseoutcomes()
    separately = pytester.runpytest(
        *options, *(f"test_mixed.py::TestAlone{s.__qualname__}" for s in PERSISTENCE_SUITES)
    ).parseoutcomes()
    assert mixed == separately == {"passed": persistence_test_count()}


# --------------------------------------------------------------------------- docs


def test_the_adapters_page_example_runs_as_written(pytester: pytest.Pytester) -> None:
    page = (DOCS / "adapters.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", page, re.S)
    for suite in SUITES:  # the table names every suite with its fixture
        module = suite.__module__.rsplit(".", 1)[1]
        assert f"`{module}.{suite.__qualname__}`" in page, suite
        assert f"`{fixture_needed(suite)}`" in page, suite
    for suite in PERSISTENCE_SUITES:  # and the example mixes every persistence suite
        assert suite.__qualname__ in example, suite
    pytester.makepyfile(test_my_adapters=example)
    result = pytester.runpytest("-q", "-p", "no:cacheprovider", "-W", "error")
    outcomes = result.parseoutcomes()
    assert set(outcomes) == {"passed"}, result.stdout.str()
    assert outcomes["passed"] > persistence_test_count()

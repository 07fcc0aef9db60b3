"""The browser suite's machinery: one Chromium per worker, one seeded portal served over HTTP,
signed-in contexts kept for the whole session, and the checks every page passes (no horizontal
overflow, no console error, no serious or critical axe-core finding).

axe-core comes from npm, pinned in the project's ``package.json`` and installed by ``.ci/run``;
when ``node_modules`` is missing, the first browser test installs it from the lock file
(``npm ci``). Under ``CI`` nothing here skips: a missing Chromium, Playwright or npm fails.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from werkzeug.serving import make_server

from iclient_adapters.clock import FrozenClock
from iclient_adapters.compose import Portal
from iclient_adapters.config import Config
from iclient_adapters.mail import MemoryTransport, TemplateMailer
from iclient_adapters.testing import TEST_SECRET_KEY, make_services
from iclient_core.consent.use_cases import ensure_defaults
from iclient_core.help.faq_use_cases import ensure_default_faq
from iclient_core.inbox.forms import ensure_default_forms
from iclient_core.settings import Settings
from iclient_core.shared.limits import Limit
from iclient_web import create_app
from tests.hashing import CHEAP_HASHER
from tests.web.conftest import PASSWORD, Browser, app, portal, transport  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {390: 844, 1280: 800}
CLIENT = "ana@example.pt"
GATED = "rui@example.pt"
STAFF = "gestora@example.pt"
# What axe-core judges: WCAG 2.0-2.2 A and AA and its best practices; only serious and
# critical findings fail a page (moderate and minor ones are advice).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (the browser suite never skips under CI)")
    pytest.skip(reason)


# ------------------------------------------------------------------------------ axe-core


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's script, installed from the project's lock file when it is missing."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is missing: apt-get install npm, then npm ci")
        # Both workers may find it missing: one installs while the other waits for it.
        tag = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
        lock = Path(tempfile.gettempdir()) / f"iclient-npm-{tag}.lock"
        with lock.open("w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            if not AXE.exists():
                subprocess.run(
                    [str(npm), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                    cwd=ROOT,
                    check=True,
                    timeout=300,
                )
    assert AXE.exists(), f"npm ci did not install {AXE}"
    return AXE


# ------------------------------------------------------------------------------ the browser


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the worker's whole session: Debian's, never a download."""
    if not Path(CHROMIUM).exists():
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
        raise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def new_context(chromium: Any, width: int, lang: str = "pt", **kwargs: Any) -> Any:
    """A browser context at ``width`` px (a phone at 390, a laptop at 1280)."""
    return chromium.new_context(
        viewport={"width": width, "height": WIDTHS[width]},
        locale="pt-PT" if lang == "pt" else "en-GB",
        **kwargs,
    )


# ------------------------------------------------------------------------------ the checks


@attrs.define
class Watched:
    """A page and the console errors it logged since the last check."""

    page: Any
    errors: list[str] = attrs.field(factory=list)
    expect_error: bool = False

    @classmethod
    def open(cls, context: Any) -> Watched:
        watched = cls(context.new_page())
        errors = watched.errors

        def console(message: Any) -> None:
            # The browser logs a page answered with a 4xx as a failed resource; the error
            # pages (404, an invalid link) are meant to answer so, and their tests check the
            # status itself.
            own = message.location.get("url") == watched.page.url and watched.expect_error
            if message.type == "error" and not (own and "Failed to load resource" in message.text):
                errors.append(f"console: {message.text}")

        watched.page.on("console", console)
        watched.page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        return watched


def artifact_name(text: str) -> str:
    """A file name for ``text`` (a test or page name)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:150]


def screenshot(page: Any, name: str) -> Path:
    """Keep a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{artifact_name(name)}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # a closed or crashed page: say so instead of hiding the failure
        return Path(f"(no screenshot: {error})")
    return path


def overflow(page: Any) -> int:
    """How many pixels the document is wider than the window (0 when it fits)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


@functools.cache
def _axe_source(script: Path) -> str:
    return script.read_text(encoding="utf-8")


def axe_findings(page: Any, script: Path) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Not page.add_script_tag: the portal's Content-Security-Policy (script-src 'self')
        # rightly refuses an inline script, and a context with bypass_csp would hide the CSP
        # violations the console check is there to catch. Playwright's evaluate runs outside
        # the page's policy.
        page.evaluate(_axe_source(script))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


# What axe-core no longer reports on its own: an id used twice, a label for no field.
STRUCTURE = """() => {
  const found = [], seen = new Map();
  for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  for (const [id, n] of seen) if (n > 1) found.push(`id "${id}" is used ${n} times`);
  for (const label of document.querySelectorAll('label[for]'))
    if (!document.getElementById(label.htmlFor))
      found.push(`label for "${label.htmlFor}" names no field`);
  return found;
}"""


def describe(findings: list[dict[str, Any]]) -> str:
    lines = []
    for finding in findings:
        targets = [" ".join(map(str, node["target"])) for node in finding["nodes"][:5]]
        lines.append(f"  {finding['impact']} {finding['id']}: {finding['help']} -> {targets}")
    return "\n".join(lines)


@attrs.define
class Checker:
    """Runs the three checks on a page and fails with a screenshot's path."""

    script: Path
    test_name: str

    def __call__(self, watched: Watched, name: str) -> None:
        page = watched.page
        page.wait_for_load_state("load")
        problems = []
        if watched.errors:
            problems.append("console errors:\n  " + "\n  ".join(watched.errors))
        findings = axe_findings(page, self.script)
        if findings:
            problems.append("axe-core, serious or critical:\n" + describe(findings))
        if broken := page.evaluate(STRUCTURE):
            problems.append("ids and labels:\n  " + "\n  ".join(broken))
        wider = overflow(page)
        if wider > 0:
            problems.append(f"the page is {wider} px wider than the window")
        watched.errors.clear()
        if not problems:
            return
        shot = screenshot(page, f"{self.test_name}-{name}")
        message = f"{name} ({page.url}):\n" + "\n".join(problems) + f"\nscreenshot: {shot}"
        if wider > 0 and len(problems) == 1:
            raise Overflow(message)  # the only failure a known page may expect (xfail raises=)
        pytest.fail(message)


class Overflow(AssertionError):
    """The page is wider than the window, and nothing else is wrong with it."""


@pytest.fixture
def check(axe_script: Path, request: pytest.FixtureRequest) -> Checker:
    """``check(watched, name)``: no overflow, no console error, no serious axe finding."""
    return Checker(axe_script, request.node.name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed browser test keeps a screenshot of each page it had open."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    pages: list[Watched] = getattr(item, "_watched_pages", [])
    shots = [screenshot(w.page, f"{item.name}-{i}") for i, w in enumerate(pages)]
    for shot in shots:
        report.sections.append(("screenshot", str(shot)))


@pytest.fixture
def open_page(request: pytest.FixtureRequest) -> Iterator[Callable[[Any], Watched]]:
    """Open a watched page in a context; the failure hook screenshots it, and it closes."""
    opened: list[Watched] = []
    request.node._watched_pages = opened

    def opener(context: Any) -> Watched:
        watched = Watched.open(context)
        opened.append(watched)
        return watched

    yield opener
    for watched in opened:
        watched.page.close()


# ------------------------------------------------------------------------------ the site


@attrs.frozen
class Site:
    """The seeded portal served over HTTP, with the ids the pages need."""

    url: str
    app: Any
    portal: Portal
    transport: MemoryTransport
    ids: dict[str, str]

    def new_client(self, email: str, *, consent: bool = True) -> None:
        """Another client, registered and activated through the portal's forms (and, with
        ``consent``, past the Terms and Privacy Policy)."""
        person = Browser(self.app.test_client(), self.portal, self.transport)
        person.register(email)
        person.activate(email)
        if consent:
            person.sign_in(email)

    def mail_link(self, address: str, contains: str) -> str:
        """The local path of the last e-mailed link to ``address`` that contains ``contains``."""
        from iclient_core.notifications.delivery import deliver_outbox
        from tests.web.conftest import LINK_RE

        deliver_outbox(services=self.portal.services)
        for message in reversed(self.transport.sent):
            if address in str(message["To"]):
                text = message.get_body(("plain",)).get_content()
                for link in LINK_RE.findall(text):
                    if contains in link:
                        return link.split("portal.example.test", 1)[1]
        raise AssertionError(f"no link with {contains!r} e-mailed to {address}")


def _build_portal(tmp: Path) -> tuple[Portal, MemoryTransport]:
    mailbox = MemoryTransport()
    config = Config(
        instance_path=tmp,
        database_url="memory://",
        storage_url="memory://",
        mail_url="memory://",
        mail_from="Oficina Exemplo <no-reply@portal.example.test>",
        secret_key=TEST_SECRET_KEY,
        base_url="http://portal.example.test",
        business_name="Oficina Exemplo",
    )
    # Every browser in the run comes from 127.0.0.1: the per-IP limits are raised so that the
    # suite's many sign-ups and sign-ins are not taken for an attack.
    many = Limit(10_000, timedelta(hours=1))
    settings = Settings(
        business_name="Oficina Exemplo",
        mail_domain="example.test",
        sign_up_per_ip=many,
        sign_in_per_ip=many,
        reset_per_ip=many,
    )
    services = make_services(
        clock=FrozenClock(),
        settings=settings,
        mailer=TemplateMailer(mailbox, sender=config.mail_from),
        hasher=CHEAP_HASHER,  # no browser test is about the hash's cost (tests.hashing)
    )
    ensure_defaults(services=services)
    ensure_default_faq(services=services)
    ensure_default_forms(services=services)
    return Portal(config=config, services=services), mailbox


def _seed(flask_app: Any, portal_: Portal, transport_: MemoryTransport) -> dict[str, str]:
    """A staff member, a client with documents and quotes in each state, a client who has not
    accepted the texts yet; made through the portal's own forms (Flask's test client)."""
    from iclient_core.accounts.model import email_key
    from tests.web.test_documents import upload
    from tests.web.test_quotes import ask, send

    def account_id(email: str) -> str:
        with portal_.services.uow() as uow:
            found = uow.accounts.get_by_email_key(email_key(email))
        assert found is not None
        return str(found.id)

    client = Browser(flask_app.test_client(), portal_, transport_)
    client.client_account(CLIENT)
    gated = Browser(flask_app.test_client(), portal_, transport_)
    gated.register(GATED)
    gated.activate(GATED)
    staff = Browser(flask_app.test_client(), portal_, transport_)
    staff.staff_account(STAFF, role="admin")
    ids = {"client": account_id(CLIENT), "gated": account_id(GATED)}
    added = staff.submit(
        "/pt/admin/webhooks/new",
        {"url": "https://faturacao.example.pt/hooks/portal", "events": "document.published"},
    )
    assert added.status_code == 200, added.get_data(as_text=True)
    with portal_.services.uow() as uow:
        ids["webhook"] = uow.webhooks.endpoints()[0].id

    done = upload(staff, ids["client"], (b"%PDF-1.4 fatura\n", "fatura.pdf"))
    assert done.status_code in {200, 303}, done.get_data(as_text=True)
    from iclient_core.documents.model import DocumentQuery, DocumentStatus

    with portal_.services.uow() as uow:
        query = DocumentQuery(
            client_id=ids["client"], statuses=frozenset(DocumentStatus), per_page=10
        )
        ids["document"] = str(next(iter(uow.documents.list(query).items)).id)

    ids["requested"] = ask(client, "Reparação do telhado")
    ids["sent"] = ask(client, "Pintura da fachada")
    sent = send(staff, ids["sent"])
    assert sent.status_code == 303, sent.get_data(as_text=True)  # type: ignore[attr-defined]
    with portal_.services.uow() as uow:
        version = uow.consent.versions("terms")[-1]
    ids["version"] = str(version.id)
    from tests.web.test_inbox import CONTACT

    sent_form = client.submit("/pt/form/contact", CONTACT)
    assert sent_form.status_code == 200, sent_form.get_data(as_text=True)
    with portal_.services.uow() as uow:
        ids["accepted"] = uow.consent.records_for_account(ids["client"])[0].version_id
        ids["faq"] = uow.faq.list(language="pt")[0].id
        ids["form"] = uow.inbox.forms()[0].id
        ids["submission"] = str(uow.inbox.submissions_of_account(ids["client"])[0].id)
    ids.update(_seed_bookings(portal_, client))
    from tests.web.test_support import PHOTO, open_request, request_id

    ids["support"] = request_id(open_request(client, files=[(PHOTO, "foto.jpg")]))
    page = f"/pt/admin/support/{ids['support']}"
    staff.submit(f"{page}/note", {"note": "Nota interna de teste."}, form_page=page)
    answered = staff.submit(f"{page}/reply", {"message": "Já vimos o problema."}, form_page=page)
    assert answered.status_code == 303, answered.get_data(as_text=True)
    return ids


def _seed_bookings(portal_: Portal, client: Browser) -> dict[str, str]:
    """A bookable service with a staff member's weekday hours, and the client's booking."""
    from iclient_core.accounts.model import email_key
    from iclient_core.bookings import ServiceInput, link_of, save_availability, save_service

    services = portal_.services
    with services.uow() as uow:
        manager = uow.accounts.get_by_email_key(email_key(STAFF))
    assert manager is not None
    weekly = "\n".join(f"{d} 09:00-12:00\n{d} 14:00-18:00" for d in range(1, 7))
    save_availability(
        services=services, actor=manager, staff_id=manager.id, weekly=weekly, exceptions=""
    )
    service = save_service(
        services=services,
        actor=manager,
        data=ServiceInput(
            name_pt="Consulta de diagnóstico",
            name_en="Diagnostic visit",
            description="Trinta minutos para ver o que se passa.",
            duration_minutes="30",
            price="45",
            buffer_minutes="15",
            audience="everyone",
            staff_ids=[manager.id],
        ),
    )
    done = client.submit(f"/pt/book/{service.id}", {"start": "2026-01-06T10:00:00+00:00"})
    assert done.status_code == 303, done.get_data(as_text=True)
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    with services.uow() as uow:
        [booking] = uow.bookings.bookings_between(start, end)
    return {
        "staff": manager.id,
        "service": service.id,
        "booking": booking.id,
        "booking_token": link_of(services=services, booking=booking),
    }


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The seeded portal on in-memory adapters, served on a free loopback port."""
    portal_, transport_ = _build_portal(tmp_path_factory.mktemp("site"))
    flask_app = create_app({"TESTING": True}, portal=portal_)
    ids = _seed(flask_app, portal_, transport_)
    with served(flask_app) as url:
        yield Site(url, flask_app, portal_, transport_, ids)


@contextmanager
def served(wsgi_app: Any) -> Iterator[str]:
    """``wsgi_app`` over real HTTP on a free loopback port (Werkzeug's threaded server); the URL.

    Each response is read whole and closed before the server writes it: the server skips
    closing a response when the browser drops the connection (a page closed while its
    favicon loads), and the static file left open then warns when it is collected."""

    def closed_first(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        body = wsgi_app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    server = make_server("127.0.0.1", 0, closed_first, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def sign_in(page: Any, site: Site, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person does."""
    page.goto(f"{site.url}/pt/auth/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main button[type=submit]").first.click()  # the next form: a passkey
    page.wait_for_load_state("load")
    assert "/auth/sign-in" not in page.url, f"{email} could not sign in"


@pytest.fixture(scope="session")
def contexts(chromium: Any, site: Site) -> Iterator[Callable[[str, int], Any]]:
    """``contexts(who, width)``: a context for the visitor, the client, the client who has
    not accepted the texts yet, or staff; each person signs in once, the other width reuses
    the cookies."""
    made: dict[tuple[str, int], Any] = {}
    states: dict[str, Any] = {}
    emails = {"client": CLIENT, "gated": GATED, "staff": STAFF}

    def get(who: str, width: int) -> Any:
        if (who, width) in made:
            return made[who, width]
        if who == "visitor" or who in states:
            context = new_context(chromium, width, storage_state=states.get(who))
        else:
            context = new_context(chromium, width)
            page = context.new_page()
            sign_in(page, site, emails[who])
            states[who] = context.storage_state()
            page.close()
        made[who, width] = context
        return context

    yield get
    for context in made.values():
        context.close()


@pytest.fixture(scope="session")
def csv_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A client list as a spreadsheet saves it."""
    path = tmp_path_factory.mktemp("csv") / "clientes.csv"
    rows = ["nome;apelido;email;telefone", "Marta;Sousa;marta@example.pt;913 000 111"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path

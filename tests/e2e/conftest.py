"""The browser tests use the web tests' app, portal and mailbox fixtures."""

from tests.web.conftest import app, portal, transport  # noqa: F401 - fixtures re-exported

"""Consent in the portal: the gate where clients accept the current Terms and Privacy Policy
(``consent``), and the staff's pages for texts, versions, evidence and deletion requests
(``admin_consent``)."""

from __future__ import annotations

from flask import Flask

from iclient_web.consent import client, labels, legal, staff


def init_app(app: Flask) -> None:
    """Register the consent pages, and how templates name kinds and languages."""
    app.register_blueprint(client.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(legal.bp)
    app.add_template_global(labels.kind_label)
    app.add_template_global(labels.in_language)
    app.add_template_global(labels.language_name)

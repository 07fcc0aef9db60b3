"""Documents in the portal: the client's list and downloads (``documents``), the staff's pages
for one client's documents (``admin_documents``), the documents nobody opened
(``admin_unopened``) and the stored files that failed their integrity check
(``admin_integrity``)."""

from __future__ import annotations

from flask import Flask

from iclient_web.documents import client, integrity, labels, staff, unopened


def init_app(app: Flask) -> None:
    """Register the documents pages, their labels for every template, and the staff area's
    documents section and dashboard count."""
    app.register_blueprint(client.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(unopened.bp)
    app.register_blueprint(integrity.bp)
    app.add_template_global(labels.category_label)
    app.add_template_global(labels.category_labels)
    app.add_template_global(labels.document_status_label)
    staff.plug_into_the_staff_area(app)

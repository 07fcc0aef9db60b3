"""Friendly error pages in the visitor's language: never a traceback, always a way on."""

from __future__ import annotations

import logging

from flask import Flask, after_this_request, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response

from iclient_core.shared.errors import (
    AlreadyExists,
    ConcurrentUpdate,
    DomainError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
)
from iclient_web import business, retry

logger = logging.getLogger("iclient.web")


def error_page(status: int, title: str, message: str) -> tuple[str, int]:
    """Render the shared error page (the 503 page instead, when the database went away
    while this one was being made: it names the business, read from the database)."""
    try:
        body = render_template("errors/error.html", status=status, title=title, message=message)
    except ServiceUnavailable as error:
        return answer_unavailable(error)
    return body, status


def answer_unavailable(error: ServiceUnavailable) -> tuple[str, int]:
    """The 503 page, or, for a safe request whose connection broke, an empty answer that is
    dropped because the request runs again (see :mod:`iclient_web.retry`)."""
    if error.connection_lost and retry.want_retry(request.environ):
        return "", 503
    return unavailable_page(error)


def unavailable_page(error: ServiceUnavailable) -> tuple[str, int]:
    """The 503 page, with ``Retry-After``: the database cannot be reached just now."""
    logger.warning(
        "database unavailable: %s %s answered 503: %s",
        request.method,
        request.endpoint or "-",
        error,
    )
    business.configured_branding()  # the page must not ask the database again

    @after_this_request
    def retry_after(response: Response) -> Response:
        response.headers["Retry-After"] = str(error.retry_after)
        return response

    title = _("The portal is briefly unavailable")
    message = _(
        "We cannot reach our records just now. Please try again in a few seconds. If you "
        "had sent a form, check whether it was saved before sending it again."
    )
    body = render_template("errors/error.html", status=503, title=title, message=message)
    return body, 503


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(ServiceUnavailable)
    def service_unavailable(error: ServiceUnavailable) -> tuple[str, int]:
        return answer_unavailable(error)

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str, int]:
        return error_page(
            400,
            _("This form has expired"),
            _(
                "For your security, forms stop working after a while. Go back, reload the page "
                "and try again."
            ),
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[str, int]:
        # Raised before routing (a Host outside TRUSTED_HOSTS): no URL can be built for this
        # request, so the page is one without links.
        body = render_template(
            "errors/bare.html",
            title=_("This request could not be handled"),
            message=_("Something in the request was not right. Go back and try again."),
        )
        return body, 400

    @app.errorhandler(ConcurrentUpdate)
    @app.errorhandler(AlreadyExists)
    def conflict(error: DomainError) -> tuple[str, int]:
        return error_page(
            409,
            _("Someone else changed this at the same time"),
            _("Nothing was saved. Reload the page to see the latest version and try again."),
        )

    @app.errorhandler(RateLimited)
    def rate_limited(error: RateLimited) -> tuple[str, int, dict[str, str]]:
        body, status = error_page(
            429,
            _("Too many attempts"),
            _("Please wait a few minutes before trying again."),
        )
        return body, status, {"Retry-After": str(error.retry_after)}

    @app.errorhandler(NotFound)
    @app.errorhandler(PermissionDenied)
    def domain_not_found(error: DomainError) -> tuple[str, int]:
        return not_found(None)

    @app.errorhandler(404)
    def not_found(error: object) -> tuple[str, int]:
        return error_page(
            404,
            _("Page not found"),
            _("The page you asked for does not exist or is not available to you."),
        )

    @app.errorhandler(413)
    def too_large(error: object) -> tuple[str, int]:
        return error_page(
            413, _("Too much data"), _("What you sent is larger than this portal accepts.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int, list[tuple[str, str]]]:
        status = error.code or 500
        if status >= 500:
            body, status = server_error(error)
            return body, status, []
        body, status = error_page(
            status,
            _("This request could not be handled"),
            _("Something in the request was not right. Go back and try again."),
        )
        # keep what the exception adds besides its own page (``Allow`` on a 405…)
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return body, status, headers

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        # The database went away in an error page's handler: that is the answer to give.
        cause = getattr(error, "original_exception", None)
        if isinstance(cause, ServiceUnavailable):
            return answer_unavailable(cause)
        logger.exception("unhandled error", exc_info=error)
        return error_page(
            500,
            _("Something went wrong on our side"),
            _("The problem was recorded. Please try again in a moment."),
        )

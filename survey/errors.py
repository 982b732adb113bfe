"""Error pages in the user's language: never a stack trace, and a 500 rolls back."""

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .database import get_db
from .logs import failure

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    401: (_l("Sign-in required"), _l("Please sign in to continue.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. Please check the link.")),
    405: (_l("Not supported"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("What was sent is larger than this site accepts.")),
    429: (
        _l("Too many requests"),
        _l("Too many requests in a short time. Please wait a moment and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l(
            "The server could not complete your request. Nothing you had saved was lost; please try again."
        ),
    ),
}
CSRF_MESSAGE = _l(
    "This form has expired or was not sent from this site. Please go back, reload the page and try again."
)


def _render(status: int, message=None):
    title, default_message = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": str(title), "message": str(message or default_message)}, status
    return render_template(
        "errors/error.html", status=status, title=title, message=message or default_message
    ), status


def handle_http_error(error: HTTPException):
    """Our page for every HTTP error; the description is shown only for our own 400s."""
    status = error.code or 500
    if status >= 500:
        return handle_server_error(error)
    body, status = _render(status)
    retry_after = getattr(error, "retry_after", None)  # werkzeug's 429 and 503 carry it
    return body, status, {"Retry-After": str(retry_after)} if retry_after else {}


def handle_csrf_error(_error: CSRFError):
    return _render(400, CSRF_MESSAGE)


def handle_server_error(error: Exception):
    """Roll the session back so a failed transaction cannot leak into the next request."""
    db = get_db()
    if db.session is not None:
        db.session.rollback()
    original = getattr(error, "original_exception", None) or error
    if not isinstance(original, HTTPException):
        current_app.logger.error(
            "Unhandled error in %s %s: %s", request.method, request.endpoint, failure(original)
        )
    return _render(500)


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(Exception, handle_server_error)

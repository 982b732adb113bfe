"""`GET /api/v1/surveys/SLUG/estimates`: for a signed-in manager or admin (session cookie),
or an admin-issued API token (``Authorization: Bearer …``); 401 without either, 403 for
other roles. Errors are JSON with the parameter at fault."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import TooManyRequests

from .. import throttle
from ..accounts.api_tokens import token_reader
from ..analysis.estimates import EstimatesError, estimates
from ..analysis.facts import ReportNotReady
from ..analysis.scope import ReportScope, ScopeError
from ..database import db_session
from ..models import REPORTABLE, Role
from ..stats.errors import DesignError, EstimationError
from ..stats.intervals import IntervalError
from ..surveys.listing import by_slug

bp = Blueprint("api", __name__, url_prefix="/api/v1")
READERS = {Role.MANAGER, Role.ADMIN}


def _error(status: int, message: str):
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="survey"'
    return response


def _reader():
    """(allowed, branches): who asks, from the bearer token or the session."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        session = db_session()
        presented = header[len("Bearer ") :].strip()
        token = throttle.guarded_lookup(session, "api", lambda: token_reader(session, presented))
        return (None, None) if token is None else (True, token.branches or None)
    user = g.get("user")
    if user is None:
        return None, None
    if user.role not in READERS:
        return False, None
    return True, (user.branches or None) if user.role == Role.MANAGER else None


@bp.errorhandler(TooManyRequests)
def too_many_unknown_tokens(error: TooManyRequests):
    response = _error(429, "too many unknown tokens from this address; wait and try again")
    response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.get("/surveys/<slug>/estimates")
def survey_estimates(slug):
    """Design-based estimates of one question, optionally by a segment."""
    allowed, branches = _reader()
    if allowed is None:
        return _error(401, "sign in or send an API token (Authorization: Bearer …)")
    if not allowed:
        return _error(403, "only managers and admins may read estimates")
    session = db_session()
    survey = by_slug(session, slug)
    if survey is None or survey.status not in REPORTABLE:
        return _error(404, f"no survey {slug!r} with responses to report")
    args = request.args
    if not args.get("var"):
        return _error(400, "var is required: a question id")
    level = _confidence_level(args.get("confidence_level", "0.95"))
    if level is None:
        return _error(400, "confidence_level must be a number between 0 and 1")
    try:
        scope = ReportScope.from_args(args, branches)
        chosen = scope.segments.get("branch")
        if branches and chosen and chosen not in branches:
            return _error(403, f"branch {chosen!r} is outside the branches this reader may see")
        result = estimates(
            session,
            survey,
            scope,
            args["var"],
            args.get("stat", "mean"),
            args.get("by") or None,
            level,
        )
    except (EstimatesError, ScopeError, DesignError, EstimationError, IntervalError) as error:
        return _error(400, str(error))
    except ReportNotReady as error:
        response = _error(
            503, f"the survey's completes are not all prepared for reporting yet ({error}); retry"
        )
        response.headers["Retry-After"] = "3"
        return response
    return jsonify(result)


def _confidence_level(text: str) -> float | None:
    """The confidence level asked for, or None when it is not a number in (0, 1)."""
    try:
        level = float(text)
    except ValueError:
        return None
    return level if 0 < level < 1 else None

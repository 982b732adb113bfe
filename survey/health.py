"""Liveness for load balancers and monitors: the app answers and its database works."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .database import db_session

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when a trivial query succeeds, 503 otherwise."""
    try:
        db_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")

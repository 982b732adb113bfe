"""Liveness for load balancers and monitors: the app answers, its database works, and the
task queue is reachable, with how much waits in it and for how long (alert on a stuck
worker: ``oldest_waiting_seconds`` growing)."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .database import db_session
from .logs import failure
from .tasks.jobs import waiting_summary
from .tasks.queue import huey

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when a trivial query succeeds and the queue answers, 503 otherwise."""
    session = db_session()
    try:
        session.execute(text("SELECT 1"))
        jobs = waiting_summary(session)
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    try:
        queue = {"queue": "ok", "tasks_pending": huey.pending_count(), **jobs}
    except Exception as error:  # Redis down, the queue file unreadable
        return jsonify(status="unavailable", database="ok", queue="unreachable",
                       detail=failure(error).splitlines()[0], **jobs), 503  # fmt: skip
    return jsonify(status="ok", database="ok", **queue)

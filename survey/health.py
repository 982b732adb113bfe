"""Liveness for load balancers and monitors: the app answers and its database works
(``/healthz``); the task queue answers, with how much waits in it and for how long
(``/healthz/queue``: alert when ``oldest_waiting_seconds`` keeps growing, a stuck worker)."""

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
    """200 when a trivial query succeeds, 503 otherwise."""
    try:
        db_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/healthz/queue")
def queue_health():
    """The queue's length and the jobs waiting for a worker; 503 when either cannot be read."""
    try:
        jobs = waiting_summary(db_session())
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    try:
        pending = huey.pending_count()
    except Exception as error:  # Redis down, the queue file unreadable
        detail = failure(error).splitlines()[0]
        return jsonify(status="unavailable", queue="unreachable", detail=detail, **jobs), 503
    return jsonify(status="ok", queue="ok", tasks_pending=pending, **jobs)

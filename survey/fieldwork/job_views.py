"""Background jobs for supervisors and admins: every job's kind, who started it, its state,
progress, attempts and errors; one job's page follows it until it ends."""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import func, select

from ..database import db_session
from ..models import Job, Survey, User, utcnow
from ..validators import page_number
from .routes import bp

PAGE_SIZE = 50


@bp.get("/jobs")
def jobs():
    """The newest jobs first, of every survey."""
    session = db_session()
    total = session.scalar(select(func.count()).select_from(Job))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page_number(request.args.get("page")), pages)
    rows = session.execute(
        select(Job, Survey, User)
        .outerjoin(Survey, Survey.id == Job.survey_id)
        .outerjoin(User, User.id == Job.created_by)
        .order_by(Job.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return render_template("fieldwork/jobs.html", rows=rows, page=page, pages=pages, now=utcnow())


@bp.get("/jobs/<int:job_id>")
def job(job_id: int):
    """One job: its progress (the page refreshes itself until the job ends), then its outcome."""
    session = db_session()
    item = session.get(Job, job_id) or abort(404)
    survey = session.get(Survey, item.survey_id) if item.survey_id else None
    starter = session.get(User, item.created_by) if item.created_by else None
    return render_template(
        "fieldwork/job.html", job=item, survey=survey, starter=starter, stalled=item.stalled()
    )

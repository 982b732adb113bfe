"""The managers' follow-up report: are unhappy customers called back in time, and does it
keep them?"""

from __future__ import annotations

from flask import g, render_template

from ..database import db_session
from ..followups.report import followup_report
from .routes import bp


@bp.get("/followups")
def followups():
    """On-time rate and working days to close by branch, category and month; satisfaction
    with the outcome and "would stay", with intervals; loyalty by speed of resolution."""
    return render_template(
        "reports/followups.html",
        report=followup_report(db_session(), branches=g.user.branches or None),
    )

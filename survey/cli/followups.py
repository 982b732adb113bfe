"""`survey followups list SURVEY [--json]`: the survey's follow-up cases (DESIGN.md)."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..database import db_session
from ..models import FollowupCase, utcnow
from .sample import find_survey

followups = AppGroup("followups", help="Follow-up cases opened by low scores and complaints.")


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@followups.command("list")
@click.argument("slug")
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON list (the documented contract)."
)
def list_command(slug: str, as_json: bool):
    """The survey's follow-up cases, oldest first."""
    session = db_session()
    survey = find_survey(session, slug)
    now = utcnow()
    rows = [
        {
            "id": case.id,
            "response_id": case.response_id,
            "reason": case.reason,
            "category": case.category,
            "owner": case.owner,
            "status": case.status,
            "created_at": _iso(case.created_at),
            "due_at": _iso(case.due_at),
            "closed_at": _iso(case.closed_at),
            "overdue": (case.closed_at or now) > case.due_at,
        }  # fmt: skip
        for case in session.scalars(
            select(FollowupCase)
            .where(FollowupCase.survey_id == survey.id)
            .order_by(FollowupCase.id)
        )
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"No follow-up case in {slug}.")
        return
    click.echo(f"{'id':>6} {'status':<10} {'category':<22} {'owner':<24} {'due (UTC)':<17} overdue")
    for row in rows:
        click.echo(
            f"{row['id']:>6} {row['status']:<10} {row['category']:<22} {row['owner']:<24} "
            f"{row['due_at'][:16]:<17} {'yes' if row['overdue'] else ''}"
        )

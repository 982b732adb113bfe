"""The demo shows the loop working: follow-up cases in every state on the open surveys."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from survey.database import get_db
from survey.demo import followups as demo_followups
from survey.models import FollowupCase, Survey


def test_the_demo_holds_cases_in_every_state(app, runner, db, time_machine):
    # Late in a month the calendar knows: the month's cases have had time to age.
    time_machine.move_to(datetime(2026, 11, 27, 4, 0, tzinfo=UTC))
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    rows = db.execute(
        select(FollowupCase.status, FollowupCase.level, func.count()).group_by(
            FollowupCase.status, FollowupCase.level
        )
    ).all()
    states = {(status, level) for status, level, _ in rows}
    assert {("new", 0), ("new", 1), ("closed", 0)} <= states
    assert any(level == 2 for _, level, _ in rows)
    assert db.scalar(
        select(func.count()).select_from(FollowupCase).where(FollowupCase.reopened > 0)
    )
    closed = db.scalars(select(FollowupCase).where(FollowupCase.status == "closed")).all()
    assert all(c.reply and c.reply["facts"] and c.outcome_satisfaction for c in closed)
    open_surveys = set(db.scalars(select(Survey.id).where(Survey.status == "open")))
    assert {c.survey_id for c in closed} <= open_surveys
    with app.app_context():  # a second demo's follow-up step keeps the cases as they are
        session = get_db(app).session()
        demo_followups.build(session)
        session.commit()
    db.rollback()
    assert db.scalar(select(func.count()).select_from(FollowupCase).where(
        FollowupCase.status == "closed")) == len(closed)  # fmt: skip

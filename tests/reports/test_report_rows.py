"""report_rows follows the completes: a response completed after a view is in the next one,
each once, and a partial or screened-out response never."""

from datetime import timedelta

from sqlalchemy import func, select

from survey.analysis.facts import refresh_facts
from survey.database import get_db
from survey.models import Answer, ReportFilterValue, ReportRow, Response, Survey, utcnow


def _complete_one(db, survey_id, branch, overall="3", status="complete"):
    db.rollback()  # let go of the snapshot read before the app wrote
    now = utcnow()
    response = Response(
        survey_id=survey_id,
        questionnaire_version_id=db.get(Survey, survey_id).questionnaire_version_id,
        mode="web", status=status, language="en", attributes={"branch": branch, "tier": "gold"},
        stratum=branch, started_at=now - timedelta(minutes=4),
        completed_at=now if status == "complete" else None,
    )  # fmt: skip
    db.add(response)
    db.flush()
    db.add(
        Answer(
            response_id=response.id,
            survey_id=survey_id,
            question_id="q_overall",
            code=overall,
            value_num=float(overall),
        )
    )
    db.commit()
    return response.id


def test_a_new_complete_appears_in_the_next_view_once(app, client, auth, db, reported):
    slug = reported()
    auth.login_as("manager")
    client.get(f"/reports/{slug}/")
    survey_id = db.scalar(select(Survey.id).where(Survey.slug == slug))
    before = db.scalar(select(func.count()).where(ReportRow.survey_id == survey_id))
    completes = db.scalar(
        select(func.count()).where(Response.survey_id == survey_id, Response.status == "complete")
    )
    assert before == completes
    new = _complete_one(db, survey_id, "SZ-001")
    _complete_one(db, survey_id, "SZ-001", status="partial")
    page = client.get(f"/reports/{slug}/").get_data(as_text=True)
    db.rollback()
    assert db.scalar(select(func.count()).where(ReportRow.survey_id == survey_id)) == before + 1
    row = db.get(ReportRow, new)
    assert (row.branch, row.overall, row.overall_top, row.tier) == ("SZ-001", 3.0, 1.0, "gold")
    assert f">{completes + 1}<" in page  # the complete responses tile
    with app.app_context():
        session = get_db(app).session()
        assert refresh_facts(session, session.get(Survey, survey_id)) == 0
        session.commit()
    assert db.scalar(select(func.count()).where(ReportRow.survey_id == survey_id)) == before + 1


def test_filter_values_follow_new_branches(client, auth, db, reported):
    slug = reported()
    auth.login_as("manager")
    survey_id = db.scalar(select(Survey.id).where(Survey.slug == slug))
    client.get(f"/reports/{slug}/")
    _complete_one(db, survey_id, "NEW-01")
    page = client.get(f"/reports/{slug}/").get_data(as_text=True)
    assert '<option value="NEW-01"' in page
    db.rollback()
    names = {
        v.value
        for v in db.scalars(select(ReportFilterValue).where(ReportFilterValue.name == "branch"))
    }
    assert "NEW-01" in names and "SZ-001" in names


def test_a_large_first_view_is_prepared_over_several_requests(
    client, auth, db, reported, monkeypatch
):
    """Out of time, a view asks to be reloaded (503, progress, meta refresh) and keeps what
    it copied, oldest first; the views after it finish and show the figures."""
    from survey.analysis import facts

    slug = reported()
    auth.login_as("manager")
    monkeypatch.setattr(facts, "CHUNK", 50)
    monkeypatch.setattr(facts, "BUDGET", 0.0)
    first = client.get(f"/reports/{slug}/")
    assert first.status_code == 503 and first.headers["Retry-After"] == "3"
    page = first.get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "50 of" in page
    assert client.get(f"/api/v1/surveys/{slug}/estimates?var=q_overall").status_code == 503
    db.rollback()
    survey_id = db.scalar(select(Survey.id).where(Survey.slug == slug))
    copied = db.scalars(
        select(ReportRow.completed_at)
        .where(ReportRow.survey_id == survey_id)
        .order_by(ReportRow.completed_at)
    ).all()
    oldest = db.scalars(
        select(Response.completed_at)
        .where(Response.survey_id == survey_id, Response.status == "complete")
        .order_by(Response.completed_at)
        .limit(len(copied))
    ).all()
    assert copied == oldest, "what is copied is every complete up to a time"
    monkeypatch.setattr(facts, "BUDGET", 60.0)
    assert client.get(f"/reports/{slug}/").status_code == 200
    db.rollback()
    completes = db.scalar(
        select(func.count()).where(Response.survey_id == survey_id, Response.status == "complete")
    )
    assert db.scalar(select(func.count()).where(ReportRow.survey_id == survey_id)) == completes


def test_the_prepare_command_copies_everything_ahead(runner, db, reported):
    slug = reported()
    result = runner.invoke(args=["prepare-reports", slug])
    assert result.exit_code == 0, result.output
    survey_id = db.scalar(select(Survey.id).where(Survey.slug == slug))
    completes = db.scalar(
        select(func.count()).where(Response.survey_id == survey_id, Response.status == "complete")
    )
    assert result.output.startswith(f"{completes} complete responses prepared")
    assert db.scalar(select(func.count()).where(ReportRow.survey_id == survey_id)) == completes
    again = runner.invoke(args=["prepare-reports", slug])
    assert again.output.startswith("0 complete responses prepared")
    missing = runner.invoke(args=["prepare-reports", "nope"])
    assert missing.exit_code == 1 and "No survey 'nope'" in missing.output

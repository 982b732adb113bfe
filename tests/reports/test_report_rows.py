"""report_rows follows the completes: a response completed after a view is in the next one,
each once, and a partial or screened-out response never."""

from datetime import timedelta

from sqlalchemy import delete, func, select

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


def test_a_bulk_load_not_yet_prepared_is_said_and_no_view_writes(
    runner, client, auth, db, reported
):
    """Completes loaded past the ORM (a bulk load) are not in report_rows until prepared:
    the report says how far the preparation got (503) and neither it nor the API writes a
    row; ``prepare-reports`` copies them, and the next view shows the figures."""
    slug = reported()
    survey_id = db.scalar(select(Survey.id).where(Survey.slug == slug))
    db.execute(delete(ReportRow).where(ReportRow.survey_id == survey_id))
    db.commit()
    auth.login_as("manager")
    first = client.get(f"/reports/{slug}/")
    assert first.status_code == 503
    page = first.get_data(as_text=True)
    completes = db.scalar(
        select(func.count()).where(Response.survey_id == survey_id, Response.status == "complete")
    )
    assert f"0 of {completes:,}" in page and f"survey prepare-reports {slug}" in page
    assert client.get(f"/api/v1/surveys/{slug}/estimates?var=q_overall").status_code == 503
    db.rollback()
    assert db.scalar(select(func.count()).where(ReportRow.survey_id == survey_id)) == 0
    assert runner.invoke(args=["prepare-reports", slug]).exit_code == 0
    assert client.get(f"/reports/{slug}/").status_code == 200
    db.rollback()
    assert db.scalar(select(func.count()).where(ReportRow.survey_id == survey_id)) == completes


def test_a_report_view_commits_nothing(app, client, auth, reported, monkeypatch):
    """Reads can go to a replica: rendering every report page commits no transaction."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    slug = reported()
    auth.login_as("manager")
    commits = []
    listener = lambda session: commits.append(session)  # noqa: E731
    event.listen(Session, "after_commit", listener)
    try:
        for page in ("", "segments", "trends", "attributes", "crosstab", "comments"):
            assert client.get(f"/reports/{slug}/{page}").status_code == 200, page
        assert client.get(f"/api/v1/surveys/{slug}/estimates?var=q_overall").status_code == 200
    finally:
        event.remove(Session, "after_commit", listener)
    assert commits == []


def test_the_prepare_command_copies_everything_ahead(runner, db, reported):
    slug = reported()
    db.execute(delete(ReportRow))  # as after a bulk load
    db.commit()
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


def test_each_row_keeps_the_month_it_completed_in(client, auth, db, reported):
    """The trend and month filters read the stored month: it must be the completion's."""
    slug = reported()
    auth.login_as("manager")
    client.get(f"/reports/{slug}/")
    survey_id = db.scalar(select(Survey.id).where(Survey.slug == slug))
    new = _complete_one(db, survey_id, "SZ-001")
    client.get(f"/reports/{slug}/")
    rows = db.execute(
        select(ReportRow.response_id, ReportRow.month, ReportRow.completed_at).where(
            ReportRow.survey_id == survey_id
        )
    ).all()
    assert new in {row.response_id for row in rows} and len(rows) > 10
    assert all(row.month == row.completed_at.strftime("%Y-%m") for row in rows)


def test_a_failing_follower_costs_only_its_own_work(db, fielded, monkeypatch, caplog):
    """Completions are followed (report rows, follow-up cases, comment readings, alerts) in
    one savepoint; when one follower fails for one response, the answers, the other
    followers' work and its own work for the other responses are kept, and it is logged."""
    from survey.models import FollowupCase
    from survey.models import responses as responses_model

    def fragile(session, response):
        session.add(
            ReportFilterValue(survey_id=response.survey_id, name="seen", value=str(response.id))
        )
        session.flush()
        if response.attributes["branch"] == "SZ-002":
            raise RuntimeError("this follower broke")

    monkeypatch.setitem(responses_model._FOLLOWERS, "fragile", (fragile, False))
    survey_id = fielded("branch-counter")
    db.rollback()
    version = db.get(Survey, survey_id).questionnaire_version_id
    now = utcnow()
    ids = []
    for branch in ("SZ-001", "SZ-002"):
        response = Response(
            survey_id=survey_id, questionnaire_version_id=version, mode="web", status="complete",
            language="en", attributes={"branch": branch}, stratum=branch,
            started_at=now - timedelta(minutes=3), completed_at=now,
        )  # fmt: skip
        db.add(response)
        db.flush()
        db.add(Answer(response_id=response.id, survey_id=survey_id, question_id="q_overall",
                      code="1", value_num=1.0))  # fmt: skip
        ids.append(response.id)
    db.commit()
    db.rollback()
    assert db.scalar(select(func.count()).where(Response.id.in_(ids))) == 2
    assert set(
        db.scalars(select(ReportRow.response_id).where(ReportRow.survey_id == survey_id))
    ) == set(ids)
    cases = db.scalars(select(FollowupCase.response_id).where(FollowupCase.rule == "low_overall"))
    assert sorted(cases) == ids
    seen = db.scalars(select(ReportFilterValue.value).where(ReportFilterValue.name == "seen"))
    assert list(seen) == [str(ids[0])]
    assert f"fragile after response {ids[1]} failed" in caplog.text
    assert "this follower broke" in caplog.text

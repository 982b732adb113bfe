"""The comment analysis measured on a bank's own file, alert subscriptions from the command
line, and comments as typed kept only where the bank allows it, read by admins, audited."""

from sqlalchemy import select

from survey.database import get_db
from survey.models import AlertSubscription, AuditEvent, RawComment
from tests.conftest import complete_as_customer


def test_evaluate_measures_a_labelled_file(runner, tmp_path):
    labelled = tmp_path / "mine.csv"
    labelled.write_text(
        "text,sentiment,topics\n排隊太耐，職員態度差,negative,queue;attitude\n手续费很合理，满意,positive,fees\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["comments", "evaluate", str(labelled)])
    assert result.exit_code == 0, result.output
    assert (
        "2 comments · sentiment accuracy 100.0% · topic precision 100.0% · recall 100.0%"
        in result.output
    )


def test_evaluate_names_a_missing_column(runner, tmp_path):
    labelled = tmp_path / "bad.csv"
    labelled.write_text("comment,label\n排队太久,negative\n", encoding="utf-8")
    result = runner.invoke(args=["comments", "evaluate", str(labelled)])
    assert result.exit_code == 1 and "missing column(s) sentiment, text, topics" in result.output


def test_alerts_subscribe_refuses_what_cannot_work(app, runner, reported, make_user):
    slug = reported()
    make_user("head", "manager", branches=["SZ-001"])
    for args, message in (
        (["--user", "nobody", "--kind", "low_score"], "no user is called 'nobody'"),
        (["--user", "head", "--kind", "storm"], "--kind: unknown alert kind 'storm'"),
        (
            ["--user", "head", "--kind", "low_score", "--branch", "XX-404"],
            "--branch: branch 'XX-404' is not known",
        ),
        (
            ["--user", "head", "--kind", "low_score", "--survey", slug, "--question", "q_none"],
            "--question: survey",
        ),
        (
            ["--role", "interviewer", "--kind", "overdue"],
            "--role: role 'interviewer' cannot subscribe",
        ),
    ):
        result = runner.invoke(args=["alerts", "subscribe", *args])
        assert result.exit_code == 1 and message in result.output, result.output
    ok = runner.invoke(
        args=[
            "alerts",
            "subscribe",
            "--role",
            "manager",
            "--kind",
            "change",
            "--survey",
            slug,
            "--digest",
        ]
    )
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        (stored,) = get_db(app).session().scalars(select(AlertSubscription)).all()
        assert (stored.role, stored.kind, stored.delivery) == ("manager", "change", "digest")


def _answer_with_a_phone_number(app, client, db, fielded):
    survey_id = fielded("branch-counter", modes=["web"])
    token = fielded.invite(survey_id, {"customer_ref": "C1", "attributes": {"branch": "SZ-001"}})
    from survey.questionnaire import load_file  # noqa: PLC0415
    from tests.conftest import QUESTIONNAIRES  # noqa: PLC0415

    questionnaire = load_file(f"{QUESTIONNAIRES}/branch-counter.yaml").questionnaire
    complete_as_customer(
        client, db, f"/s/{token}", questionnaire, typed={"q_comment": "请回电 13812345678"}
    )


def test_comments_as_typed_are_kept_only_when_allowed_and_read_by_admins(
    app, client, db, fielded, auth
):
    app.config["KEEP_RAW_COMMENTS"] = True
    _answer_with_a_phone_number(app, client, db, fielded)
    db.rollback()
    (typed,) = db.scalars(select(RawComment)).all()
    assert typed.text == "请回电 13812345678"
    auth.login_as("manager")
    assert client.get(f"/admin/responses/{typed.response_id}/typed").status_code == 403
    auth.logout()
    auth.login_as("admin")
    page = client.get(f"/admin/responses/{typed.response_id}/typed").text
    assert "请回电 13812345678" in page
    db.rollback()
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "typed_comments_read")).one()


def test_comments_as_typed_are_not_kept_by_default(app, client, db, fielded):
    _answer_with_a_phone_number(app, client, db, fielded)
    db.rollback()
    assert db.scalars(select(RawComment)).all() == []

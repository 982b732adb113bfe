"""The `survey` command's verbs from DESIGN.md that the foundation provides."""

import json
import re

from sqlalchemy import select

from survey.models import Answer, Questionnaire, QuestionnaireVersion, Response, Survey, User
from tests.conftest import csrf_token_from


def test_init_db_is_idempotent(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0
    assert "up to date" in result.output


def test_user_add_reads_the_password_from_stdin(runner, auth):
    result = runner.invoke(
        args=["user", "add", "wang", "--role", "manager"], input="long-enough-pw\n"
    )
    assert result.exit_code == 0, result.output
    assert auth.login("wang", "long-enough-pw").headers["Location"] == "/reports/"


def test_user_add_refuses_a_short_password(runner, db):
    result = runner.invoke(args=["user", "add", "li", "--role", "manager"], input="short\n")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert db.scalar(select(User).where(User.username == "li")) is None


def test_user_add_refuses_an_unknown_role(runner):
    result = runner.invoke(args=["user", "add", "li", "--role", "boss"], input="long-enough-pw\n")
    assert result.exit_code == 2
    assert "boss" in result.output


def test_user_add_refuses_a_duplicate(runner, make_user):
    make_user("zhao", "manager")
    result = runner.invoke(
        args=["user", "add", "zhao", "--role", "admin"], input="long-enough-pw\n"
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


def _survey_with_responses(db):
    questionnaire = Questionnaire(key="branch-counter")
    version = QuestionnaireVersion(
        questionnaire=questionnaire,
        number=1,
        label="1",
        content_hash="x" * 64,
        source="",
        definition={},
        title={"en": "Counter"},
    )
    survey = Survey(
        slug="counter-2026-11",
        name="Counter",
        questionnaire_version=version,
        modes=["web", "cati"],
        status="open",
    )
    db.add(survey)
    db.flush()
    for status, answered in [("complete", 1), ("complete", 1), ("partial", 1), ("partial", 0)]:
        response = Response(
            survey_id=survey.id,
            questionnaire_version_id=version.id,
            mode="web",
            status=status,
            language="en",
        )
        db.add(response)
        db.flush()
        if answered:
            db.add(Answer(response_id=response.id, survey_id=survey.id, question_id="q1", code="1"))
    db.commit()  # one partial holds an answer; the other is an empty start, not counted


def test_surveys_json_contract(runner, db):
    assert json.loads(runner.invoke(args=["surveys", "--json"]).output) == []
    _survey_with_responses(db)
    listed = json.loads(runner.invoke(args=["surveys", "--json"]).output)
    assert len(listed) == 1
    entry = listed[0]
    assert {"slug", "questionnaire", "version", "status", "modes", "complete", "partial"} <= set(
        entry
    )
    assert entry["slug"] == "counter-2026-11"
    assert entry["questionnaire"] == "branch-counter"
    assert entry["version"] == 1
    assert entry["modes"] == ["web", "cati"]
    assert (entry["complete"], entry["partial"]) == (2, 1)


def test_demo_prints_logins_that_work(runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    logins = dict(re.findall(r"^\s+\w+\s+(\w+)\s+(\S+)$", result.output, re.MULTILINE))
    assert set(logins) >= {"admin", "manager", "supervisor", "interviewer"}
    for username, password in logins.items():
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, username
        client.post(
            "/logout",
            data={"csrf_token": csrf_token_from(client.get("/login").get_data(as_text=True))},
        )


def test_an_unreachable_database_is_a_clear_error_not_a_traceback(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "SURVEY_INSTANCE_PATH": str(tmp_path),
    }
    command = [sys.executable, "-c", "from survey.cli.main import main; main()", "init-db"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "the database cannot be reached or opened" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_db_creates_the_sqlite_folder(tmp_path):
    from survey import create_app

    folder = tmp_path / "new" / "folder"
    app = create_app({"SURVEY_DATABASE_URL": f"sqlite:///{folder}/survey.sqlite3"})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert (folder / "survey.sqlite3").exists()

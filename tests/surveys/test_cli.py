"""`survey surveys create|open|pause|close|clone` and `survey links open`, as a script runs
them: each verb's output and what it stored, and each bad input refused with nothing made."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey.models import AuditEvent, Survey
from survey.surveys import links


@pytest.fixture
def loaded(runner):
    result = runner.invoke(args=["questionnaires", "load"])
    assert result.exit_code == 0, result.output


def run(runner, *args):
    return runner.invoke(args=list(args))


def surveys_of(db) -> dict:
    db.rollback()
    return {s.slug: s for s in db.scalars(select(Survey))}


def test_create_open_pause_close_and_the_json_listing(runner, db, loaded):
    made = run(
        runner, "surveys", "create", "counter-2026-12", "--questionnaire", "branch-counter",
        "--modes", "web", "--opens", "2026-12-01", "--closes", "2026-12-31",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "Created counter-2026-12 (draft): branch-counter v1, web" in made.output
    survey = surveys_of(db)["counter-2026-12"]
    assert survey.modes == ["web"] and str(survey.closes_on) == "2026-12-31"
    for verb, status in (
        ("open", "open"),
        ("pause", "paused"),
        ("open", "open"),
        ("close", "closed"),
    ):
        result = run(runner, "surveys", verb, "counter-2026-12")
        assert result.exit_code == 0, result.output
        assert result.output.strip() == f"counter-2026-12 is {status}."
        assert surveys_of(db)["counter-2026-12"].status == status
    listed = json.loads(run(runner, "surveys", "--json").output)
    assert listed == [
        {
            "slug": "counter-2026-12", "name": survey.name, "questionnaire": "branch-counter",
            "version": 1, "status": "closed", "modes": ["web"], "complete": 0, "partial": 0,
            "titles": survey.settings["titles"],
        }
    ]  # fmt: skip
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("survey_opened") == 2 and "survey_paused" in actions


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "x-1", "--questionnaire", "nope"], "No questionnaire 'nope' is stored"),
        (["create", "x-1", "--questionnaire", "branch-counter", "--version", "4"], "has no version 4"),
        (
            ["create", "x-1", "--questionnaire", "branch-counter", "--opens", "2026-12-10", "--closes", "2026-12-01"],
            "The close date 2026-12-01 is before the open date 2026-12-10",
        ),
        (["create", "x-1", "--questionnaire", "branch-counter", "--modes", "web,fax"], "fax: use web, cati"),
        (["create", "x-1", "--questionnaire", "branch-counter", "--opens", "2026-13-01"], "'2026-13-01' does not match"),
        (["create", "Not A Slug", "--questionnaire", "branch-counter"], "is not a usable address"),
        (["open", "nowhere"], "No survey 'nowhere'"),
        (["clone", "nowhere", "x-2"], "No survey 'nowhere'"),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_nothing_is_made(runner, db, loaded, args, message):
    result = run(runner, "surveys", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert surveys_of(db) == {}


def test_a_duplicate_slug_and_a_wrong_transition_are_refused(runner, db, loaded):
    run(runner, "surveys", "create", "w-1", "--questionnaire", "branch-counter")
    again = run(runner, "surveys", "create", "w-1", "--questionnaire", "hotline-post-call")
    assert again.exit_code == 1 and "A survey with the address 'w-1' already exists" in again.output
    assert surveys_of(db)["w-1"].questionnaire_version.questionnaire.key == "branch-counter"
    paused = run(runner, "surveys", "pause", "w-1")
    assert paused.exit_code == 1 and "w-1 is draft; it cannot be paused from there" in paused.output


def test_open_refuses_a_questionnaire_with_errors(runner, db, loaded):
    run(runner, "surveys", "create", "w-1", "--questionnaire", "branch-counter")
    survey = surveys_of(db)["w-1"]
    survey.questionnaire_version.source = survey.questionnaire_version.source.replace(
        "type: rating", "type: no-such-type", 1
    )
    db.commit()
    result = run(runner, "surveys", "open", "w-1")
    assert result.exit_code == 1
    assert "w-1 cannot open: its questionnaire has errors" in result.output
    assert "no-such-type" in result.output
    assert surveys_of(db)["w-1"].status == "draft"


def test_clone_makes_the_next_wave(runner, db, loaded):
    run(
        runner,
        "surveys",
        "create",
        "counter-2026-11",
        "--questionnaire",
        "branch-counter",
        "--opens",
        "2026-11-01",
    )
    run(runner, "links", "open", "counter-2026-11", "--branch", "SH001")
    result = run(
        runner, "surveys", "clone", "counter-2026-11", "counter-2026-12",
        "--opens", "2026-12-01", "--closes", "2026-12-31",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created counter-2026-12 (draft) from counter-2026-11" in result.output
    both = surveys_of(db)
    new, old = both["counter-2026-12"], both["counter-2026-11"]
    assert new.open_link and new.settings["places"] == [{"branch": "SH001"}]
    assert new.questionnaire_version_id == old.questionnaire_version_id
    assert new.settings["titles"]["zh-Hans"].endswith("2026-12")
    refused = run(runner, "surveys", "clone", "counter-2026-11", "counter-2026-12")
    assert refused.exit_code == 1 and "already exists" in refused.output


def test_links_open_prints_a_signed_link_and_writes_its_qr_code(app, runner, db, loaded, tmp_path):
    run(runner, "surveys", "create", "counter-2026-12", "--questionnaire", "branch-counter")
    output = tmp_path / "card.png"
    result = run(
        runner, "links", "open", "counter-2026-12", "--branch", "SH001", "--staff", "T1024",
        "--output", str(output),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    url = result.stdout.strip()
    assert url.startswith("http://localhost:5000/o/counter-2026-12?at=")
    where = links.read(app.config["SECRET_KEY"], url.split("?at=")[1])
    assert where.attributes() == {"branch": "SH001", "staff_id": "T1024"}
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert surveys_of(db)["counter-2026-12"].open_link
    assert "customers can answer once it is open" in result.stderr
    for kind, magic in (("svg", b"<svg"), ("pdf", b"%PDF")):
        target = tmp_path / f"qr.{kind}"
        made = run(
            runner, "links", "open", "counter-2026-12", "--format", kind, "--output", str(target)
        )
        assert made.exit_code == 0 and target.read_bytes().startswith(magic)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--branch", "SH 001"], "The branch 'SH 001' is not a code"),
        (["--output", "qr.gif"], "name it .svg, .png or .pdf"),
        (["--format", "gif"], "'gif' is not one of"),
    ],
)
def test_links_open_refuses_bad_input(runner, db, loaded, args, message):
    run(runner, "surveys", "create", "w-1", "--questionnaire", "branch-counter")
    result = run(runner, "links", "open", "w-1", *args)
    assert result.exit_code != 0 and message in result.output
    assert not surveys_of(db)["w-1"].open_link


def test_links_open_refuses_a_closed_survey(runner, db, loaded, tmp_path):
    run(runner, "surveys", "create", "w-1", "--questionnaire", "branch-counter")
    run(runner, "surveys", "close", "w-1")
    target = tmp_path / "qr.svg"
    result = run(runner, "links", "open", "w-1", "--output", str(target))
    assert result.exit_code == 1
    assert "w-1 is closed: its link would show customers the closed page" in result.output
    assert not target.exists() and not surveys_of(db)["w-1"].open_link
    assert (
        db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "open_link_on")
        )
        == 0
    )


def test_cli_output_files_are_where_asked(runner, loaded, tmp_path, monkeypatch):
    """Without --output, the QR code is written beside the command, named after the link."""
    monkeypatch.chdir(tmp_path)
    run(runner, "surveys", "create", "w-1", "--questionnaire", "branch-counter")
    result = run(runner, "links", "open", "w-1", "--branch", "SH001", "--format", "svg")
    assert result.exit_code == 0, result.output
    assert Path(tmp_path / "w-1-SH001.svg").read_bytes().startswith(b"<svg")

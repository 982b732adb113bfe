"""Versions: stored by content, never altered once answered, code changes flagged."""

import pytest
from sqlalchemy import select

from survey.models import QuestionnaireVersion, Response, Survey
from survey.questionnaire import load_text
from survey.surveys.versions import VersionConflict, changed_meaning, store

TEMPLATE = """\
id: versioned
version: "{version}"
title: {{zh-Hans: 版本, zh-Hant: 版本, en: Versions}}
pages:
  - id: p1
    questions:
      - id: q_sat
        type: single
        text: {{zh-Hans: 满意, zh-Hant: 滿意, en: Satisfied}}
        choices:
          - {{code: "1", label: {{zh-Hans: 满意, zh-Hant: 滿意, en: {first}}}}}
          - {{code: "2", label: {{zh-Hans: 不满意, zh-Hant: 不滿意, en: Dissatisfied}}}}
      - id: q_other
        type: yesno
        text: {{zh-Hans: 是否, zh-Hant: 是否, en: {wording}}}
"""


def source(version="1", first="Satisfied", wording="Yes or no"):
    return TEMPLATE.format(version=version, first=first, wording=wording)


def save(db, text):
    outcome = store(db, load_text(text, "versioned.yaml"), text)
    db.commit()
    return outcome


def test_same_content_is_not_stored_twice_even_with_new_comments(db):
    assert save(db, source()).action == "created"
    assert save(db, "# a comment\n" + source()).action == "unchanged"
    assert len(db.scalars(select(QuestionnaireVersion)).all()) == 1


def test_an_unanswered_version_is_replaced_in_place(db):
    first = save(db, source())
    second = save(db, source(wording="Reworded"))
    assert second.action == "replaced"
    assert second.version.id == first.version.id


def test_an_answered_version_is_never_altered(db):
    outcome = save(db, source())
    survey = Survey(slug="s", name="S", questionnaire_version_id=outcome.version.id)
    db.add(survey)
    db.flush()
    db.add(
        Response(
            survey_id=survey.id,
            questionnaire_version_id=outcome.version.id,
            mode="web",
            language="en",
        )
    )
    db.commit()
    with pytest.raises(VersionConflict, match="already has 1 responses"):
        save(db, source(wording="Reworded"))
    db.rollback()
    new = save(db, source(version="2", wording="Reworded"))
    assert (new.action, new.version.number) == ("created", 2)
    assert new.changed_meaning == ()


def test_a_code_that_changed_meaning_is_flagged(db):
    save(db, source())
    outcome = save(db, source(version="2", first="Very satisfied"))
    assert outcome.changed_meaning == ("q_sat",)
    assert outcome.version.changed_meaning == ["q_sat"]


def test_changed_meaning_compares_types_too():
    old = load_text(source(), "a.yaml").questionnaire
    new = load_text(
        source().replace("type: yesno", "type: text").replace("Yes or no", "Free"), "b.yaml"
    ).questionnaire
    assert changed_meaning(old, new) == ["q_other"]


def test_load_command_stores_versions(runner, tmp_path):
    path = tmp_path / "versioned.yaml"
    path.write_text(source())
    first = runner.invoke(args=["questionnaires", "load", str(path)])
    assert "created — versioned v1" in first.output
    again = runner.invoke(args=["questionnaires", "load", str(path)])
    assert "unchanged — versioned v1" in again.output
    path.write_text(source(version="2", first="Very satisfied"))
    flagged = runner.invoke(args=["questionnaires", "load", str(path)])
    assert "created — versioned v2" in flagged.output
    assert "question q_sat: its codes mean something else" in flagged.output

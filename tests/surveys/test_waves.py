"""Waves as a service: created from a stored version, cloned, opened, paused, closed,
switched to another version on purpose; every refusal names what is wrong, nothing half-made."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey.database import db_session
from survey.models import AuditEvent, Response, Survey
from survey.questionnaire import load_file, load_text
from survey.surveys import waves
from survey.surveys.versions import store
from tests.conftest import QUESTIONNAIRES


@pytest.fixture
def session(app):
    """The application's own session in a request context, as a page's service call has."""
    with app.test_request_context():
        yield db_session()


@pytest.fixture
def stored(session):
    """The shipped branch-counter questionnaire, stored once (v1)."""
    path = f"{QUESTIONNAIRES}/branch-counter.yaml"
    store(session, load_file(path), Path(path).read_text(encoding="utf-8"))
    session.commit()
    return "branch-counter"


def _spec(**changes):
    values = {"slug": "counter-2026-12", "questionnaire": "branch-counter"}
    values.update(changes)
    return waves.WaveSpec(**values)


def test_a_wave_takes_its_titles_modes_and_languages_from_the_questionnaire(session, db, stored):
    survey = waves.create_wave(session, _spec(opens_on=date(2026, 12, 1)))
    session.commit()
    assert survey.status == "draft"
    assert survey.modes == ["web", "cati"] and survey.languages == ["zh-Hans", "zh-Hant", "en"]
    assert survey.settings["titles"]["en"].endswith("2026-12")
    assert survey.period_label == "2026-12"
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "survey_created")).one()
    assert event.detail["questionnaire"] == "branch-counter" and event.detail["version"] == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"slug": "Bad Slug"}, "slug", "not a usable address"),
        ({"questionnaire": "nope"}, "questionnaire", "No questionnaire 'nope'"),
        ({"version": 7}, "version", "has no version 7"),
        (
            {"opens_on": date(2026, 12, 10), "closes_on": date(2026, 12, 1)},
            "closes_on",
            "before the open date",
        ),
        ({"modes": ["fax"]}, "modes", "web, CATI or both"),
        ({"languages": ["fr"]}, "languages", "zh-Hans, zh-Hant, en"),
        ({"link_valid_days": 0}, "link_valid_days", "1 to 365"),
        ({"settings": {"stratum_attribute": "1x"}}, "stratum_attribute", "not an attribute"),
        ({"settings": {"max_attempts": 99}}, "max_attempts", "between 1 and 50"),
        ({"settings": {"complex_working_days": 11}}, "complex_working_days", "between 7 and 10"),
    ],
)
def test_a_wave_refused_names_the_problem_and_stores_nothing(
    session, db, stored, changes, field, words
):
    with pytest.raises(waves.WaveError) as refused:
        waves.create_wave(session, _spec(**changes))
    session.rollback()
    assert refused.value.field == field and words in str(refused.value)
    assert db.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_duplicate_slug_is_refused(session, db, stored):
    waves.create_wave(session, _spec())
    session.commit()
    with pytest.raises(waves.WaveError, match="already exists"):
        waves.create_wave(session, _spec())


def test_open_pause_close_follow_their_order_and_are_audited(session, db, stored):
    survey = waves.create_wave(session, _spec())
    with pytest.raises(waves.WaveError, match="cannot be paused"):
        waves.change_status(session, survey, "pause")
    for action, status in (("open", "open"), ("pause", "paused"), ("open", "open")):
        waves.change_status(session, survey, action)
        assert survey.status == status
    waves.change_status(session, survey, "close")
    with pytest.raises(waves.WaveError, match="cannot be open"):
        waves.change_status(session, survey, "open")
    session.commit()
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("survey_%")).order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "survey_created", "survey_opened", "survey_paused", "survey_opened", "survey_closed",
    ]  # fmt: skip


def test_a_questionnaire_that_no_longer_validates_cannot_open(session, db, stored):
    survey = waves.create_wave(session, _spec())
    survey.questionnaire_version.source += "\nnot_a_key: [\n"
    with pytest.raises(waves.WaveError, match="cannot open: its questionnaire has errors"):
        waves.change_status(session, survey, "open")
    assert survey.status == "draft"


def test_a_clone_keeps_the_settings_and_takes_the_new_period(session, db, stored):
    survey = waves.create_wave(
        session,
        _spec(
            slug="counter-2026-11",
            opens_on=date(2026, 11, 1),
            settings={
                "stratum_attribute": "branch",
                "max_attempts": 6,
                "quotas": [{"attribute": "branch", "value": "SH001", "target": 50}],
            },
        ),  # fmt: skip
    )
    survey.open_link = True
    waves.change_status(session, survey, "open")
    following = waves.clone_wave(
        session, survey, "counter-2026-12", date(2026, 12, 1), date(2026, 12, 31)
    )
    session.commit()
    assert following.status == "draft" and following.open_link
    assert following.questionnaire_version_id == survey.questionnaire_version_id
    assert following.settings["max_attempts"] == 6
    assert following.settings["quotas"] == survey.settings["quotas"]
    assert following.settings["titles"]["en"].endswith("2026-12")
    assert following.settings["cloned_from"] == "counter-2026-11"
    assert waves.next_wave_defaults(survey, date(2026, 11, 15)) == (
        "counter-2026-12", date(2026, 12, 1), date(2026, 12, 31),
    )  # fmt: skip


def test_a_version_switch_on_an_answered_survey_must_be_confirmed(session, db, stored):
    survey = waves.create_wave(session, _spec())
    path = f"{QUESTIONNAIRES}/branch-counter.yaml"
    text = Path(path).read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2026.9"')
    store(session, load_text(text, "b.yaml"), text)
    session.add(
        Response(
            survey_id=survey.id, questionnaire_version_id=survey.questionnaire_version_id,
            mode="web", status="complete", language="en",
        )
    )  # fmt: skip
    session.flush()
    with pytest.raises(waves.WaveError, match="confirm the switch"):
        waves.switch_version(session, survey, 2, confirmed=False)
    waves.switch_version(session, survey, 2, confirmed=True)
    session.commit()
    assert db.get(Survey, survey.id).questionnaire_version.number == 2
    answered = db.scalars(select(Response)).one()
    assert answered.questionnaire_version.number == 1  # the response keeps what it answered
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "survey_version_switched")
    ).one()
    assert event.detail == {
        "questionnaire": "branch-counter", "was": 1, "now": 2, "responses": 1,
    }  # fmt: skip

"""`survey rates`: final dispositions from call attempts and responses, and the JSON contract."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.models import (
    Answer,
    CallAttempt,
    CatiCase,
    Contact,
    Invitation,
    Response,
    Survey,
    utcnow,
)
from tests.test_aapor import CONTRACT


@pytest.fixture
def survey_with_outcomes(db, fielded):
    survey_id = fielded("hotline-post-call")
    survey = db.get(Survey, survey_id)
    start = utcnow() - timedelta(days=1)

    def case(ref, attempts=(), response=None):
        contact = Contact(survey_id=survey_id, customer_ref=ref)
        db.add(contact)
        db.flush()
        cati = CatiCase(survey_id=survey_id, contact_id=contact.id)
        db.add(cati)
        db.flush()
        for minutes, code in enumerate(attempts):
            db.add(
                CallAttempt(
                    case_id=cati.id, disposition=code, started_at=start + timedelta(minutes=minutes)
                )
            )
        if response:
            invitation = Invitation(survey_id=survey_id, contact_id=contact.id, token_hash=ref * 8)
            db.add(invitation)
            db.flush()
            status, disposition = response
            stored = Response(
                survey_id=survey_id,
                questionnaire_version_id=survey.questionnaire_version_id,
                invitation_id=invitation.id,
                mode="cati",
                language="zh-Hans",
                status=status,
                disposition=disposition,
            )
            db.add(stored)
            db.flush()
            # A partial is an interview begun: it holds an answer.
            db.add(Answer(response_id=stored.id, survey_id=survey_id, question_id="q_overall",
                          code="4", value_num=4.0))  # fmt: skip

    case("c1", ["3.13", "1.1"], ("complete", "1.1"))
    case("c2", ["2.11", "3.13"], ("complete", "1.1"))  # converted refusal
    case("c3", ["3.13"], ("partial", None))
    case("c4", ["2.11"])
    case("c5", ["2.221", "3.13", "3.13"])
    case("c6", ["2.33"])
    case("c7", ["3.12", "3.13"])
    case("c8", [])
    case("c9", ["3.21"])
    case("c10", ["3.13", "4.32"])
    case("c11", [], ("screened_out", "4.70"))
    db.commit()
    return survey.slug


def test_rates_json_contract_and_values(runner, survey_with_outcomes):
    result = runner.invoke(args=["rates", survey_with_outcomes, "--json"])
    assert result.exit_code == 0, result.output
    rates = json.loads(result.output)
    assert set(rates) == CONTRACT
    counts = {k: rates[k] for k in ("I", "P", "R", "NC", "O", "UH", "UO", "NE")}
    assert counts == {"I": 2, "P": 1, "R": 1, "NC": 1, "O": 1, "UH": 2, "UO": 1, "NE": 2}
    e = 6 / 8  # eligible (I+P+R+NC+O) over known eligibility (+NE)
    assert rates["e"] == pytest.approx(e)
    assert rates["RR1"] == pytest.approx(2 / 9)
    assert rates["RR3"] == pytest.approx(2 / (6 + e * 3))
    assert rates["COOP1"] == pytest.approx(2 / 5)


def test_rates_for_people_state_e(runner, survey_with_outcomes):
    result = runner.invoke(args=["rates", survey_with_outcomes, "--e", "0.5"])
    assert "e = 0.5000 (given)" in result.output
    assert "RR1" in result.output


def test_rates_of_an_unknown_survey(runner):
    result = runner.invoke(args=["rates", "nope"])
    assert result.exit_code == 1
    assert "No survey 'nope'" in result.output


def test_rates_by_group_share_the_surveys_e(runner, db, survey_with_outcomes):
    for contact in db.scalars(select(Contact)):
        contact.stratum = "gold" if contact.customer_ref in ("c1", "c2", "c4") else "mass"
    db.commit()
    result = runner.invoke(args=["rates", survey_with_outcomes, "--by", "stratum", "--json"])
    assert result.exit_code == 0, result.output
    groups = {g["stratum"]: g for g in json.loads(result.output)["groups"]}
    assert set(groups) == {"gold", "mass"}
    assert (groups["gold"]["I"], groups["gold"]["R"]) == (2, 1)
    assert groups["gold"]["RR1"] == pytest.approx(2 / 3)
    assert groups["gold"]["e"] == groups["mass"]["e"] == pytest.approx(6 / 8)
    assert (
        sum(g[k] for g in groups.values() for k in ("I", "P", "R", "NC", "O", "UH", "UO", "NE"))
        == 11
    )


@pytest.mark.parametrize("by", ["branch", "interviewer", "week"])
def test_rates_by_other_groupings(runner, survey_with_outcomes, by):
    result = runner.invoke(args=["rates", survey_with_outcomes, "--by", by])
    assert result.exit_code == 0, result.output
    assert "RR1" in result.output.splitlines()[1]

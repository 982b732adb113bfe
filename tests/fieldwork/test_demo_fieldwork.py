"""The demo's fieldwork: a sample, invitations and a call history with every class of
outcome, consistent with the responses it stored; and the synthetic respondent it uses."""

import numpy as np
import pytest
from sqlalchemy import func, select

from survey.aapor.rates import final_dispositions, survey_rates
from survey.analysis.sums import survey_design
from survey.demo.synthetic import answer_all
from survey.models import CatiCase, Contact, Invitation, OutboxMessage, Response, SampleDraw, Survey
from survey.questionnaire import load_file
from survey.security import hash_token
from survey.surveys.versions import questionnaire_of
from tests.conftest import QUESTIONNAIRES, complete_as_customer


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return {
        s.slug.rsplit("-", 2)[0]: s
        for s in db.scalars(select(Survey).where(Survey.status == "open"))
    }


def test_the_demo_fields_a_sample_with_every_class_of_outcome(db, demo):
    counts = {k: 0 for k in ("I", "P", "R", "NC", "O", "UH", "UO", "NE")}
    for key in ("branch-counter", "hotline-post-call"):
        for name, value in survey_rates(db, demo[key]).counts.items():
            counts[name] += value
    assert all(counts.values()), counts
    counter = demo["branch-counter"]
    assert db.scalar(select(func.count()).where(Contact.survey_id == counter.id)) == 600
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) > 0
    assert db.scalar(select(func.count()).where(CatiCase.status == "pending")) > 0


def test_every_final_complete_has_its_complete_response(db, demo):
    for survey in (demo["branch-counter"], demo["hotline-post-call"]):
        completes = sum(1 for code in final_dispositions(db, survey).values() if code == "1.1")
        stored = db.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.survey_id == survey.id, Response.status == "complete")
        )
        assert completes == stored > 0


def test_running_the_demo_again_keeps_its_fieldwork(runner, db, demo):
    before = db.scalar(select(func.count()).select_from(Response))
    assert runner.invoke(args=["demo"]).exit_code == 0
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Response)) == before


@pytest.mark.parametrize(
    "name", ["branch-counter", "hotline-post-call", "annual-csi", "complaint-follow-up"]
)
@pytest.mark.parametrize("mode", ["web", "cati"])
def test_synthetic_respondents_finish_every_questionnaire(name, mode):
    questionnaire = load_file(f"{QUESTIONNAIRES}/{name}.yaml").questionnaire
    rng = np.random.default_rng(3)
    for latent in (0.1, 0.5, 0.9):
        answers, _others, position, _screen_out = answer_all(
            questionnaire, rng, latent, "zh-Hans", mode, {"title": "王先生"}
        )
        assert position == "end"
        assert answers


def test_latent_satisfaction_moves_the_scores():
    questionnaire = load_file(f"{QUESTIONNAIRES}/hotline-post-call.yaml").questionnaire
    overall = questionnaire.analysis.overall
    rng = np.random.default_rng(5)

    def mean(latent):
        scores = []
        for _ in range(60):
            answers = answer_all(questionnaire, rng, latent, "en")[0]
            if overall in answers:
                scores.append(float(answers[overall]))
        return sum(scores) / len(scores)

    assert mean(0.2) + 1 < mean(0.8)


def test_the_demo_gives_the_reports_months_and_real_branch_differences(db, demo):
    from survey.analysis.measures import headline_measures
    from survey.analysis.scope import ReportScope
    from survey.analysis.sums import survey_design
    from survey.analysis.views import segment_figures

    completes = db.scalar(select(func.count()).where(Response.status == "complete"))
    assert completes >= 4000
    history = db.scalars(
        select(Survey).where(Survey.status == "closed", Survey.slug.like("branch-counter-%"))
    ).all()
    assert len(history) == 5
    past = history[0]
    mean = next(
        m
        for m in headline_measures(questionnaire_of(past.questionnaire_version))
        if m.key == "mean"
    )
    _, figures = segment_figures(db, past, ReportScope(), survey_design(db, past), mean, "branch")
    flags = {f.label: f.flag for f in figures}
    assert flags["SZ-002"] == "below", flags


def test_the_printed_links_belong_to_the_sample_and_count_in_the_figures(app, client, db, runner):
    result = runner.invoke(args=["demo"])
    links = dict(line.split() for line in result.output.splitlines() if "/s/" in line)
    annual = db.scalar(select(Survey).where(Survey.slug.like("annual-csi-%"),
                                            Survey.status == "open"))  # fmt: skip
    assert db.scalar(select(SampleDraw).where(SampleDraw.survey_id == annual.id)) is not None
    assert survey_rates(db, annual).counts["I"] > 500  # the sample's completes
    for slug in (annual.slug, next(s for s in links if s.startswith("branch-counter"))):
        token = links[slug].rsplit("/", 1)[1]
        survey = db.scalar(select(Survey).where(Survey.slug == slug))
        complete_as_customer(
            client, db, f"/s/{token}", questionnaire_of(survey.questionnaire_version)
        )
        db.rollback()
        invitation = db.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
        mine = db.scalar(select(Response).where(Response.invitation_id == invitation.id))
        assert (mine.survey_id, mine.status) == (survey.id, "complete")
        assert mine.stratum is not None and mine.invitation_id is not None
        design = survey_design(db, survey)
        assert mine.stratum in design.labels and design.outside == 0

"""The bank questionnaires we ship check clean and carry their analysis roles."""

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from survey.demo.synthetic import screen_form
from survey.questionnaire import Interview, load_file
from survey.questionnaire.interview import END, step_at, submit_step
from survey.questionnaire.model import LANGUAGES

SHIPPED = Path(__file__).parent.parent.parent / "questionnaires"
NAMES = ["branch-counter", "hotline-post-call", "annual-csi", "complaint-follow-up"]


@pytest.mark.parametrize("name", NAMES)
def test_shipped_file_is_valid_trilingual_and_warning_free(name):
    result = load_file(SHIPPED / f"{name}.yaml")
    q = result.questionnaire
    assert result.warnings == ()
    assert q.id == name
    assert q.languages == LANGUAGES
    assert set(q.modes) == {"web", "cati"}
    assert q.cati.greeting is not None
    for question in q.questions():
        assert set(question.text.values) == set(LANGUAGES), question.id


@pytest.mark.parametrize("name", NAMES)
def test_shipped_file_declares_what_reports_compute(name):
    analysis = load_file(SHIPPED / f"{name}.yaml").questionnaire.analysis
    assert analysis.overall
    assert analysis.csi
    assert analysis.comments


def test_annual_study_covers_the_index_model():
    q = load_file(SHIPPED / "annual-csi.yaml").questionnaire
    assert set(q.analysis.servqual) == {
        "tangibles",
        "reliability",
        "responsiveness",
        "assurance",
        "empathy",
    }
    assert set(q.analysis.touchpoints) == {"counter", "self_service", "hotline", "online", "app"}
    assert q.analysis.segments == ("q_age", "q_income", "q_education", "q_tier")
    assert q.question("q_s_customer").screen_out.disposition == "4.70"
    improve = q.question("q_improve")
    assert improve.randomize and improve.choice("8").exclusive and improve.choice("7").other


def test_check_without_files_checks_the_shipped_folder(runner):
    result = runner.invoke(args=["questionnaires", "check"])
    assert result.exit_code == 0, result.output
    for name in NAMES:
        assert f"{name}.yaml: ok" in result.output


@pytest.mark.parametrize("mode", ["web", "cati"])
@pytest.mark.parametrize("latent", [0.05, 0.5, 0.95])
@pytest.mark.parametrize("name", NAMES)
def test_progress_never_promises_an_end_that_isnt_one(name, latent, mode):
    """The total of screens only shrinks as routing unfolds, and the screen numbered as the
    last (where the button says Submit) is the last one shown. (A screen whose own answers
    rule out the ones after it says Next and then ends: it could not know before.)"""
    questionnaire = load_file(SHIPPED / f"{name}.yaml").questionnaire
    keep_in = {"q_caller": ["1"], "q_s_customer": ["1"], "q_s_industry": ["0"]}
    for seed in range(5):
        rng = np.random.default_rng(seed)
        answers, others, position, totals = {}, {}, None, []
        while True:
            interview = Interview(
                questionnaire, answers, others, position, {"title": "王先生"}, "en", mode
            )
            step = step_at(interview)
            if step.finished:
                break
            assert 1 <= step.number <= step.total
            totals.append(step.total)
            form = screen_form(step, latent, "en", rng, date(2026, 11, 2))
            form.update({k: v for k, v in keep_in.items() if k in form})
            outcome = submit_step(interview, step, form)
            assert outcome.submission.ok, outcome.submission.errors
            answers, others, position = outcome.answers, outcome.other_texts, outcome.position
            if step.number == step.total:  # "Submit": nothing may follow
                assert position == END, (step.position, position)
        assert totals == sorted(totals, reverse=True), totals

"""The bank questionnaires we ship check clean and carry their analysis roles."""

from pathlib import Path

import pytest

from survey.questionnaire import load_file
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

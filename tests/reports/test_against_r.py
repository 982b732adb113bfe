"""R's survey package, run here on the exported responses, reproduces the report: the
generated R script's headline figures, and svychisq for a cross-tab."""

import csv
import io
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from survey.analysis.crosstab import cross_tab
from survey.analysis.facts import refresh_facts
from survey.analysis.scope import ReportScope, attribute
from survey.analysis.sums import survey_design
from survey.analysis.views import headline
from survey.database import get_db
from survey.models import Answer, ReportRow, Survey
from survey.surveys.versions import questionnaire_of

QUESTIONNAIRES = Path(__file__).parents[2] / "questionnaires"


def run_r(folder, script_name):
    result = subprocess.run(
        ["Rscript", script_name], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def download(client, slug, tmp_path, query=""):
    (tmp_path / f"{slug}-responses.csv").write_bytes(
        client.get(f"/reports/{slug}/responses.csv").data
    )
    script = client.get(f"/reports/{slug}/analysis.R{query}")
    assert script.status_code == 200
    (tmp_path / "analysis.R").write_bytes(script.data)


@pytest.mark.parametrize(
    "query, scope",
    [
        ("", ReportScope()),
        ("?period=2026-10&tier=gold", ReportScope("2026-10", {"tier": "gold"})),
        ("?weights=off&period=2026-Q4", ReportScope("2026-Q4", weighted=False)),
    ],
)
def test_the_generated_r_script_reproduces_the_headline(
    app, client, auth, reported, tmp_path, query, scope
):
    slug = reported()
    auth.login_as("manager")
    download(client, slug, tmp_path, query)
    figures = {row["index"]: row for row in run_r(tmp_path, "analysis.R")}
    with app.app_context():
        session = get_db(app).session()
        survey = session.scalar(select(Survey).where(Survey.slug == slug))
        rows = headline(session, survey, scope, survey_design(session, survey, scope.weighted))
    assert {h.measure.key for h in rows} == set(figures) == {"csat", "mean", "nps", "csi"}
    for h in rows:
        r = figures[h.measure.key]
        assert int(r["n"]) == h.figure.n and int(r["df"]) == h.figure.df
        for ours, theirs in (
            (h.figure.estimate, "estimate"),
            (h.figure.se, "se"),
            (h.figure.low, "ci_low"),
            (h.figure.high, "ci_high"),
        ):
            assert ours == pytest.approx(float(r[theirs]), rel=1e-7, abs=1e-9), (
                h.measure.key,
                theirs,
            )


class NotMass(ReportScope):
    """Every tier but mass (the filter form offers one tier; R's subset() takes any rule)."""

    def conditions(self, dated_by=None):
        return [attribute("tier") != "mass"]


SVYCHISQ = """
library(survey)
d <- read.csv("{csv}", check.names = FALSE, stringsAsFactors = FALSE, na.strings = "")
d <- d[d$status == "complete" & !is.na(d$`_weight`), ]
d$q_competence[d$q_competence %in% c(-9, -8)] <- NA
des <- svydesign(ids = ~1, strata = ~`_stratum`, weights = ~`_weight`, fpc = ~`_fpc`, data = d)
des <- subset(des, tier != "mass")
r <- svychisq(~q_competence + branch, des, statistic = "F")
cat(sprintf("%.17g,%.17g,%.17g,%.17g\\n", r$statistic, r$parameter[1], r$parameter[2], r$p.value))
"""


def test_the_cross_tab_test_is_r_svychisq(app, client, auth, reported, tmp_path):
    slug = reported()
    auth.login_as("manager")
    (tmp_path / "r.csv").write_bytes(client.get(f"/reports/{slug}/responses.csv").data)
    (tmp_path / "chisq.R").write_text(SVYCHISQ.replace("{csv}", "r.csv"))
    result = subprocess.run(
        ["Rscript", "chisq.R"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    statistic, ndf, ddf, p_value = (float(v) for v in result.stdout.strip().split(","))
    with app.app_context():
        session = get_db(app).session()
        survey = session.scalar(select(Survey).where(Survey.slug == slug))
        questionnaire = questionnaire_of(survey.questionnaire_version)
        design = survey_design(session, survey)
        table = cross_tab(session, questionnaire, NotMass(), design, "q_competence", "branch")
    assert table.test.statistic == pytest.approx(statistic, rel=1e-8)
    assert table.test.ndf == pytest.approx(ndf, rel=1e-8)
    assert table.test.ddf == pytest.approx(ddf, rel=1e-8)
    assert table.test.p_value == pytest.approx(p_value, rel=1e-6)


def test_complete_cases_for_the_csi_equal_r(app, client, auth, reported, tmp_path):
    """With ``missing_items: complete`` the CSI counts only respondents who answered every
    indicator, on the page and in the generated R script (na.omit) alike."""
    source = (QUESTIONNAIRES / "branch-counter.yaml").read_text(encoding="utf-8")
    variant = tmp_path / "counter-complete.yaml"
    variant.write_text(
        source.replace("\n  csi:\n", "\n  missing_items: complete\n  csi:\n"), "utf-8"
    )
    slug = reported(str(variant)[: -len(".yaml")], slug="counter-complete")
    with app.app_context():
        session = get_db(app).session()
        survey = session.scalar(select(Survey).where(Survey.slug == slug))
        skipped = session.scalars(  # some customers leave the waiting-time item blank
            select(Answer.id)
            .where(Answer.survey_id == survey.id, Answer.question_id == "q_wait")
            .order_by(Answer.id)
            .limit(25)
        ).all()
        session.execute(
            update(Answer).where(Answer.id.in_(skipped)).values(code="-8", value_num=None)
        )
        session.execute(delete(ReportRow).where(ReportRow.survey_id == survey.id))
        refresh_facts(session, survey)  # the report rows prepared again from the answers
        design = survey_design(session, survey)
        csi = next(
            h for h in headline(session, survey, ReportScope(), design) if h.measure.key == "csi"
        )
        overall = next(
            h for h in headline(session, survey, ReportScope(), design) if h.measure.key == "mean"
        )
    auth.login_as("manager")
    download(client, slug, tmp_path)
    r = {row["index"]: row for row in run_r(tmp_path, "analysis.R")}["csi"]
    assert int(r["n"]) == csi.figure.n
    # Every respondent with the overall question but no waiting time is out of the CSI.
    assert csi.figure.n < overall.figure.n - 10
    assert csi.figure.estimate == pytest.approx(float(r["estimate"]), rel=1e-7)
    assert csi.figure.se == pytest.approx(float(r["se"]), rel=1e-7)

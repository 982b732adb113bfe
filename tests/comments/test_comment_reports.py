"""Comments in the reports: a topic's share and interval equal `survey stats --stat prop` on
the export's 0/1 column; a search in one Chinese script finds the other; the PDF report's
headline equals the estimates API for the same survey, branch and period."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from survey.analysis.scope import ReportScope
from survey.analysis.sums import survey_design
from survey.analysis.topics import topic_table
from survey.comments.readings import read_unread
from survey.comments.topics import shipped
from survey.database import get_db
from survey.models import Answer, CommentReading, Survey
from tests.reports.helpers import api, exported, stats_cli


@pytest.fixture
def commented(app, reported):
    """The reported survey with its bulk-loaded comments read (as the reports job does)."""
    slug = reported()
    with app.app_context():
        session = get_db(app).session()
        survey = session.scalar(select(Survey).where(Survey.slug == slug))
        read_unread(session, survey.id)
        session.commit()
    return slug


@pytest.mark.parametrize(
    ("topic", "branch"), [("queue", None), ("attitude", None), ("queue", "SZ-001")]
)
def test_a_topic_share_equals_survey_stats_on_the_export(
    app, client, auth, runner, tmp_path, commented, topic, branch
):
    auth.login_as("manager")
    path, rows = exported(client, commented, tmp_path)
    column = f"_topic_{topic}"
    assert {r[column] for r in rows} == {"", "0", "1"}  # empty: no comment was read
    options = ["--var", column, "--stat", "prop", "--strata", "_stratum", "--weights", "_weight",
               "--fpc", "_fpc", "--lonely-psu", "adjust", "--format", "json"]  # fmt: skip
    if branch:
        options += ["--by", "branch", "--domain-df", "domain"]  # the pages: own df
    cli = stats_cli(runner, path, *options)["estimates"]
    expected = next(e for e in cli if e["by"] is None or e["by"] == {"branch": branch})
    with app.app_context():
        session = get_db(app).session()
        survey = session.scalar(select(Survey).where(Survey.slug == commented))
        table = topic_table(
            session, survey_design(session, survey), ReportScope(), shipped().keys, "branch"
        )
    figure = table.by_domain[branch][topic] if branch else table.overall[topic]
    assert figure.n == expected["n"]
    assert figure.estimate == pytest.approx(100 * expected["estimate"], rel=1e-9)
    assert figure.low == pytest.approx(100 * expected["ci_low"], rel=1e-9)
    assert figure.high == pytest.approx(100 * expected["ci_high"], rel=1e-9)
    assert figure.se == pytest.approx(100 * expected["se"], rel=1e-9)


def test_the_page_shows_shares_and_finds_either_script(client, auth, db, commented):
    first = db.scalars(
        select(Answer).where(Answer.question_id == "q_comment").order_by(Answer.id)
    ).first()
    first.value_text = "櫃員態度很差，排隊太久"
    db.commit()
    auth.login_as("manager")
    page = client.get(f"/reports/{commented}/comments?q=柜员态度").text
    assert "櫃員態度很差，排隊太久" in page  # typed in Traditional, searched in Simplified
    shares = client.get(f"/reports/{commented}/comments?by=branch").text
    assert 'id="topic-shares"' in shares and 'id="topics-by"' in shares and "SZ-001" in shares
    topical = client.get(f"/reports/{commented}/comments?topic=queue").text
    readings = db.scalars(select(CommentReading)).all()
    in_queue = sum("queue" in r.topics for r in readings)
    assert f"{in_queue} comments" in topical
    assert client.get(f"/reports/{commented}/comments?topic=nonsense").status_code == 404
    assert client.get(f"/reports/{commented}/comments?by=password").status_code == 404


def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.mark.parametrize("branch", [None, "SZ-001"])
def test_the_pdf_headline_equals_the_estimates_api(
    client, auth, runner, tmp_path, commented, branch
):
    output = tmp_path / "report.pdf"
    options = ["--period", "2026-10", "--language", "en", "--output", str(output)]
    if branch:
        options += ["--branch", branch]
    result = runner.invoke(args=["reports", "render", commented, *options])
    assert result.exit_code == 0, result.output
    text = _pdf_text(output)
    auth.login_as("manager")
    scope = {"period": "2026-10", **({"branch": branch} if branch else {})}
    compared = 0
    for label, var, stat, scale, places in (
        ("Satisfied (top-2-box CSAT), %", "q_overall", "top2", 100, 1),
        ("Mean satisfaction score", "q_overall", "mean", 1, 2),
        ("Net Promoter Score", "q_nps", "nps", 1, 1),
    ):
        estimate = api(client, commented, var=var, stat=stat, **scope)["estimates"][0]
        line = next(line for line in text.splitlines() if line.startswith(label))
        if estimate["flag"] == "suppress":  # the presentation standard, as on the pages
            assert "withheld" in line, line
            continue
        numbers = re.findall(r"-?\d+\.\d+", line.removeprefix(label).split(")", 1)[-1])
        printed, low, high = (float(n) for n in numbers[:3])
        assert printed == round(scale * estimate["estimate"], places), line
        assert (low, high) == (
            round(scale * estimate["ci_low"], places),
            round(scale * estimate["ci_high"], places),
        )
        assert str(estimate["n"]) in line
        compared += 1
    assert compared == 3 or branch, "the whole bank's month is printed"
    assert ("Branch SZ-001" if branch else "Every branch") in text and "Method" in text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--branch", "XX-404"], "no complete response from branch 'XX-404'"),
        (["--period", "2026-13"], "neither a month"),
    ],
)
def test_a_report_on_bad_input_is_refused_clearly(runner, tmp_path, commented, options, message):
    output = tmp_path / "no.pdf"
    result = runner.invoke(args=["reports", "render", commented, *options, "--output", str(output)])
    assert result.exit_code == 1 and message in result.output and not output.exists()

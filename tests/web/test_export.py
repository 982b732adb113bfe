"""`survey export`: the contract's columns, codes, a codebook, no personal data, no formulas."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from tests.web.test_personal_links import COUNTER_PAGE_1, COUNTER_PAGE_2, post_page, start


@pytest.fixture
def completed(client, fielded):
    survey_id = fielded("branch-counter")
    contact = {
        "title": "王先生",
        "name": "王伟",
        "phone": "+8613800138000",
        "attributes": {"branch": "SZ-001", "tier": "gold"},
    }
    token = fielded.invite(survey_id, contact)
    start(client, token)
    post_page(client, token, COUNTER_PAGE_1)
    post_page(client, token, COUNTER_PAGE_2)
    post_page(client, token, {"q_nps": "10", "q_comment": '=HYPERLINK("http://evil")'})
    partial = fielded.invite(survey_id, {"name": "李四", "attributes": {"branch": "SZ-002"}})
    start(client, partial)
    post_page(client, partial, {**COUNTER_PAGE_1, "q_overall": "1"})
    return "branch-counter-test"


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_follows_the_contract(runner, completed):
    result = runner.invoke(args=["export", completed, "--format", "csv"])
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split(",")
    assert header[:7] == [
        "response_id",
        "status",
        "mode",
        "language",
        "started_at",
        "completed_at",
        "questionnaire_version",
    ]
    assert header[7:9] == ["branch", "tier"]
    assert header[9:12] == ["_stratum", "_weight", "_fpc"]
    assert header[12:17] == ["q_competence", "q_helpful", "q_delay", "q_rude", "q_overall"]
    assert "q_env_clean" in header and "q_env" not in header  # matrix items are their own columns
    rows = read_csv(result.output)
    assert [r["status"] for r in rows] == ["complete", "partial"]
    complete, partial = rows
    assert (complete["q_overall"], complete["q_nps"], complete["branch"]) == ("3", "10", "SZ-001")
    assert (partial["q_overall"], partial["q_nps"]) == ("1", "")


def test_no_personal_data_and_no_formulas(runner, completed):
    output = runner.invoke(args=["export", completed, "--format", "csv"]).output
    for personal in ("王伟", "李四", "王先生", "13800138000"):
        assert personal not in output
    comment = read_csv(output)[0]["q_comment"]
    assert comment.startswith("'=HYPERLINK")


def test_json_has_columns_codebook_and_responses(runner, completed):
    document = json.loads(runner.invoke(args=["export", completed, "--format", "json"]).output)
    assert document["questionnaire"] == "branch-counter"
    assert len(document["responses"]) == 2
    codebook = {entry["variable"]: entry for entry in document["codebook"]}
    assert "3=好" in codebook["q_competence"]["values"]
    assert "-9=拒答" in codebook["q_competence"]["values"]


def test_xlsx_has_responses_and_codebook_sheets(runner, completed, tmp_path):
    path = tmp_path / "out.xlsx"
    result = runner.invoke(args=["export", completed, "--format", "xlsx", "--output", str(path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["responses", "codebook"]
    rows = list(book["responses"].iter_rows(values_only=True))
    assert rows[0][0] == "response_id" and len(rows) == 3
    assert rows[1][rows[0].index("q_overall")] == 3  # codes in digits are numbers


def test_csv_to_a_file_writes_a_codebook_beside_it(runner, completed, tmp_path):
    path = tmp_path / "out.csv"
    runner.invoke(args=["export", completed, "--format", "csv", "--output", str(path)])
    codebook = read_csv((tmp_path / "out.codebook.csv").read_text(encoding="utf-8"))
    assert any(entry["variable"] == "q_nps" for entry in codebook)


def test_export_of_an_unknown_survey_is_a_clear_error(runner):
    result = runner.invoke(args=["export", "nope"])
    assert result.exit_code == 1
    assert "No survey 'nope'" in result.output

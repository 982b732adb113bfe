"""What the exports hold (SPSS labels and user-missing codes, the report's tables) and what
the comments page shows (escaped text, search, no identity)."""

import csv
import io

import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from survey.models import Answer, Contact, Response


def test_the_spss_file_has_labels_missing_codes_and_the_design(client, auth, reported, tmp_path):
    slug = reported()
    auth.login_as("manager")
    path = tmp_path / "r.sav"
    path.write_bytes(client.get(f"/reports/{slug}/responses.sav").data)
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert {"w_stratum", "w_weight", "w_fpc", "q_overall", "branch"} <= set(frame.columns)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["q_overall"] == "总体来说，您对这位柜员的服务是否满意？"
    assert meta.variable_value_labels["q_overall"][3.0]
    assert meta.variable_value_labels["q_overall"][-9.0]
    declared = {r["lo"] for r in meta.missing_ranges["q_overall"]}
    assert {-9.0, -8.0} <= declared
    assert (frame["q_overall"] == -9).sum() == 7  # the refused answers, kept and declared missing
    complete = frame[frame["status"] == "complete"]
    assert complete["w_weight"].notna().all() and (complete["w_fpc"] >= 8000).all()


def test_the_report_tables_hold_the_page_figures(client, auth, reported):
    slug = reported()
    auth.login_as("manager")
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/reports/{slug}/tables.csv").data.decode("utf-8-sig"))
        )
    )
    api = client.get(f"/api/v1/surveys/{slug}/estimates?var=q_nps&stat=nps&by=tier").get_json()
    by_tier = {r["value"]: r for r in rows if r["table"] == "by_nps" and r["segment"] == "tier"}
    for entry in api["estimates"]:
        row = by_tier[entry["by"]["tier"]]
        assert row["n_eff"] and float(row["n_eff"]) == pytest.approx(entry["n_eff"], rel=1e-12)
        if row["note"].startswith("withheld (NCHS standard)"):
            assert row["estimate"] == "" and entry["flag"] == "suppress"
            continue
        assert entry["flag"] != "suppress"
        assert float(row["estimate"]) == pytest.approx(entry["estimate"], rel=1e-12)
        assert float(row["ci_high"]) == pytest.approx(entry["ci_high"], rel=1e-12)
        assert int(row["n"]) == entry["n"]
    assert {r["table"] for r in rows} >= {
        "headline",
        "by_csat",
        "by_mean",
        "by_nps",
        "by_csi",
        "touchpoints",
    }


def test_comments_are_escaped_searchable_and_anonymous(client, auth, db, reported):
    slug = reported()
    first = db.scalars(
        select(Answer).where(Answer.question_id == "q_comment").order_by(Answer.id)
    ).first()
    db.execute(
        update(Answer)
        .where(Answer.id == first.id)
        .values(value_text='<script>alert("x")</script> 排队太久')
    )
    db.add(
        Contact(survey_id=first.survey_id, customer_ref="C1", name="王小明", phone="+8613800000000")
    )
    db.commit()
    auth.login_as("manager")
    page = client.get(f"/reports/{slug}/comments?q=排队").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; 排队太久" in page
    assert "<script>alert" not in page
    assert "王小明" not in page and "13800000000" not in page
    response = db.get(Response, first.response_id)
    assert response.attributes["branch"] in page
    everything = client.get(f"/reports/{slug}/comments").get_data(as_text=True)
    assert everything.count('class="verbatim"') == 50 and "Page 1 of" in everything


@pytest.mark.parametrize(
    "path, status",
    [
        ("?period=2026-13", 400),
        ("?period=9999-12", 400),
        ("trends?period=9999-Q4", 400),
        ("segments?period=0000-01", 400),
        ("tables.csv?period=9999-12", 400),
        ("segments?by=password", 404),
        ("crosstab?rows=q_overall&columns=secret", 404),
        ("tables.pdf", 404),
        ("responses.exe", 404),
    ],
)
def test_bad_addresses_get_clear_errors(client, auth, reported, path, status):
    slug = reported()
    auth.login_as("manager")
    assert client.get(f"/reports/{slug}/{path}").status_code == status
    assert client.get("/reports/no-such-survey/").status_code == 404


HOSTILE = ['=HYPERLINK("http://x","y")', "a b", "a_b", "年龄段", "年龄组"]


def _with_attributes(db, slug, names):
    """Give every response the attribute names (as a file imported before this version might
    have): values alternate so every name has two groups."""
    responses = db.scalars(select(Response).order_by(Response.id)).all()
    for index, response in enumerate(responses):
        extra = {name: f"v{index % 2}" for name in names}
        response.attributes = {**(response.attributes or {}), **extra}
    db.commit()


def test_export_headers_and_codebook_never_hold_a_live_formula(client, auth, db, reported):
    slug = reported()
    _with_attributes(db, slug, HOSTILE)
    auth.login_as("manager")
    header = next(csv.reader(io.StringIO(client.get(f"/reports/{slug}/responses.csv").text)))
    assert "'" + HOSTILE[0] in header and HOSTILE[0] not in header
    book = load_workbook(io.BytesIO(client.get(f"/reports/{slug}/responses.xlsx").data))
    cells = [c.value for row in book["responses"].iter_rows(max_row=1) for c in row]
    cells += [c.value for row in book["codebook"].iter_rows() for c in row]
    assert not [c for c in cells if isinstance(c, str) and c.startswith("=")]


def test_spss_names_that_clash_once_made_safe_stay_apart(client, auth, db, reported, tmp_path):
    slug = reported()
    _with_attributes(db, slug, HOSTILE)
    auth.login_as("manager")
    response = client.get(f"/reports/{slug}/responses.sav")
    assert response.status_code == 200
    path = tmp_path / "r.sav"
    path.write_bytes(response.data)
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(set(c.lower() for c in frame.columns)) == len(frame.columns)
    labels = set(meta.column_labels)
    assert {"a b", "a_b", "年龄段", "年龄组"} <= labels

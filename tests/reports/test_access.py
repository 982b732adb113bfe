"""Who may read reports, the API and the exports: roles, branch limits, tokens, audit."""

import csv
import io
import re
from datetime import date

import numpy as np
import pytest
from sqlalchemy import func, select

from survey.analysis.facts import refresh_facts
from survey.database import get_db
from survey.demo.reports import add_populations, answer_survey
from survey.models import ApiToken, AuditEvent, Response, Survey
from survey.responses.invitations import invite
from tests.conftest import REPORTED_AT, STRATA, csrf_token_from

PAGES = ["", "segments", "trends", "attributes", "crosstab", "comments", "exports"]


@pytest.mark.parametrize("page", PAGES)
def test_every_report_page_answers_a_manager(client, auth, reported, page):
    slug = reported()
    auth.login_as("manager")
    response = client.get(f"/reports/{slug}/{page}")
    assert response.status_code == 200
    assert "Weighted to the sample frame" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["interviewer", "supervisor"])
def test_other_roles_get_403_and_visitors_sign_in(client, auth, reported, role):
    slug = reported()
    assert client.get(f"/reports/{slug}/").status_code == 302
    auth.login_as(role)
    for page in PAGES:
        assert client.get(f"/reports/{slug}/{page}").status_code == 403
    assert client.get(f"/reports/{slug}/responses.csv").status_code == 403


def test_a_manager_limited_to_branches_sees_only_those(client, auth, make_user, reported):
    slug = reported()
    make_user("north", "manager", branches=["SZ-001", "SZ-002"])
    auth.login("north")
    page = client.get(f"/reports/{slug}/segments?by=branch").get_data(as_text=True)
    assert "SZ-001" in page and "GZ-001" not in page and "HK-001" not in page
    assert client.get(f"/reports/{slug}/?branch=GZ-001").status_code == 403
    assert client.get(f"/reports/{slug}/?branch=SZ-002").status_code == 200
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/reports/{slug}/responses.csv").get_data(as_text=True))
        )
    )
    assert rows and {r["branch"] for r in rows} == {"SZ-001", "SZ-002"}
    api = client.get(f"/api/v1/surveys/{slug}/estimates?var=q_overall&by=branch").get_json()
    assert [e["by"]["branch"] for e in api["estimates"]] == ["SZ-001", "SZ-002"]
    assert (
        client.get(f"/api/v1/surveys/{slug}/estimates?var=q_overall&branch=HK-001").status_code
        == 403
    )


def test_the_api_answers_401_403_and_located_400s(client, auth, reported):
    slug = reported()
    url = f"/api/v1/surveys/{slug}/estimates"
    response = client.get(f"{url}?var=q_overall")
    assert response.status_code == 401 and "Bearer" in response.headers["WWW-Authenticate"]
    assert (
        client.get(
            f"{url}?var=q_overall", headers={"Authorization": "Bearer sat_guess"}
        ).status_code
        == 401
    )
    auth.login_as("interviewer")
    assert client.get(f"{url}?var=q_overall").status_code == 403
    auth.logout()
    auth.login_as("manager")
    for query, words in [
        ("var=nope", "var 'nope'"),
        ("var=q_overall&stat=median", "stat must be one of"),
        ("var=q_overall&stat=prop", "needs a yes/no"),
        ("var=q_overall&by=secret", "by 'secret'"),
        ("var=q_overall&confidence_level=2", "confidence_level"),
        ("var=q_overall&period=2026-13", "period"),
        ("var=q_overall&period=9999-12", "outside the years"),
        ("var=q_overall&period=0000-01", "outside the years"),
        ("var=q_overall&confidence_level=abc", "confidence_level must be a number"),
        ("", "var is required"),
    ]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, query
        assert words in response.get_json()["error"], query
    assert client.get("/api/v1/surveys/nothing/estimates?var=q_overall").status_code == 404


def _issue(client, name, branches=""):
    page = client.get("/admin/tokens").get_data(as_text=True)
    response = client.post(
        "/admin/tokens",
        data={"name": name, "branches": branches, "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    start = html.index('class="mono token-value">') + len('class="mono token-value">')
    return html[start : html.index("<", start)]


def test_admin_issues_and_revokes_api_tokens(app, client, auth, db, reported):
    slug = reported()
    auth.login_as("admin")
    token = _issue(client, "BI dashboard", "SZ-001")
    auth.logout()
    url = f"/api/v1/surveys/{slug}/estimates?var=q_overall&by=branch"
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [e["by"]["branch"] for e in response.get_json()["estimates"]] == ["SZ-001"]
    stored = db.scalar(select(ApiToken))
    assert stored.token_hash != token and token not in (stored.prefix + stored.token_hash)
    auth.login("admin")
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert token not in page, "a token is shown once, when issued"
    client.post(f"/admin/tokens/{stored.id}/revoke", data={"csrf_token": csrf_token_from(page)})
    auth.logout()
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    db.rollback()
    actions = [e.action for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "api_token_issued" in actions and "api_token_revoked" in actions


def test_issuing_a_token_needs_csrf_and_the_admin_role(client, auth):
    auth.login_as("manager")
    assert client.get("/admin/tokens").status_code == 403
    auth.logout()
    auth.login_as("admin")
    assert client.post("/admin/tokens", data={"name": "x"}).status_code == 400


def test_every_export_is_audited(client, auth, db, reported):
    slug = reported()
    auth.login_as("manager")
    for path in [
        "tables.csv",
        "tables.xlsx",
        "responses.csv",
        "responses.xlsx",
        "responses.sav",
        "analysis.R",
    ]:
        response = client.get(f"/reports/{slug}/{path}?branch=SZ-001")
        assert response.status_code == 200, path
        assert response.headers["Content-Disposition"].startswith("attachment")
    db.rollback()
    events = db.scalars(select(AuditEvent).where(AuditEvent.action.like("%exported"))).all()
    assert sorted(e.action for e in events) == sorted(
        ["report_tables_exported"] * 2 + ["responses_exported"] * 3 + ["r_script_exported"]
    )
    assert all(e.user_id is not None for e in events)


def test_a_survey_with_one_complete_a_stratum_is_explained_not_blamed_on_the_level(
    app, client, auth, fielded
):
    survey_id = fielded("branch-counter")
    with app.app_context():
        session = get_db(app).session()
        survey = session.get(Survey, survey_id)
        add_populations(session, survey, STRATA)
        for branch, frame in STRATA.items():
            one = {branch: frame}
            answer_survey(
                session, survey, one, "branch", date(2026, 10, 1), 1, np.random.default_rng(1),
                REPORTED_AT,
            )  # fmt: skip
        refresh_facts(session, survey, commit=False)
        session.commit()
        slug = survey.slug
    auth.login_as("manager")
    for query in ("", "&by=branch", "&stat=top2"):
        response = client.get(f"/api/v1/surveys/{slug}/estimates?var=q_overall{query}")
        assert response.status_code == 400, query
        assert "degrees of freedom" in response.get_json()["error"], query


@pytest.mark.parametrize("name", ['a"b', "c\\d", "年龄段"])
def test_a_breakdown_by_an_attribute_with_quotes_or_backslashes_has_its_groups(
    client, auth, db, reported, name
):
    slug = reported()
    for index, response in enumerate(db.scalars(select(Response).order_by(Response.id))):
        response.attributes = {**response.attributes, name: f"g{index % 2}"}
    db.commit()
    auth.login_as("manager")
    response = client.get(
        f"/api/v1/surveys/{slug}/estimates", query_string={"var": "q_overall", "by": name}
    )
    assert response.status_code == 200, response.get_json()
    groups = [e["by"][name] for e in response.get_json()["estimates"]]
    assert groups == ["g0", "g1"]


def test_a_branch_limited_manager_s_home_and_method_note_name_no_other_branch(
    client, auth, db, make_user, reported
):
    slug = reported()
    make_user("north", "manager", branches=["SZ-001"])
    auth.login("north")
    mine = db.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.status == "complete", Response.attributes["branch"].as_string() == "SZ-001")
    )
    home = client.get("/reports/", headers={"Accept-Language": "en"}).text
    row = home[home.index(f"/reports/{slug}/") :].split("</tr>")[0]
    assert re.search(rf">\s*{mine}\s*<", row), row
    overview = client.get(f"/reports/{slug}/", headers={"Accept-Language": "en"}).text
    note = overview[overview.index("How these figures are made") :].split("</p>")[0]
    assert "GZ-001" not in note and "SZ-002" not in note and "5 strata" in note


def test_a_survey_without_a_drawn_sample_says_so_and_gives_no_response_rate(
    client, auth, db, reported
):
    """Responses weighted to frame counts but never drawn by this survey (open links, links
    handed out): the note does not claim a random draw, and ad-hoc links make no RR."""
    slug = reported()
    survey = db.scalar(select(Survey).where(Survey.slug == slug))
    for _ in range(4):  # links given to no one in particular, one answered
        invite(db, survey, None)
    db.commit()
    auth.login_as("manager")
    overview = client.get(f"/reports/{slug}/", headers={"Accept-Language": "en"}).text
    assert "were not drawn at random from the frame" in overview
    assert "Customers were drawn at random" not in overview
    tile = overview[overview.index("Response rate (AAPOR RR1)") :].split("</div>")[0]
    assert "—" in tile and "no probability sample" in tile

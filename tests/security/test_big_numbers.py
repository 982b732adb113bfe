"""Numbers past what the database holds (2^63 and beyond) in addresses and form fields: a
404 or a located message, never a 500."""

import pytest
from sqlalchemy import func, select

from survey.models import SampleDraw
from tests.conftest import csrf_token_from

HUGE = str(10**20)


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("interviewer", "GET", f"/cati/case/{HUGE}"),
        ("interviewer", "GET", f"/cati/case/{HUGE}/interview"),
        ("interviewer", "GET", f"/cati/case/{HUGE}/outcome"),
        ("admin", "GET", f"/admin/questionnaires/{HUGE}/preview/web/en"),
        ("admin", "GET", f"/admin/users/{HUGE}"),
        ("supervisor", "GET", f"/fieldwork/SLUG/imports/{HUGE}"),
        ("supervisor", "GET", f"/fieldwork/SLUG/cases/{HUGE}"),
        ("admin", "POST", f"/admin/tokens/{HUGE}/revoke"),
        ("admin", "POST", f"/admin/users/{HUGE}/unlock"),
        ("supervisor", "POST", f"/fieldwork/SLUG/cases/{HUGE}/release"),
        ("supervisor", "POST", f"/fieldwork/SLUG/quotas/{HUGE}/delete"),
    ],
)
def test_an_id_past_the_database_s_integers_is_not_found(auth, client, fielded, role, method, path):
    fielded("branch-counter", slug="SLUG")
    auth.login_as(role)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"csrf_token": token} if method == "POST" else None
    assert client.open(path, method=method, data=data).status_code == 404


@pytest.mark.parametrize("path", ["/fieldwork/SLUG/cases", "/reports/SLUG/comments"])
def test_a_page_number_past_reason_shows_the_first_page(auth, client, reported, path):
    slug = reported()
    auth.login_as("admin")
    response = client.get(path.replace("SLUG", slug) + f"?page={HUGE}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [("size", HUGE), ("minimum", HUGE), ("replicates", HUGE), ("size", "-" + HUGE)],
)
def test_a_draw_with_a_huge_number_is_refused_beside_its_field(
    auth, client, db, fielded, field, value
):
    fielded("branch-counter", slug="SLUG")
    auth.login_as("supervisor")
    page = client.get("/fieldwork/SLUG/sample").get_data(as_text=True)
    data = {"size": "20", "method": "proportional", "minimum": "0", "replicates": "1"}
    data.update({field: value, "csrf_token": csrf_token_from(page)})
    response = client.post("/fieldwork/SLUG/draw", data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    label = {"size": "Sample size", "minimum": "Minimum per stratum"}.get(field, "Replicates")
    assert f"Check the draw: {label}" in html
    assert "Number must be between" in html
    assert db.scalar(select(func.count()).select_from(SampleDraw)) == 0

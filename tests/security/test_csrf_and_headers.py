"""CSRF on every state-changing request; security headers on every answer; cookie flags."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey import create_app
from survey.database import get_db
from survey.models import Base
from tests.conftest import _fresh_database_url
from tests.security.test_route_matrix import ROUTES, _address, _allowed


def _everything(db) -> dict:
    """Every row of every table: what a refused request must leave untouched."""
    db.rollback()
    return {
        table.name: sorted(map(repr, db.execute(select(table)).all()))
        for table in Base.metadata.sorted_tables
    }


def _who_may(endpoint: str, visitors):
    allowed = _allowed(endpoint)
    role = "admin" if allowed is None or "admin" in allowed else sorted(allowed)[0]
    return visitors[role]


POSTS = [(e, r) for e, r, m in ROUTES if m == "POST"]


@pytest.mark.parametrize("token", ["missing", "another session's"])
def test_every_state_changing_request_needs_the_sessions_csrf_token(
    app, db, visitors, world, token
):
    stranger = visitors["manager"].csrf  # valid, but for another session
    before = _everything(db)
    accepted = []
    for endpoint, rule in POSTS:
        visitor = _who_may(endpoint, visitors)
        data = {} if token == "missing" else {"csrf_token": stranger}
        reply = visitor.client.post(_address(rule, endpoint, world), data=data)
        if reply.status_code != 400 or "expired or was not sent from this site" not in reply.text:
            accepted.append(f"POST {rule}: {reply.status_code}")
    assert not accepted
    assert len(POSTS) >= 20
    assert _everything(db) == before


def test_the_api_takes_no_form_posts(visitors, world):
    reply = visitors["manager"].client.post(
        f"/api/v1/surveys/{world.slug}/estimates", data={"csrf_token": visitors["manager"].csrf}
    )
    assert reply.status_code == 405


@pytest.mark.parametrize("role", [None, "admin"])
def test_every_page_carries_the_security_headers(visitors, world, role):
    missing = []
    for endpoint, rule, method in ROUTES:
        if method != "GET":
            continue
        reply = visitors[role].client.get(_address(rule, endpoint, world))
        reply.close()
        headers = reply.headers
        policy = headers.get("Content-Security-Policy", "")
        checks = {
            "CSP": "default-src 'self'" in policy and "unsafe-inline" not in policy,
            "frame-ancestors": "frame-ancestors 'none'" in policy,
            "nosniff": headers.get("X-Content-Type-Options") == "nosniff",
            "referrer": headers.get("Referrer-Policy") == "no-referrer",
            "no-store": reply.mimetype != "text/html" or headers.get("Cache-Control") == "no-store",
        }
        missing += [f"{rule}: {name}" for name, ok in checks.items() if not ok]
    assert not missing


def test_production_cookies_are_secure_and_hsts_is_sent(migrated_database, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_ENV", "production")
    app = create_app({"SURVEY_DATABASE_URL": _fresh_database_url(migrated_database, tmp_path)})
    try:
        client = app.test_client()
        page = client.get("/login")
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        cookie = page.headers["Set-Cookie"]  # the session that carries the CSRF token
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        get_db(app).engine.dispose()

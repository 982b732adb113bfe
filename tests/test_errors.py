"""Error pages: the right status, in the user's language, never a stack trace."""

import pytest
from sqlalchemy import select

from survey.database import db_session
from survey.models import AuditEvent


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Page not found"),
        ("zh-CN", "页面不存在"),
        ("zh-TW", "找不到頁面"),
        ("zh-HK", "找不到頁面"),
    ],
)
def test_404_in_the_browsers_language(client, language, text):
    response = client.get("/no/such/page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_405_page(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "This page cannot be used that way." in response.get_data(as_text=True)


def test_413_for_a_huge_body(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"username": "x" * 5000})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_500_page_hides_the_error_and_rolls_back(app, client):
    @app.get("/boom")
    def boom():
        db_session().add(AuditEvent(action="half-written"))
        db_session().flush()
        raise RuntimeError("secret internal detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom", headers={"Accept-Language": "zh-CN"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "出错了" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body
    with app.app_context():
        assert (
            db_session().scalar(select(AuditEvent).where(AuditEvent.action == "half-written"))
            is None
        )


def test_json_clients_get_json_errors(client):
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "Page not found"


def test_security_headers(client):
    headers = client.get("/login").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"

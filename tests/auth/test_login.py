"""Sign-in, sign-out, the temporary lock and CSRF on the sign-in form."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.accounts.staff import set_password
from survey.models import AuditEvent, User, utcnow
from tests.conftest import PASSWORD, csrf_token_from

HOMES = {
    "admin": "/admin/",
    "manager": "/reports/",
    "supervisor": "/fieldwork/",
    "interviewer": "/cati/",
}


def test_login_page_has_the_contract_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'name="csrf_token"' in html


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_lands_on_its_home(auth, client, role):
    response = auth.login_as(role)
    assert response.headers["Location"] == HOMES[role]
    assert client.get(HOMES[role]).status_code == 200


def test_sign_in_follows_a_local_next_but_not_another_site(auth, client, make_user):
    make_user("mgr", "manager")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    form = {"username": "mgr", "password": PASSWORD, "csrf_token": token}
    local = client.post("/login?next=/reports/", data=form)
    assert local.headers["Location"] == "/reports/"
    auth.logout()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    form["csrf_token"] = token
    evil = client.post("/login?next=https://evil.example/", data=form)
    assert evil.headers["Location"] == "/reports/"


def test_wrong_password_is_refused_with_a_clear_message(auth, make_user):
    make_user("ann", "manager")
    response = auth.login("ann", "not-the-password")
    assert response.status_code == 401
    assert "The username or password is not correct" in response.get_data(as_text=True)


def test_unknown_user_gets_the_same_message(auth):
    response = auth.login("nobody", "whatever-password")
    assert response.status_code == 401
    assert "The username or password is not correct" in response.get_data(as_text=True)


def test_repeated_failures_lock_the_account_even_for_the_right_password(app, auth, make_user, db):
    user_id = make_user("bob", "supervisor")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert auth.login("bob", "wrong-password-x").status_code == 401
    db.expire_all()
    assert db.get(User, user_id).locked_until is not None
    locked = auth.login("bob", PASSWORD)
    assert locked.status_code == 401
    assert "locked for a while" in locked.get_data(as_text=True)


def _answer(response) -> tuple[int, str]:
    html = response.get_data(as_text=True)
    return response.status_code, html[html.index("<form") :].split('name="csrf_token"')[0]


def test_the_lock_does_not_tell_which_usernames_exist(app, auth, make_user):
    make_user("eve", "manager")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2):
        real = auth.login("eve", "wrong-password-x")
        unknown = auth.login("nobody-at-all", "wrong-password-x")
        assert _answer(real) == _answer(unknown)


def test_one_address_is_limited_whichever_usernames_it_tries(app, auth, client, make_user):
    app.config["SIGN_IN_LIMIT"] = 4
    make_user("fay", "manager")
    guesses = [
        auth.login(f"user{n}", "wrong-password-x", environ_base={"REMOTE_ADDR": "198.51.100.3"})
        for n in range(5)
    ]
    assert [g.status_code for g in guesses] == [401] * 4 + [429]
    right = auth.login("fay", PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.3"})
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    elsewhere = auth.login("fay", PASSWORD, environ_base={"REMOTE_ADDR": "203.0.113.4"})
    assert elsewhere.status_code == 302


def test_lock_expires(app, auth, make_user, db):
    user_id = make_user("cat", "manager", locked_until=utcnow() - timedelta(minutes=1))
    assert auth.login("cat", PASSWORD).status_code == 302
    db.expire_all()
    assert db.get(User, user_id).locked_until is None


def test_deactivated_account_cannot_sign_in(auth, make_user):
    make_user("dan", "manager", active=False)
    assert auth.login("dan", PASSWORD).status_code == 401


def test_sign_ins_are_audited(auth, make_user, db):
    make_user("eve", "manager")
    auth.login("eve", "bad-password-1")
    auth.login("eve", PASSWORD)
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["sign_in_failed", "sign_in"]


def test_missing_csrf_token_is_a_clear_400(client, make_user):
    make_user("fay", "manager")
    response = client.post("/login", data={"username": "fay", "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_csrf_token_from_another_session_is_refused(app, client, make_user):
    make_user("gus", "manager")
    other = app.test_client()
    stale = csrf_token_from(other.get("/login").get_data(as_text=True))
    client.get("/login")
    response = client.post(
        "/login", data={"username": "gus", "password": PASSWORD, "csrf_token": stale}
    )
    assert response.status_code == 400


def test_over_long_username_is_a_form_error(client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": "x" * 500, "password": "p", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "Use at most 64 characters." in response.get_data(as_text=True)


def test_sign_out_needs_post_and_ends_the_session(auth, client):
    auth.login_as("manager")
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 302
    assert client.get("/reports/").headers["Location"].startswith("/login")


def test_password_change_ends_other_sessions(app, auth, client, db):
    auth.login_as("manager")
    user = db.scalar(select(User).where(User.username == "manager"))
    set_password(user, "a-brand-new-password")
    db.commit()
    assert client.get("/reports/").status_code == 302


def test_session_cookie_flags(app, auth, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = auth.login_as("manager")
    cookie = next(
        v for v in response.headers.getlist("Set-Cookie") if v.startswith("survey_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie


def test_passwords_are_stored_as_scrypt_hashes():
    from tests.conftest import PRODUCTION_PASSWORD_HASH

    stored = PRODUCTION_PASSWORD_HASH("correct-horse-battery")
    assert stored.startswith("scrypt:") and "correct-horse" not in stored

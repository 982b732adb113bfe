"""Every role rule of DESIGN.md: signed out → /login, wrong role → 403, right role → 200."""

import pytest

from tests.conftest import csrf_token_from

ROLES = ["admin", "manager", "supervisor", "interviewer"]
# Which roles may open each home; admins may do everything.
ALLOWED = {
    "/cati/": {"interviewer", "admin"},
    "/fieldwork/": {"supervisor", "admin"},
    "/reports/": {"manager", "admin"},
    "/admin/": {"admin"},
    "/admin/questionnaires/": {"admin"},
}


@pytest.mark.parametrize("path", sorted(ALLOWED))
def test_signed_out_visitor_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(ALLOWED))
def test_role_rules(auth, client, role, path):
    auth.login_as(role)
    expected = 200 if role in ALLOWED[path] else 403
    assert client.get(path).status_code == expected


def test_forbidden_page_is_explained(auth, client):
    auth.login_as("interviewer")
    response = client.get("/reports/")
    assert response.status_code == 403
    assert "Your account does not have access to this page." in response.get_data(as_text=True)


def test_admin_actions_are_refused_to_other_roles(auth, client, make_user):
    target = make_user("target", "interviewer")
    auth.login_as("supervisor")
    token = csrf_token_from(client.get("/fieldwork/").get_data(as_text=True))
    response = client.post(f"/admin/users/{target}/deactivate", data={"csrf_token": token})
    assert response.status_code == 403


def test_root_sends_each_user_home(auth, client):
    assert client.get("/").headers["Location"] == "/login"
    auth.login_as("supervisor")
    assert client.get("/").headers["Location"] == "/fieldwork/"

"""Every route × every role (and signed out): the outcome DESIGN.md's roles table gives.

The test walks the application's own URL map, so a route added without a rule here fails
until someone decides who may use it.
"""

from __future__ import annotations

import os
import tempfile

import pytest

from survey import create_app

# Who may use each area (admins may do everything). None: anyone, signed in or not.
AREA_ROLES = {
    "cati": {"interviewer"},
    "fieldwork": {"supervisor"},
    "inbox": {"manager", "supervisor"},
    "mypage": {"staff"},
    "notifications": {"manager", "supervisor"},
    "reports": {"manager"},
    "admin": {"admin"},
    "api": {"manager"},
}
PUBLIC = {
    "static",
    "health.healthz",
    "health.queue_health",
    "auth.login",
    "auth.home",
    "auth.logout",
    "i18n.switch_language",
    "web.personal",
    "web.opt_out",
    "web.open_link",
    "web.kiosk",
    "web.kiosk_reset",
}
KINDS = {
    "fieldwork.upload": "sample",
    "reports.responses": "csv",
    "reports.tables": "xlsx",
    "fieldwork.qr_code": "svg",
}


def _routes() -> list:
    """Every (endpoint, rule, method) of the application, read at collection time."""
    with tempfile.TemporaryDirectory() as instance:
        saved = dict(os.environ)
        os.environ.update(SURVEY_INSTANCE_PATH=instance, SECRET_KEY="collection-only")
        try:
            app = create_app({"TESTING": True, "SURVEY_DATABASE_URL": "sqlite://"})
        finally:
            os.environ.clear()
            os.environ.update(saved)
    routes = [
        (rule.endpoint, rule.rule, method)
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        for method in sorted(rule.methods & {"GET", "POST"})
    ]
    # Signing out ends the visitor's session: last, so it cannot hide another route's answer.
    return sorted(routes, key=lambda route: route[0] == "auth.logout")


ROUTES = _routes()


def _area(endpoint: str) -> str:
    return "public" if endpoint in PUBLIC else endpoint.split(".")[0]


def _allowed(endpoint: str) -> set[str] | None:
    if endpoint in PUBLIC:
        return None
    area = endpoint.split(".")[0]
    assert area in AREA_ROLES, f"{endpoint}: no access rule in this test; add one"
    return AREA_ROLES[area] | {"admin"}


def _address(rule: str, endpoint: str, world) -> str:
    values = {
        "slug": world.slug,
        "case_id": world.case_id,
        "job_id": 1,
        "token_id": world.api_token_id,
        "user_id": world.user_ids["target"],
        "action": "deactivate",
        "index": 0,
        "kind": KINDS.get(endpoint, "csv"),
        "version_id": world.version_id,
        "mode": "web",
        "language": "en",
        "token": world.link_token,
        "filename": "css/app.css",
        "key": "branch-counter",
        "step": "contact",
        "number": "T2",
        "alert_id": 1,
        "subscription_id": 1,
        "report_id": 1,
        "response_id": 1,
    }
    address = rule
    for name, value in values.items():
        for converter in ("", "int:", "path:"):
            address = address.replace(f"<{converter}{name}>", str(value))
    assert "<" not in address, f"{rule}: no test value for its arguments"
    return address


def test_every_route_has_a_rule():
    for endpoint, _rule, _method in ROUTES:
        _allowed(endpoint)


@pytest.mark.parametrize("area", sorted({_area(endpoint) for endpoint, _, _ in ROUTES}))
def test_routes_answer_each_role_as_the_roles_table_says(visitors, world, area):
    wrong = []
    for endpoint, rule, method in ROUTES:
        if _area(endpoint) == area:
            wrong += _wrong_answers(visitors, world, endpoint, rule, method)
    assert not wrong, "\n".join(wrong)


def _wrong_answers(visitors, world, endpoint, rule, method) -> list[str]:
    """Each role's answer to one route that differs from the roles table."""
    address = _address(rule, endpoint, world)
    allowed = _allowed(endpoint)
    wrong = []
    for role, visitor in visitors.items():
        if method == "GET":
            reply = visitor.client.get(address)
        else:
            reply = visitor.client.post(address, data={"csrf_token": visitor.csrf})
        reply.close()
        status = reply.status_code
        to_login = status == 302 and reply.headers["Location"].startswith("/login")
        if status >= 500:
            wrong.append(f"{role}: {status}")
        elif allowed is None:
            if status in (401, 403):
                wrong.append(f"{role}: {status} on a public page")
        elif role is None:
            expected = 401 if endpoint.startswith("api.") else 302
            if status != expected or (status == 302 and not to_login):
                wrong.append(f"signed out: {status}, not sent to sign in")
        elif role in allowed:
            if status in (401, 403) or to_login:
                wrong.append(f"{role}: {status}, but the role may use it")
        elif status != 403:
            wrong.append(f"{role}: {status}, not 403")
    return [f"{method} {address}: {problem}" for problem in wrong]

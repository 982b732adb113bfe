"""Arbitrary posts to sign-in, every staff form, the imports and the report filters: never a
server error, and the stored data keep their rules."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from survey.aapor.dispositions import DISPOSITIONS
from survey.models import CallAttempt, Contact, HotlineCall, Role, Survey, User
from tests.conftest import PASSWORD, csrf_token_from
from tests.fieldwork.test_pages import upload, wait_for
from tests.fuzz.conftest import FUZZ, texts
from tests.security.conftest import visitors, world  # noqa: F401 (fixtures)
from tests.security.test_route_matrix import ROUTES, _address, _allowed

SURVEY_STATUSES = {"draft", "open", "paused", "closed"}


def broken_rules(db) -> list[str]:
    """Stored rows that break the product's rules, whatever was posted."""
    db.rollback()
    broken = [f"role {r}" for r in db.scalars(select(User.role)) if r not in set(Role)]
    broken += [f"status {s}" for s in db.scalars(select(Survey.status)) if s not in SURVEY_STATUSES]
    broken += [
        f"disposition {c}"
        for c in db.scalars(select(CallAttempt.disposition))
        if c not in DISPOSITIONS
    ]
    for ref, phone in db.execute(select(Contact.customer_ref, Contact.phone)):
        if not ref or not ref.strip():
            broken.append("contact without a customer_ref")
        if phone and not phonenumbers.is_valid_number(phonenumbers.parse(phone)):
            broken.append(f"phone {phone}")
    return broken


@FUZZ
@given(username=texts, password=texts, next_page=st.one_of(texts, st.just("//evil.example/")))
def test_sign_in_takes_anything(client, username, password, next_page):
    page = client.get("/login").text
    reply = client.post(
        f"/login?next={next_page}",
        data={"username": username, "password": password, "csrf_token": csrf_token_from(page)},
    )
    assert reply.status_code in (200, 400, 401, 429)  # garbage never signs in


def test_sign_in_fuzz_would_see_a_real_sign_in(client, make_user):
    make_user("real", "manager")
    page = client.get("/login").text
    reply = client.post(
        "/login",
        data={"username": "real", "password": PASSWORD, "csrf_token": csrf_token_from(page)},
    )
    assert reply.status_code == 302


STAFF_POSTS = sorted(
    (endpoint, rule)
    for endpoint, rule, method in ROUTES
    if method == "POST" and _allowed(endpoint) is not None
)
FIELD_NAMES = [
    "username", "password", "role", "display_name", "branches", "name", "size", "method",
    "minimum", "seed", "replicates", "replicate", "rate", "queue_rate", "min_talk",
    "due_hours", "mode", "interviewer", "target", "cell", "attribute", "value", "limit",
    "language", "code", "note", "action", "file", "after_days", "staff_number", "team",
    "active_from", "active_to", "unit", "customer", "peer", "ops", "lobby", "valid_only",
]  # fmt: skip


@pytest.mark.parametrize(("endpoint", "rule"), STAFF_POSTS, ids=[r for _, r in STAFF_POSTS])
def test_every_staff_form_takes_anything(visitors, world, db, endpoint, rule):  # noqa: F811
    admin = visitors["admin"]
    address = _address(rule, endpoint, world)

    @FUZZ
    @given(
        fields=st.dictionaries(
            st.one_of(st.sampled_from(FIELD_NAMES), texts),
            st.lists(st.one_of(texts, st.sampled_from(["1", "0", "y", "admin", "50"])), max_size=3),
            max_size=8,
        )
    )
    def post_anything(fields):
        reply = admin.client.post(address, data={**fields, "csrf_token": admin.csrf})
        event(f"{reply.status_code}")
        assert reply.status_code < 500

    post_anything()
    assert broken_rules(db) == []


CELLS = st.one_of(
    texts,
    st.sampled_from(["13800138000", "+85291234567", "SZ-001", "2026-11-01 09:00:00", "120", "0"]),
)
GOOD_ROWS = {
    "sample": st.builds(
        lambda n: [f"C{n}", f"1380013{n:04d}", f"c{n}@example.cn", "王伟", "SZ-001", "gold", "en"],
        st.integers(0, 9999),
    ),
    "calls": st.builds(
        lambda n: [f"K{n}", f"C{n}", f"1380013{n:04d}", "cards", "A7", "2026-11-20 09:00", "200"],
        st.integers(0, 9999),
    ),
}
COLUMNS = {
    "sample": ["customer_ref", "phone", "email", "name", "branch", "tier", "language"],
    "calls": [
        "call_id",
        "customer_ref",
        "phone",
        "queue",
        "agent_id",
        "start_time",
        "talk_seconds",
    ],
}


@pytest.mark.parametrize("kind", ["sample", "calls"])
def test_imports_take_any_file(visitors, world, db, kind):  # noqa: F811
    survey = db.get(Survey, world.survey_id)
    supervisor = visitors["supervisor"].client
    imported = []

    @FUZZ
    @given(
        header=st.one_of(
            st.just(COLUMNS[kind]),
            st.lists(st.one_of(st.sampled_from(COLUMNS[kind]), texts), min_size=1, max_size=7),
        ),
        rows=st.lists(
            st.one_of(GOOD_ROWS[kind], st.lists(CELLS, min_size=0, max_size=8)), max_size=6
        ),
        encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
        valid_only=st.booleans(),
    )
    def import_anything(header, rows, encoding, valid_only):
        lines = [",".join(f'"{c}"' for c in header)] + [",".join(row) for row in rows]
        content = "\n".join(lines).encode(encoding, errors="replace")
        job_id = upload(supervisor, survey, kind, content, "upload.csv", valid_only=valid_only)
        job = wait_for(db, job_id)
        event(f"{job.status} {'some' if job.imported else 'none'} imported")
        assert job.status in ("done", "failed")
        assert job.status == "done" or job.imported == 0
        imported.append(job.imported)

    import_anything()
    assert any(imported), "no example was good enough to import: the strategy is too wild"
    assert broken_rules(db) == []
    db.rollback()
    refs = select(Contact.customer_ref, func.count()).group_by(
        Contact.survey_id, Contact.customer_ref
    )
    assert all(count == 1 for _ref, count in db.execute(refs))
    calls = select(HotlineCall.call_id, func.count()).group_by(HotlineCall.call_id)
    assert all(count == 1 for _id, count in db.execute(calls))


REPORT_PAGES = ["", "segments", "trends", "attributes", "crosstab", "comments", "tables.csv"]
PARAMETERS = ["period", "branch", "channel", "tier", "weighted", "segment", "var", "row",
              "column", "q", "page", "measure", "stat", "by"]  # fmt: skip


@FUZZ
@given(
    page=st.sampled_from(REPORT_PAGES),
    query=st.dictionaries(
        st.one_of(st.sampled_from(PARAMETERS), texts),
        st.one_of(texts, st.sampled_from(["2026-10", "2026-Q4", "SZ-001", "q_overall", "0"])),
        max_size=6,
    ),
)
def test_report_filters_take_anything(client, auth, reported_slug, page, query):
    reply = client.get(f"/reports/{reported_slug}/{page}", query_string=query)
    event(f"{reply.status_code}")
    assert reply.status_code in (200, 400, 404)


@FUZZ
@given(query=st.dictionaries(st.sampled_from(PARAMETERS), texts, max_size=6))
def test_the_estimates_api_takes_anything(client, auth, reported_slug, query):
    reply = client.get(f"/api/v1/surveys/{reported_slug}/estimates", query_string=query)
    assert reply.status_code in (200, 400, 404)
    assert reply.is_json


@pytest.fixture
def reported_slug(reported, auth):
    slug = reported(per_month=40)
    auth.login_as("manager")
    return slug

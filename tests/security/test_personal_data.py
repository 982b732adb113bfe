"""Customers' names, phone numbers and e-mail addresses stay out of logs, web addresses and
de-identified exports; every view of a phone number and every export is audited."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from survey.database import db_session
from survey.logs import failure
from survey.models import AuditEvent, Contact, Survey
from tests.fieldwork.test_pages import upload, wait_for
from tests.security.test_route_matrix import ROUTES, _address

NAME, PHONE, EMAIL = "欧阳娜娜", "13912340077", "nana.ouyang@example.cn"
PERSONAL = (NAME, PHONE, EMAIL, "王伟", "13800000000", "13912345678")
FORMAT = logging.Formatter("%(name)s %(levelname)s %(message)s")  # with the traceback
LINKS = re.compile(r'(?:href|action|src)="([^"]*)"')


@pytest.fixture
def app(app):
    """The application with one more view: a write that fails with a customer's data in its
    parameters, as a bug would (its error is logged with the traceback)."""

    def failing_write():
        db_session().execute(insert(Contact).values(survey_id=1, customer_ref=None, phone=PHONE))

    app.add_url_rule("/failing-write", view_func=failing_write)
    return app


@pytest.fixture
def lived_in(app, db, world, visitors, caplog):
    """The world after a day's work: a sample imported (one bad row), a customer answering
    on the web, an interviewer holding a case; every log record kept."""
    caplog.set_level(logging.DEBUG)
    supervisor = visitors["supervisor"].client
    survey = db.get(Survey, world.survey_id)
    frame = (
        "customer_ref,name,phone,email,branch\n"
        f"C1,{NAME},{PHONE},{EMAIL},SZ-001\nC2,{NAME}二,1380013,{EMAIL},SZ-002\n"
    )
    wait_for(db, upload(supervisor, survey, "sample", frame.encode(), "frame.csv"))
    assert visitors["admin"].client.get("/failing-write").status_code == 500
    customer = visitors[None].client
    page = customer.get(f"/s/{world.link_token}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    customer.post(f"/s/{world.link_token}", data={"csrf_token": token, "action": "start"})
    interviewer = visitors["interviewer"]
    interviewer.client.post(f"/cati/{world.slug}/next", data={"csrf_token": interviewer.csrf})
    return world


def test_personal_data_is_never_logged(lived_in, visitors, caplog):
    for endpoint, rule, method in ROUTES:
        if method == "GET" and endpoint != "static":
            visitors["admin"].client.get(_address(rule, endpoint, lived_in)).close()
    records = caplog.get_records("setup") + caplog.get_records("call")
    logged = "\n".join(FORMAT.format(r) + str(r.args) for r in records)
    assert "Unhandled error in GET failing_write" in logged  # the failure was logged, whole
    assert "customer_ref" in logged  # the database's own message, first line
    assert [p for p in PERSONAL if p in logged] == []


def test_personal_data_is_never_in_an_address(lived_in, visitors, db):
    visitors["interviewer"].client.get(f"/cati/case/{lived_in.case_id}")
    found = []
    for role, visitor in visitors.items():
        for endpoint, rule, method in ROUTES:
            if method != "GET" or endpoint == "static":
                continue
            reply = visitor.client.get(_address(rule, endpoint, lived_in))
            reply.close()
            addresses = [reply.headers.get("Location", "")]
            if reply.mimetype == "text/html":
                addresses += LINKS.findall(reply.text)
            found += [f"{role} {rule}: {a}" for a in addresses for p in PERSONAL if p in a]
    assert not found


@pytest.mark.parametrize("kind", ["csv", "xlsx", "sav"])
def test_de_identified_exports_hold_no_personal_data(lived_in, visitors, kind, db):
    reply = visitors["manager"].client.get(f"/reports/{lived_in.slug}/responses.{kind}")
    assert reply.status_code == 200
    content = reply.data
    assert [p for p in PERSONAL if p.encode() in content or p.encode("utf-16-le") in content] == []
    db.rollback()
    exported = db.scalars(select(AuditEvent).where(AuditEvent.action == "responses_exported"))
    assert [e.detail["format"] for e in exported] == [kind]


def test_the_command_line_export_holds_no_personal_data(lived_in, runner):
    result = runner.invoke(args=["export", lived_in.slug, "--format", "json"])
    assert result.exit_code == 0
    assert lived_in.slug in result.output
    assert [p for p in PERSONAL if p in result.output] == []


def test_a_phone_number_is_shown_only_to_the_interviewer_holding_the_case(lived_in, visitors, db):
    holder = visitors["interviewer"].client.get(f"/cati/case/{lived_in.case_id}").text
    assert "13800000000" in holder.replace(" ", "")
    for role in ("manager", "supervisor"):
        page = visitors[role].client.get(f"/cati/case/{lived_in.case_id}")
        assert page.status_code == 403
    cases = visitors["supervisor"].client.get(f"/fieldwork/{lived_in.slug}/cases").text
    assert "13800000000" not in cases.replace(" ", "") and "138****" in cases.replace(" ", "")
    db.rollback()
    views = db.scalars(select(AuditEvent).where(AuditEvent.action == "phone_revealed")).all()
    assert [(v.user_id, v.target_id) for v in views] == [
        (lived_in.user_ids["interviewer"], str(lived_in.case_id))
    ]


def test_database_errors_do_not_carry_customers_data(app, db, world):
    with pytest.raises(IntegrityError) as error:
        db.execute(
            insert(Contact).values(survey_id=world.survey_id, customer_ref=None, phone=PHONE)
        )
    db.rollback()
    assert "SQL parameters hidden" in str(error.value)
    assert "customer_ref" in failure(error.value)
    assert PHONE not in failure(error.value)  # PostgreSQL's DETAIL quotes the failing row

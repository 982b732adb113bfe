"""Account details an administrator sets — display name, staff number (工号), role, a
manager's branches — on the account page and from the command line, checked and audited;
and what the CATI script reads from them."""

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, User
from tests.conftest import csrf_token_from


def _edit(client, user_id, **fields):
    page = client.get(f"/admin/users/{user_id}").text
    data = {"display_name": "", "staff_number": "", "role": "manager", "branches": ""}
    data.update(fields, csrf_token=csrf_token_from(page))
    return client.post(f"/admin/users/{user_id}", data=data)


def test_the_account_page_sets_branches_staff_number_and_name_audited(auth, client, db, make_user):
    target = make_user("north", "manager", display_name="North")
    auth.login_as("admin")
    reply = _edit(client, target, display_name="王北", role="manager", branches="SZ-001, SZ-002")
    assert reply.status_code == 302
    db.expire_all()
    user = db.get(User, target)
    assert (user.display_name, user.branches) == ("王北", ["SZ-001", "SZ-002"])
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "user_updated"))
    assert event.detail["branches"] == [None, ["SZ-001", "SZ-002"]]
    assert "SZ-001, SZ-002" in client.get(f"/admin/users/{target}").text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"role": "interviewer", "display_name": "张三"},
            "needs a display name and a staff number",
        ),
        ({"role": "supervisor", "display_name": "X", "branches": "SZ-001"}, "Only a manager"),
        ({"role": "manager", "display_name": "X", "staff_number": "工号 1"}, "Letters, digits"),
        ({"role": "manager", "display_name": ""}, "Please fill in this field"),
    ],
)
def test_wrong_details_are_explained_and_nothing_changes(
    auth, client, db, make_user, fields, message
):
    target = make_user("north", "manager", display_name="North")
    auth.login_as("admin")
    reply = _edit(client, target, **fields)
    assert reply.status_code == 400
    assert message in reply.text
    db.expire_all()
    assert db.get(User, target).display_name == "North"


def test_the_command_line_adds_and_edits_the_same_details(runner, db):
    added = runner.invoke(
        args=["user", "add", "zhang", "--role", "interviewer", "--display-name", "张晓梅",
              "--staff-number", "C1024"],
        input="long-enough-pw\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    refused = runner.invoke(
        args=["user", "add", "li", "--role", "interviewer"], input="long-enough-pw\n"
    )
    assert refused.exit_code == 1 and "staff number" in refused.output
    edited = runner.invoke(
        args=["user", "edit", "zhang", "--role", "manager", "--staff-number", "", "--branches",
              "SZ-001"]
    )  # fmt: skip
    assert edited.exit_code == 0, edited.output
    user = db.scalar(select(User).where(User.username == "zhang"))
    assert (user.role, user.staff_number, user.branches) == ("manager", None, ["SZ-001"])
    assert runner.invoke(args=["user", "edit", "nobody", "--role", "admin"]).exit_code == 1


def test_the_greeting_reads_the_staff_number_and_never_the_username(
    auth, client, db, cati_survey, make_user
):
    survey = cati_survey(customers=1)
    make_user("zx_login", "interviewer", display_name="张晓梅", staff_number="C1024")
    auth.login("zx_login")
    page = client.get("/cati/").text
    case = client.post(f"/cati/{survey.slug}/next", data={"csrf_token": csrf_token_from(page)})
    html = client.get(case.headers["Location"]).text
    assert "张晓梅" in html and "工号C1024" in html
    assert "zx_login" not in html.split("<main", 1)[1]


def test_a_customer_without_a_form_of_address_is_greeted_without_a_blank(
    auth, client, db, cati_survey, make_user
):
    survey = cati_survey(customers=1, title=None)
    make_user("zx", "interviewer", display_name="张晓梅", staff_number="C1024")
    auth.login("zx")
    page = client.get("/cati/").text
    case = client.post(f"/cati/{survey.slug}/next", data={"csrf_token": csrf_token_from(page)})
    html = client.get(case.headers["Location"]).text
    assert "请问是吗" not in html
    assert "您好！我是银行客服中心的回访专员张晓梅" in html

"""Cases opened by the questionnaire's rules when a response completes: the right rule,
category, owner and working-day deadline; one case per rule however often the response is
saved; a comment read as a complaint; and rules that name what does not exist refused."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from survey.models import FollowupCase
from survey.questionnaire import QuestionnaireError, load_text
from tests.conftest import QUESTIONNAIRES, csrf_token_from

COUNTER_PAGE = {
    "page": "p_card", "action": "next", "q_competence": "1", "q_helpful": "3",
    "q_delay": "3", "q_rude": "1", "q_overall": "1",
}  # fmt: skip


def answer_counter(client, address, overall="1", rude="1", nps="2", comment=""):
    """A lobby customer answers the counter card's three pages."""
    page = client.get(address).text
    client.post(address, data={"action": "start", "language": "zh-Hans",
                               "csrf_token": csrf_token_from(page)})  # fmt: skip
    for _ in range(6):
        html = client.get(address).text
        if 'name="page"' not in html:
            return html
        position = html.split('name="page" value="', 1)[1].split('"', 1)[0]
        form = {"csrf_token": csrf_token_from(html), "page": position, "action": "next"}
        if position == "p_card":
            form.update(COUNTER_PAGE, q_overall=overall, q_rude=rude)
        for name in set(re.findall(r'name="(q_\w+)"', html)) - set(form):
            if name == "q_nps":
                form[name] = nps
            elif name == "q_comment":
                form[name] = comment
            else:
                values = re.findall(rf'name="{name}"[^>]*value="([^"-][^"]*)"', html)
                form[name] = values[-1] if values else "3"
        client.post(address, data=form)
    raise AssertionError("the survey did not end")


@pytest.fixture
def lobby(app, fielded, time_machine):
    # Friday 26 September 2025, 17:55 in Shanghai: after the close of business.
    time_machine.move_to(datetime(2025, 9, 26, 9, 55, tzinfo=UTC), tick=False)
    fielded("branch-counter", open_link=True)
    from survey.surveys import links

    token = links.sign(app.config["SECRET_KEY"], links.place("SZ-001", "1", "T007"))
    return f"/o/branch-counter-test?at={token}"


def test_a_low_score_opens_cases_due_in_three_working_days(app, client, db, lobby):
    answer_counter(client, lobby, overall="1", rude="1", nps="2")
    cases = {c.rule: c for c in db.scalars(select(FollowupCase))}
    assert set(cases) == {"low_overall", "rude_teller", "detractor"}
    low = cases["low_overall"]
    assert (low.category, low.priority, low.complexity) == ("service.attitude", "high", "ordinary")
    assert (low.owner, low.branch, low.region, low.status) == (
        "branch:SZ-001",
        "SZ-001",
        "CN",
        "new",
    )
    # Received after the close on the Friday before National Day: Sun 28 Sep (worked),
    # then 29, 30 September and 9 October.
    assert low.due_at == datetime(2025, 10, 9, 9, 0, tzinfo=UTC)
    assert "q_overall <= 1" in low.reason and "q_overall=1" in low.reason
    assert [e.kind for e in low.events] == ["opened"]


def test_a_satisfied_customer_opens_nothing(client, db, lobby):
    answer_counter(client, lobby, overall="3", rude="3", nps="9")
    assert db.scalars(select(FollowupCase)).all() == []


def test_a_comment_read_as_a_complaint_opens_a_case_of_its_class(client, db, lobby):
    answer_counter(
        client, lobby, overall="3", rude="3", nps="9", comment="排队等了四十分钟才轮到我"
    )
    case = db.scalars(select(FollowupCase)).one()
    assert (case.rule, case.category) == ("complaint_comment", "service.channel")
    assert case.reason.startswith("q_comment: 排队等了四十分钟")


def test_one_case_per_rule_however_often_the_response_is_saved(app, client, db, lobby):
    from survey.followups.opening import open_cases
    from survey.models import Response

    answer_counter(client, lobby, overall="1", rude="3", nps="9")
    response = db.scalars(select(Response)).one()
    assert open_cases(db, response) == []  # completed again, edited: nothing new
    db.commit()
    assert [c.rule for c in db.scalars(select(FollowupCase))] == ["low_overall"]


@pytest.mark.parametrize(
    ("rule", "offset", "message"),
    [
        ("if: q_nothing <= 1", 1, "refers to 'q_nothing', which is not a question [unknown-reference]"),
        ('if: q_rude == "7"', 1, "compares q_rude with '7', which is not one of its codes; that branch can never be taken [unknown-code]"),
        ("comment: q_overall", 1, "comment names 'q_overall', which is not a text question [unknown-question]"),
        ("if: q_overall <= 1\n    category: complaints", 2, "follow-up category 'complaints' is not one of"),
        ("if: q_overall <= 1\n    owner: someone", 2, "follow-up owner 'someone': write branch or team:NAME"),
    ],
)  # fmt: skip
def test_a_rule_that_could_never_fire_is_a_located_error(rule, offset, message):
    text = Path(QUESTIONNAIRES, "branch-counter.yaml").read_text(encoding="utf-8")
    broken = text.replace("followups:\n", f"followups:\n  - id: extra\n    {rule}\n", 1)
    line = broken.splitlines().index("  - id: extra") + 1 + offset
    with pytest.raises(QuestionnaireError) as refused:
        load_text(broken, "counter.yaml")
    shown = [str(i) for i in refused.value.issues]
    assert any(s.startswith(f"counter.yaml:{line}") and message in s for s in shown), shown


def test_beyond_the_calendars_data_the_case_opens_and_says_how_it_was_counted(
    app, client, db, fielded, time_machine
):
    time_machine.move_to(datetime(2040, 3, 2, 2, 0, tzinfo=UTC), tick=False)  # a Friday
    fielded("branch-counter", open_link=True)
    from survey.surveys import links

    token = links.sign(app.config["SECRET_KEY"], links.place("SZ-001"))
    answer_counter(client, f"/o/branch-counter-test?at={token}", overall="1", rude="3", nps="9")
    case = db.scalars(select(FollowupCase)).one()
    assert case.due_at == datetime(2040, 3, 7, 9, 0, tzinfo=UTC)  # Mon, Tue, Wed 7 March
    calendar_notes = [e.text for e in case.events if e.kind == "calendar"]
    assert (
        len(calendar_notes) == 1 and "working days for 2040 are not known yet" in calendar_notes[0]
    )

"""Calling rules with frozen time: windows across time zones (and a daylight-saving change),
retry delays, maximum attempts, field end, appointments first, and atomic claims."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from survey.cases.queue import (
    CallingRules,
    claim_next_case,
    may_call,
    next_callable,
    record_outcome,
)
from survey.database import get_db
from survey.models import Appointment, CatiCase, Contact

RULES = CallingRules()


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "moment", "allowed"),
    [
        ("Asia/Shanghai", utc(2026, 11, 23, 0, 30), False),  # Monday 08:30 in Shanghai
        ("Asia/Shanghai", utc(2026, 11, 23, 1, 0), True),  # Monday 09:00
        ("Asia/Shanghai", utc(2026, 11, 23, 12, 29), True),  # Monday 20:29
        ("Asia/Shanghai", utc(2026, 11, 23, 12, 30), False),  # Monday 20:30: closed
        (
            "Asia/Shanghai",
            utc(2026, 11, 22, 9, 30),
            False,
        ),  # Sunday 17:30: the weekend window has closed
        ("Asia/Hong_Kong", utc(2026, 11, 21, 8, 59), True),  # Saturday 16:59
        (
            "Europe/London",
            utc(2026, 11, 23, 9, 0),
            True,
        ),  # the same instant is 17:00 in Shanghai but 09:00 in London
    ],
)
def test_windows_in_the_customers_local_time(zone, moment, allowed):
    assert may_call(RULES, zone, moment) is allowed


def test_daylight_saving_change_moves_the_window_in_utc():
    # London: 09:00 local is 08:00 UTC in summer and 09:00 UTC in winter (clocks go back 25 Oct 2026).
    friday = next_callable(RULES, "Europe/London", utc(2026, 10, 23, 0, 0))
    monday = next_callable(RULES, "Europe/London", utc(2026, 10, 26, 0, 0))
    assert friday == utc(2026, 10, 23, 8, 0)
    assert monday == utc(2026, 10, 26, 9, 0)


def test_next_callable_skips_holidays_and_stops_at_field_end():
    rules = CallingRules(holidays=frozenset({date(2026, 11, 24)}), field_end=date(2026, 11, 25))
    after_monday = utc(2026, 11, 23, 13, 0)  # Monday 21:00 in Shanghai
    assert next_callable(rules, "Asia/Shanghai", after_monday) == utc(
        2026, 11, 25, 1, 0
    )  # Tuesday is a holiday
    assert next_callable(rules, "Asia/Shanghai", utc(2026, 11, 25, 13, 0)) is None


@pytest.fixture
def cases(app, fielded, make_user):
    survey_id = fielded("hotline-post-call")
    interviewers = [make_user(f"interviewer{n}", "interviewer") for n in range(1, 10)]
    assert interviewers == list(range(1, 10))  # the tests name interviewers by these ids
    with app.app_context():
        session = get_db(app).session()
        ids = []
        for i, zone in enumerate(["Asia/Shanghai", "Asia/Shanghai", "Europe/London"]):
            contact = Contact(survey_id=survey_id, customer_ref=f"C{i}", time_zone=zone)
            session.add(contact)
            session.flush()
            case = CatiCase(survey_id=survey_id, contact_id=contact.id)
            session.add(case)
            session.flush()
            ids.append(case.id)
        session.commit()
    return survey_id, ids


def session_of(app) -> Session:
    return Session(get_db(app).engine, expire_on_commit=False)


NOW = utc(2026, 11, 23, 2, 0)  # Monday 10:00 in Shanghai, 02:00 in London


def test_only_callable_cases_are_claimed_and_never_twice(app, cases):
    survey_id, ids = cases
    with session_of(app) as first, session_of(app) as second:
        a = claim_next_case(first, survey_id, 1, RULES, NOW).id
        first.commit()
        b = claim_next_case(second, survey_id, 2, RULES, NOW).id
        second.commit()
        c = claim_next_case(second, survey_id, 3, RULES, NOW)
        second.commit()
    assert {a, b} == set(ids[:2])  # London is asleep
    assert c is None


def test_an_abandoned_claim_expires_and_a_reload_returns_ones_own_case(app, cases):
    survey_id, ids = cases
    with session_of(app) as session:
        first = claim_next_case(session, survey_id, 1, RULES, NOW)
        session.commit()
        assert (
            claim_next_case(session, survey_id, 1, RULES, NOW).id == first.id
        )  # reloading: the same case
        session.commit()
        claim_next_case(session, survey_id, 2, RULES, NOW)
        session.commit()
        assert claim_next_case(session, survey_id, 3, RULES, NOW + timedelta(minutes=5)) is None
        later = claim_next_case(session, survey_id, 3, RULES, NOW + timedelta(minutes=25))
        session.commit()
    assert later is not None and later.claimed_by == 3


def test_retry_delay_and_maximum_uses(app, cases):
    survey_id, ids = cases
    with session_of(app) as session:
        case = claim_next_case(session, survey_id, 1, RULES, NOW)
        record_outcome(
            session, case, 1, "3.13", RULES, "Asia/Shanghai", now=NOW
        )  # no answer: 3 hours
        session.commit()
        assert case.next_call_at == NOW + timedelta(hours=3)
        assert case.status == "pending" and case.claimed_by is None
        for hours in range(1, 8):
            record_outcome(
                session, case, 1, "3.13", RULES, "Asia/Shanghai", now=NOW + timedelta(hours=hours)
            )
        session.commit()
        assert (case.status, case.final_disposition) == (
            "final",
            "3.13",
        )  # eight no-answers close it


def test_final_outcome_and_ranked_disposition(app, cases):
    survey_id, ids = cases
    with session_of(app) as session:
        case = session.get(CatiCase, ids[0])
        record_outcome(session, case, 1, "2.221", RULES, "Asia/Shanghai", now=NOW)
        session.flush()
        session.refresh(case)
        record_outcome(
            session, case, 1, "4.32", RULES, "Asia/Shanghai", now=NOW + timedelta(days=1)
        )
        session.commit()
        assert (case.status, case.final_disposition) == (
            "final",
            "2.221",
        )  # not simply the last call


def test_due_appointments_come_first_and_keep_their_interviewer(app, cases):
    survey_id, ids = cases
    with session_of(app) as session:
        session.add(
            Appointment(case_id=ids[1], due_at=NOW - timedelta(minutes=1), interviewer_id=7)
        )
        session.commit()
        other = claim_next_case(session, survey_id, 8, RULES, NOW).id
        session.commit()
        mine = claim_next_case(session, survey_id, 7, RULES, NOW).id
        session.commit()
    assert other == ids[0]  # interviewer 8 may not take 7's appointment
    assert mine == ids[1]


def test_rules_from_survey_settings():
    rules = CallingRules.from_settings(
        {
            "calling_windows": [["10:00", "12:00"]] * 7,
            "max_attempts": 3,
            "holidays": ["2026-12-25"],
            "retry_seconds": {"3.13": 600},
        }
    )
    assert not may_call(rules, "Asia/Shanghai", utc(2026, 11, 23, 1, 30))  # 09:30
    assert may_call(rules, "Asia/Shanghai", utc(2026, 11, 23, 2, 30))
    assert rules.retry("3.13") == 600 and rules.retry("3.12") == 3600

"""Post-call sampling: call records imported with located errors, a seeded draw per queue at
its rate, the minimum talk time and the contact rules, cases due within hours, populations."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey.cases.queue import CallingRules, claim_next_case
from survey.models import (
    CatiCase,
    Contact,
    DoNotContact,
    HotlineCall,
    OutboxMessage,
    SampleDraw,
    StratumPopulation,
    Survey,
)
from survey.sample.post_call import PostCallRules, _sample_size, draw_calls, import_calls

HEADER = "call_id,customer_ref,phone,queue,agent_id,start_time,talk_seconds,transferred"


def call_file(
    count=200, queues=("cards", "loans"), talk=120, start="2026-11-23 10:00:00", who="CU"
):
    lines = [HEADER]
    for i in range(count):
        queue = queues[i % len(queues)]
        lines.append(f"K{i:05d},{who}{i:05d},1390000{i:04d},{queue},A{i % 7:03d},{start},{talk},否")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def hotline(app, db, fielded):
    survey_id = fielded("hotline-post-call")
    return db.get(Survey, survey_id)


def imported(db, survey, raw, **options):
    report = import_calls(db, survey, raw, "calls.csv", **options)
    db.commit()
    return report


BAD_ROWS = [
    ("K1,CU1,13900000001,cards,A1,yesterday,60,no", "start_time", "not a time"),
    ("K1,CU1,13900000001,cards,A1,2026-11-23 10:00,1m,no", "talk_seconds", "whole number"),
    ("K1,CU1,13900000001,cards,A1,2026-11-23 10:00,60,maybe", "transferred", "yes or no"),
    ("K1,CU1,12,cards,A1,2026-11-23 10:00,60,no", "phone", "not a valid phone number"),
    ("K1,,13900000001,cards,A1,2026-11-23 10:00,60,no", "customer_ref", "required"),
    ("K1,CU1,13900000001,,A1,2026-11-23 10:00,60,no", "queue", "required"),
    ("K1,CU1,13900000001,cards,A1,2026-11-23 10:00", "(row)", "cells"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_a_bad_call_row_is_located_and_nothing_is_imported(db, hotline, row, column, reason):
    raw = f"{HEADER}\nK0,CU0,13900000000,cards,A1,2026-11-23 09:00,60,no\n{row}\n".encode()
    report = imported(db, hotline, raw)
    assert [(p.line, p.column) for p in report.problems][:1] == [(3, column)]
    assert reason in report.problems[0].reason
    assert db.scalar(select(func.count()).select_from(HotlineCall)) == 0


def test_valid_rows_only_and_a_call_is_never_imported_twice(db, hotline):
    raw = f"{HEADER}\nK0,CU0,13900000000,cards,A1,2026-11-23 09:00,60,是\nK1,CU1,x,cards,A1,2026-11-23 09:00,60,no\n"
    assert imported(db, hotline, raw.encode(), accept_valid=True).imported == 1
    again = imported(db, hotline, raw.encode(), accept_valid=True)
    assert again.imported == 0
    assert "imported before" in again.problems[0].reason
    call = db.scalar(select(HotlineCall))
    assert call.transferred is True
    assert call.phone == "+8613900000000"
    # Local time without an offset is the bank's zone: 09:00 in Shanghai is 01:00 UTC.
    assert call.started_at == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_missing_required_column_names_it(db, hotline):
    with pytest.raises(ValueError, match="talk_seconds"):
        import_calls(db, hotline, b"call_id,customer_ref,queue,agent_id,start_time\n", "c.csv")


def test_rate_per_queue_with_expected_size_exact(db, hotline):
    imported(db, hotline, call_file(200))
    rules = PostCallRules.for_survey(hotline, rate=0.05, queue_rates={"cards": 0.2})
    record = draw_calls(db, hotline, rules, seed=11)
    db.commit()
    assert record.allocation == {"cards": 20, "loans": 5}  # 20 % and 5 % of 100 each
    assert record.parameters["eligible"] == {"cards": 100, "loans": 100}
    drawn = db.scalars(select(HotlineCall).where(HotlineCall.status == "drawn")).all()
    assert len(drawn) == 25
    assert db.scalar(select(func.count()).select_from(Contact)) == 25


def test_fractional_sizes_round_at_random_to_the_right_expectation():
    import numpy as np

    rng = np.random.default_rng(1)
    sizes = [_sample_size(rng, 0.05, 10) for _ in range(4000)]
    assert set(sizes) == {0, 1}
    assert abs(sum(sizes) / len(sizes) - 0.5) < 0.03


def test_same_seed_same_calls(app, db, fielded):
    chosen = []
    for slug in ("first", "second"):
        survey_id = fielded("hotline-post-call", slug=slug)
        db.rollback()  # a fresh snapshot that sees the new survey
        survey = db.get(Survey, survey_id)
        imported(db, survey, call_file(120, who=slug))  # other customers: no suppression
        draw_calls(db, survey, PostCallRules.for_survey(survey, rate=0.1), seed=5)
        db.commit()
        chosen.append(
            sorted(
                db.scalars(
                    select(HotlineCall.call_id).where(
                        HotlineCall.survey_id == survey.id, HotlineCall.status == "drawn"
                    )
                )
            )
        )
    assert chosen[0] == chosen[1]
    assert len(chosen[0]) == 12


def test_minimum_talk_time_and_contact_rules_exclude_calls(db, hotline, fielded):
    raw = call_file(6, queues=("cards",), talk=20) + b"".join(
        f"L{i},CV{i},1380000000{i},cards,A1,2026-11-23 10:00,90,no\n".encode() for i in range(5)
    )
    imported(db, hotline, raw)
    db.add(DoNotContact(customer_ref="CV0"))
    db.add(DoNotContact(phone="+8613800000001"))
    other = fielded("branch-counter")
    now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    db.add(Contact(survey_id=other, customer_ref="CV2", released_at=now - timedelta(days=10)))
    db.add(Contact(survey_id=other, customer_ref="CV3", released_at=now - timedelta(days=40)))
    db.commit()
    record = draw_calls(db, hotline, PostCallRules.for_survey(hotline, rate=1.0), seed=1, now=now)
    db.commit()
    reasons = dict(db.execute(select(HotlineCall.call_id, HotlineCall.reason)).all())
    assert all(reasons[f"K{i:05d}"] == "talk_under_minimum" for i in range(6))
    assert reasons["L0"] == reasons["L1"] == "do_not_contact"
    assert reasons["L2"] == "suppression_window"
    assert record.allocation == {"cards": 2}  # L3 (surveyed 40 days ago) and L4
    assert record.parameters["excluded"] == {
        "talk_under_minimum": 6,
        "do_not_contact": 2,
        "suppression_window": 1,
    }
    # The population is every call in scope (talk time reached), contactable or not.
    population = db.scalar(select(StratumPopulation.population))
    assert population == 5


def test_cases_are_due_within_hours_and_go_stale(db, hotline, make_user):
    interviewer = make_user("caller", "interviewer")
    db.rollback()  # the fixture's snapshot predates the new user
    imported(db, hotline, call_file(10, queues=("cards",), start="2026-11-23 10:00:00"))
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai, a Monday
    rules = PostCallRules.for_survey(hotline, rate=1.0, due_hours=24)
    draw_calls(db, hotline, rules, seed=2, now=now)
    db.commit()
    case = db.scalar(select(CatiCase).order_by(CatiCase.id))
    assert case.priority == 1
    assert case.due_by == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # the call + 24 h
    assert claim_next_case(db, hotline.id, interviewer, CallingRules(), now=now) is not None
    db.rollback()
    stale = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
    assert claim_next_case(db, hotline.id, interviewer, CallingRules(), now=stale) is None


def test_phone_numbers_of_calls_not_drawn_are_erased(db, hotline):
    imported(db, hotline, call_file(40))
    draw_calls(db, hotline, PostCallRules.for_survey(hotline, rate=0.1), seed=3)
    db.commit()
    for status, phone in db.execute(select(HotlineCall.status, HotlineCall.phone)):
        assert (phone is not None) == (status == "drawn")


def test_populations_accumulate_over_daily_draws(db, hotline):
    imported(db, hotline, call_file(40, queues=("cards",)))
    draw_calls(db, hotline, PostCallRules.for_survey(hotline, rate=0.1), seed=3)
    db.commit()
    second = call_file(30, queues=("cards",)).replace(b"K0", b"M0").replace(b"CU0", b"CW0")
    imported(db, hotline, second)
    draw_calls(db, hotline, PostCallRules.for_survey(hotline, rate=0.1), seed=4)
    db.commit()
    assert db.scalar(select(StratumPopulation.population)) == 70
    assert db.scalar(select(func.count()).select_from(SampleDraw)) == 2


def test_web_mode_invites_by_sms(app, runner, db, hotline, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(call_file(20))
    assert runner.invoke(args=["calls", "import", hotline.slug, str(path)]).exit_code == 0
    result = runner.invoke(
        args=["calls", "draw", hotline.slug, "--rate", "0.5", "--mode", "web", "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "Queued 10 invitation(s)" in result.output
    db.rollback()
    messages = db.scalars(select(OutboxMessage)).all()
    assert {m.channel for m in messages} == {"sms"}
    assert db.scalar(select(func.count()).select_from(CatiCase)) == 0


def test_bad_rates_are_refused(db, hotline):
    with pytest.raises(ValueError, match="between 0 and 1"):
        PostCallRules.for_survey(hotline, rate=5)

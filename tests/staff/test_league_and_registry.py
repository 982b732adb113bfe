"""The staff registry (imports with located errors), the league from stored responses and
ratings (the JSON contract, parts, weights, who is not ranked and why), and the call import's
KPI fields and staff checks."""

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from survey.models import (
    Answer,
    CallStatus,
    HotlineCall,
    Response,
    StaffMember,
    StaffRating,
    Survey,
    User,
)
from survey.sample.post_call import PostCallRules, draw_calls, import_calls
from survey.staff.league import set_weights
from survey.staff.ratings import RatingError, record_rating, source_of

CARD = ("q_competence", "q_helpful", "q_delay", "q_rude", "q_overall")
FULL = ("3", "1", "3", "3", "3")  # 100 points
HALF = ("2", "2", "2", "2", "2")  # 50 points
NOVEMBER = datetime(2026, 11, 12, 6, 0, tzinfo=UTC)


def member(db, number, role, branch="B1", team=None, user_id=None):
    person = StaffMember(
        staff_number=number,
        name=f"Name {number}",
        role=role,
        branch=branch,
        team=team,
        active_from=date(2026, 1, 1),
        user_id=user_id,
    )
    db.add(person)
    db.flush()
    return person


def answered(db, survey, staff_id, codes, count, when=NOVEMBER):
    for _ in range(count):
        response = Response(
            survey_id=survey.id,
            questionnaire_version_id=survey.questionnaire_version_id,
            mode="web",
            status="complete",
            language="zh-Hans",
            attributes={"staff_id": staff_id, "branch": "B1"},
            started_at=when,
            completed_at=when,
        )
        db.add(response)
        db.flush()
        for question, code in zip(CARD, codes, strict=True):
            db.add(
                Answer(
                    response_id=response.id, survey_id=survey.id, question_id=question, code=code
                )
            )


def rating(db, ratee, source, score, key):
    db.add(
        StaffRating(
            month="2026-11",
            ratee_id=ratee.id,
            source=source,
            rater_key=key,
            questionnaire_version_id=1,
            answers={},
            score=score,
        )
    )


@pytest.fixture
def counter(db, fielded):
    return db.get(Survey, fielded("branch-counter", slug="counter-2026-11"))


@pytest.fixture
def month_of_ratings(db, counter):
    t1, t2, t3 = (member(db, n, "teller") for n in ("T1", "T2", "T3"))
    member(db, "O1", "ops_manager")
    member(db, "L1", "lobby_manager")
    answered(db, counter, "T1", FULL, 12)
    answered(db, counter, "T2", HALF, 6)
    answered(db, counter, "T2", FULL, 6)
    answered(db, counter, "T3", FULL, 3)
    answered(db, counter, "T9", FULL, 2)  # not in the registry
    for key, (ratee, source, score) in enumerate(
        [
            (t1, "peer", 80.0),
            (t1, "peer", 90.0),
            (t1, "ops", 70.0),
            (t1, "lobby", 60.0),
            (t2, "peer", 50.0),
            (t2, "peer", 70.0),
            (t2, "ops", 65.0),
            (t3, "peer", 75.0),
            (t3, "ops", 75.0),
            (t3, "lobby", 75.0),
        ]  # fmt: skip
    ):
        rating(db, ratee, source, score, f"k{key}")
    db.commit()


def league_json(runner, *extra):
    result = runner.invoke(
        args=["staff", "league", "counter-2026-11", "--month", "2026-11", "--json", *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_the_league_by_the_contract(runner, month_of_ratings):
    output = league_json(runner)
    assert "2 response(s) name staff number 'T9', which is not in the staff registry" in output
    entries = {e["staff_id"]: e for e in json.loads(output[output.index("[") :])}
    assert set(entries) == {"T1", "T2", "T3"}
    t1 = entries["T1"]
    assert set(t1) == {
        "staff_id", "name", "n", "customer_score", "peer_score", "ops_score", "lobby_score",
        "composite", "ci_low", "ci_high", "rank_group",
    }  # fmt: skip
    assert (t1["n"], t1["customer_score"], t1["peer_score"]) == (12, 100.0, 85.0)
    assert t1["composite"] == pytest.approx(0.4 * 100 + 0.3 * 85 + 0.15 * 70 + 0.15 * 60)
    assert t1["ci_low"] < t1["composite"] < t1["ci_high"]
    assert t1["rank_group"] == 1
    # T2 has no lobby manager's rating, T3 too few customers: neither is ranked.
    assert entries["T2"]["customer_score"] == pytest.approx(75.0)
    assert entries["T2"]["lobby_score"] is None and entries["T2"]["rank_group"] is None
    assert entries["T3"]["n"] == 3 and entries["T3"]["rank_group"] is None


def test_a_branch_weighs_only_its_customers(runner, db, month_of_ratings):
    set_weights(db, "B1", {"customer": 100, "peer": 0, "ops": 0, "lobby": 0})
    db.commit()
    output = league_json(runner, "--branch", "B1")
    entries = {e["staff_id"]: e for e in json.loads(output[output.index("[") :])}
    assert entries["T1"]["composite"] == pytest.approx(100.0)
    assert entries["T2"]["composite"] == pytest.approx(75.0)  # the lobby part no longer counts
    assert entries["T2"]["rank_group"] is not None


@pytest.mark.parametrize(
    "weights",
    [
        {"customer": 50, "peer": 30, "ops": 15, "lobby": 15},
        {"customer": 0, "peer": 70, "ops": 15, "lobby": 15},
    ],
)
def test_weights_that_are_not_a_split_of_100_are_refused(db, weights):
    from survey.staff.league import LeagueError

    with pytest.raises(LeagueError):
        set_weights(db, "B1", weights)


def test_a_month_that_is_not_a_month(runner, month_of_ratings):
    result = runner.invoke(args=["staff", "league", "counter-2026-11", "--month", "2026-13"])
    assert result.exit_code == 1
    assert "not a month like 2026-11" in result.output


STAFF_HEADER = "工号,姓名,岗位,网点,团队,入职日期,username"


def test_the_staff_file_is_checked_whole_and_nothing_is_stored_with_a_problem(
    runner, db, tmp_path, make_user
):
    make_user("zhou", "staff")
    path = tmp_path / "staff.csv"
    path.write_text(
        "\n".join(
            [
                STAFF_HEADER,
                "T1,周丽,柜员,B1,,2026-01-01,zhou",
                "T2,王强,cashier,B1,,,",
                "T3,李娜,teller,,,,",
                "T4,陈杰,agent,,hotline,2026-02-30,",
                "T1,周丽,teller,B1,,,",
                "T5,马敏,teller,B1,,,nobody",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["staff", "import", str(path)])
    assert result.exit_code == 1
    for expected in (
        "line 3, role 'cashier'",
        "line 4, branch",
        "line 5, active_from '2026-02-30'",
        "line 6, staff_number 'T1': repeats line 2",
        "line 7, username 'nobody'",
    ):
        assert expected in result.output
    assert "nothing imported" in result.output
    db.rollback()
    assert db.scalars(select(StaffMember)).all() == []

    kept = runner.invoke(args=["staff", "import", str(path), "--valid-only"])
    assert kept.exit_code == 0, kept.output
    db.rollback()
    t1 = db.scalar(select(StaffMember).where(StaffMember.staff_number == "T1"))
    assert (t1.name, t1.role, t1.branch, t1.active_from) == (
        "周丽",
        "teller",
        "B1",
        date(2026, 1, 1),
    )
    assert t1.user_id == db.scalar(select(User.id).where(User.username == "zhou"))

    path.write_text(f"{STAFF_HEADER}\nT1,周丽,teller,B2,,2026-01-01,zhou\n", encoding="utf-8")
    assert runner.invoke(args=["staff", "import", str(path)]).exit_code == 0
    db.rollback()
    db.refresh(t1)
    assert t1.branch == "B2"  # a known staff number is updated, not added twice
    assert len(db.scalars(select(StaffMember)).all()) == 1


KPI_HEADER = "call_id,customer_ref,phone,queue,agent_id,start_time,wait_seconds,abandoned,first_line,recorded,talk_seconds,transferred"


def test_calls_name_agents_the_registry_knows_and_abandoned_calls_are_never_drawn(db, fielded):
    hotline = db.get(Survey, fielded("hotline-post-call"))
    member(db, "A1", "agent", branch=None, team="hotline")
    db.commit()
    bad = (
        f"{KPI_HEADER}\nK1,CU1,13900000001,cards,A1,2026-11-23 10:00,12,0,1,1,90,否\n"
        "K2,CU2,13900000002,cards,A7,2026-11-23 10:05,12,0,1,1,90,否\n"
    ).encode()
    report = import_calls(db, hotline, bad, "calls.csv")
    assert [(p.line, p.column, p.value) for p in report.problems] == [(3, "agent_id", "A7")]
    assert "not a staff number in the staff registry" in report.problems[0].reason
    assert report.imported == 0
    good = (
        f"{KPI_HEADER}\nK1,CU1,13900000001,cards,A1,2026-11-23 10:00,12,0,1,1,90,否\n"
        "K3,,,cards,,2026-11-23 10:06,48,1,,,0,否\n"
    ).encode()
    assert import_calls(db, hotline, good, "calls.csv").imported == 2
    calls = {c.call_id: c for c in db.scalars(select(HotlineCall))}
    assert (calls["K1"].wait_seconds, calls["K1"].first_line, calls["K1"].recorded) == (
        12,
        True,
        True,
    )
    assert calls["K3"].abandoned and calls["K3"].agent_id == ""
    draw_calls(db, hotline, PostCallRules.for_survey(hotline, rate=1.0), seed=1)
    assert (calls["K3"].status, calls["K3"].reason) == (CallStatus.INELIGIBLE, "abandoned")
    assert calls["K1"].status == CallStatus.DRAWN


def test_who_may_rate_whom(db, counter):
    t1, t2 = member(db, "T1", "teller"), member(db, "T2", "teller")
    other = member(db, "T8", "teller", branch="B2")
    ops = member(db, "O1", "ops_manager")
    agent = member(db, "A1", "agent", branch=None, team="hotline")
    assert source_of(t1, t2) == "peer" and source_of(ops, t1) == "ops"
    assert source_of(t1, t1) is None  # nobody rates themselves
    assert source_of(other, t1) is None  # nor another branch
    assert source_of(agent, t1) is None and source_of(t1, ops) is None
    with pytest.raises(RatingError):
        record_rating(db, t1, t1, "2026-11", {}, "secret")


def test_a_card_for_a_teller_the_registry_lacks_is_refused(runner, db, counter, client, make_user):
    member(db, "T1", "teller")
    db.commit()
    refused = runner.invoke(args=["links", "open", "counter-2026-11", "--staff", "T9"])
    assert refused.exit_code == 1
    assert "'T9' is not in the staff registry" in refused.output
    db.rollback()
    assert not db.get(Survey, counter.id).open_link  # nothing changed
    made = runner.invoke(args=["links", "open", "counter-2026-11", "--staff", "T1"])
    assert made.exit_code == 0, made.output
    assert "/o/counter-2026-11?at=" in made.output


def test_a_sample_frame_naming_an_unknown_teller_is_located(db, counter):
    from survey.sample.frame_import import import_sample

    member(db, "T1", "teller")
    db.flush()
    raw = b"customer_ref,phone,staff_id\nC1,13800138000,T1\nC2,13800138001,T9\n"
    report = import_sample(db, counter, raw, "frame.csv")
    assert [(p.line, p.column, p.value) for p in report.problems] == [(3, "staff_id", "T9")]
    assert report.imported == 0

"""`survey hotline kpis` on hand-computed files: every KPI's definition, empty days, a group
with no answered call, and bad rows located with nothing computed."""

import json

import pytest

HEADER = "call_id,queue,agent_id,start_time,wait_seconds,abandoned,first_line,recorded,transferred,talk_seconds"
# Day 1 (cards): answered in 10 s (first line, recorded), answered in 20 s (passed on,
# recorded), answered in exactly 15 s (first line, not recorded), abandoned after 40 s.
# Day 3 (loans): answered in 5 s; (fees): abandoned after 3 s — a queue nobody answered.
CALLS = """\
C1,cards,A1,2026-11-02 09:00,10,0,1,1,0,120
C2,cards,A1,2026-11-02 09:05,20,0,0,1,1,200
C3,cards,A2,2026-11-02 23:59:59+08:00,15,0,1,0,0,60
C4,cards,,2026-11-02 09:10,40,1,,,0,0
C5,loans,A2,2026-11-04T10:00:00,5,0,1,1,0,60
C6,fees,,2026-11-04 11:00,3,1,,,0,
"""


@pytest.fixture
def calls(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(f"{HEADER}\n{CALLS}", encoding="utf-8")
    return path


def kpis(runner, path, *options):
    result = runner.invoke(args=["hotline", "kpis", str(path), "--json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["groups"]


def test_the_whole_file_by_the_contract(runner, calls):
    (group,) = kpis(runner, calls)
    assert group == {
        "by": None,
        "offered": 6,
        "answered": 4,
        "within_threshold": 3,  # 10, 15 and 5 s; 15 s counts as within
        "service_level": pytest.approx(3 / 6),
        "abandoned": 2,
        "abandonment_rate": pytest.approx(2 / 6),
        "first_line_rate": pytest.approx(3 / 4),
        "recording_rate": pytest.approx(3 / 4),
        "asa_seconds": pytest.approx((10 + 20 + 15 + 5) / 4),
    }


def test_by_day_in_local_time_with_the_empty_day_between(runner, calls):
    days = {g["by"]["day"]: g for g in kpis(runner, calls, "--by", "day")}
    assert list(days) == ["2026-11-02", "2026-11-03", "2026-11-04"]
    assert days["2026-11-02"]["offered"] == 4  # 23:59:59 +08:00 is still the 2nd
    empty = days["2026-11-03"]
    assert empty["offered"] == 0
    assert empty["service_level"] is None and empty["asa_seconds"] is None
    assert days["2026-11-04"]["service_level"] == pytest.approx(1 / 2)


def test_a_queue_with_no_answered_call_has_no_answered_rates(runner, calls):
    queues = {g["by"]["queue"]: g for g in kpis(runner, calls, "--by", "queue")}
    fees = queues["fees"]
    assert (fees["offered"], fees["answered"], fees["abandoned"]) == (1, 0, 1)
    assert fees["service_level"] == 0 and fees["abandonment_rate"] == 1
    assert fees["first_line_rate"] is None and fees["recording_rate"] is None
    assert fees["asa_seconds"] is None
    assert queues["cards"]["service_level"] == pytest.approx(2 / 4)


def test_by_agent_leaves_unanswered_calls_in_a_group_of_their_own(runner, calls):
    agents = kpis(runner, calls, "--by", "agent")
    assert [g["by"] for g in agents] == [{"agent_id": "A1"}, {"agent_id": "A2"}, {"agent_id": None}]
    a1 = agents[0]
    assert (a1["answered"], a1["within_threshold"], a1["first_line_rate"]) == (2, 1, 0.5)
    assert agents[2]["abandoned"] == 2


def test_a_threshold_of_ten_seconds(runner, calls):
    (group,) = kpis(runner, calls, "--threshold", "10")
    assert group["within_threshold"] == 2


def test_the_table_for_people(runner, calls):
    result = runner.invoke(args=["hotline", "kpis", str(calls), "--by", "queue"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("queue\toffered")
    assert "fees\t1\t0\t0\t1\t0.0000\t1.0000\t—\t—\t—" in result.output


BAD = [
    ("C7,cards,A1,2026-11-02 09:00,-4,0,1,1,0,60", "wait_seconds", "from 0"),
    ("C7,cards,A1,2026-11-02 09:00,soon,0,1,1,0,60", "wait_seconds", "not a number"),
    ("C7,cards,A1,2026-11-02 09:00,,0,1,1,0,60", "wait_seconds", "required"),
    ("C7,cards,,2026-11-02 09:00,30,1,,,0,45", "talk_seconds", "abandoned call has no talk"),
    ("C1,cards,A1,2026-11-02 09:00,3,0,1,1,0,60", "call_id", "repeats line 2"),
    ("C7,cards,A1,2026-11-31 09:00,3,0,1,1,0,60", "start_time", "not a time"),
    ("C7,cards,A1,2026-11-02 09:00,3,maybe,1,1,0,60", "abandoned", "yes or no"),
    ("C7,cards,,2026-11-02 09:00,3,0,1,1,0,60", "agent_id", "names its agent"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD)
def test_a_bad_row_is_located_and_nothing_is_computed(runner, calls, row, column, reason):
    with calls.open("a", encoding="utf-8") as out:
        out.write(row + "\n")
    result = runner.invoke(args=["hotline", "kpis", str(calls), "--json"])
    assert result.exit_code == 1
    assert '"groups"' not in result.output
    line = len(CALLS.splitlines()) + 2
    assert f"line {line}, {column}" in result.output and reason in result.output
    assert "nothing computed" in result.output
    kept = runner.invoke(args=["hotline", "kpis", str(calls), "--json", "--valid-only"])
    assert kept.exit_code == 0
    assert json.loads(kept.output[kept.output.index("{") :])["groups"][0]["offered"] == 6


def test_a_file_without_the_kpi_columns_is_refused(runner, tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("call_id,queue,agent_id,start_time,talk_seconds\nC1,q,A,2026-11-02 09:00,3\n")
    result = runner.invoke(args=["hotline", "kpis", str(path)])
    assert result.exit_code == 1
    assert "no column for wait_seconds, abandoned" in result.output

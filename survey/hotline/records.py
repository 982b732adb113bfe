"""One call record, read and checked the same way by the call import and `survey hotline kpis`.

Columns (DESIGN.md): call_id, queue, agent_id, start_time (ISO 8601; without an offset it is
the bank's local time), wait_seconds (offered to answered or to abandoned), abandoned,
first_line, recorded, transferred (0/1, also yes/no and 是/否), talk_seconds. An abandoned
call has no talk time and needs no agent; an answered call names its agent, who must be in
the staff registry when the bank keeps one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ..sample.frame_import import ImportReport, Problem, check_rows, columns_of, read_rows

ALIASES = {
    "call_id": {"call_id", "呼叫编号", "呼叫編號", "通话编号", "通話編號"},
    "queue": {"queue", "队列", "隊列", "技能组", "技能組"},
    "agent_id": {"agent_id", "agent", "坐席工号", "座席工號", "工号", "工號"},
    "start_time": {"start_time", "started_at", "开始时间", "開始時間"},
    "wait_seconds": {"wait_seconds", "wait", "等待时长", "等待時長", "排队时长", "排隊時長"},
    "abandoned": {"abandoned", "放弃", "放棄", "是否放弃", "是否放棄"},
    "first_line": {"first_line", "一线处理", "一線處理", "一线解决", "一線解決"},
    "recorded": {"recorded", "录音", "錄音", "录音成功", "錄音成功"},
    "talk_seconds": {"talk_seconds", "talk_time", "通话时长", "通話時長"},
    "transferred": {"transferred", "是否转接", "是否轉接"},
}
KPI_REQUIRED = ("call_id", "queue", "start_time", "wait_seconds", "abandoned")
YES = {"1", "y", "yes", "true", "是"}
NO = {"0", "n", "no", "false", "否"}


class CallFileError(ValueError):
    """The call file itself cannot be read (format, encoding, a required column missing)."""


@dataclass(frozen=True)
class CallRecord:
    call_id: str
    queue: str
    agent_id: str
    started_at: datetime
    wait_seconds: float | None = None
    abandoned: bool = False
    first_line: bool | None = None
    recorded: bool | None = None
    transferred: bool = False
    talk_seconds: int = 0


def parse_time(value: str, zone: str) -> datetime:
    """An ISO 8601 time (a space or a T; slashes accepted); without an offset it is local."""
    moment = datetime.fromisoformat(value.strip().replace("/", "-"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def flag_cell(line: int, key: str, cells: dict, problems: list) -> bool | None:
    """A 0/1 column (yes/no, 是/否 too); None when empty or the column is absent."""
    value = cells.get(key, "").strip().lower()
    if not value:
        return None
    if value not in YES | NO:
        problems.append(Problem(line, key, value, "use yes or no (1/0, 是/否)"))
        return None
    return value in YES


def _seconds(line: int, key: str, cells: dict, problems: list, whole: bool):
    value = cells.get(key, "").strip()
    if not value:
        return None
    try:
        number = int(value) if whole else float(value)
    except ValueError:
        number = None
    if number is None or not math.isfinite(number) or number < 0:
        kind = "a whole number of seconds" if whole else "a number of seconds"
        problems.append(Problem(line, key, value, f"not {kind} from 0"))
        return None
    return number


def call_fields(line: int, cells: dict, problems: list, zone: str, agents: set[str] | None) -> dict:
    """The record's fields from one row, each problem logged with its line and column.

    ``agents`` is the registry's staff numbers (None: no registry is kept)."""
    record = {}
    for key in ("call_id", "queue"):
        value = cells.get(key, "").strip()
        if not value or len(value) > 64:
            problems.append(Problem(line, key, value, "required, at most 64 characters"))
        record[key] = value
    try:
        record["started_at"] = parse_time(cells.get("start_time", ""), zone)
    except ValueError:
        problems.append(
            Problem(
                line, "start_time", cells.get("start_time", ""), "not a time like 2026-11-20 14:03"
            )
        )
    abandoned = bool(flag_cell(line, "abandoned", cells, problems))
    record["abandoned"] = abandoned
    record["wait_seconds"] = _seconds(line, "wait_seconds", cells, problems, whole=False)
    if (
        "wait_seconds" in cells
        and record["wait_seconds"] is None
        and not cells["wait_seconds"].strip()
    ):
        problems.append(
            Problem(line, "wait_seconds", "", "required: the seconds the caller waited")
        )
    talk = _seconds(line, "talk_seconds", cells, problems, whole=True)
    if abandoned and talk:
        problems.append(
            Problem(line, "talk_seconds", str(talk), "an abandoned call has no talk time")
        )
    if (
        talk is None
        and not abandoned
        and "talk_seconds" in cells
        and not cells["talk_seconds"].strip()
    ):
        problems.append(Problem(line, "talk_seconds", "", "required for an answered call"))
    record["talk_seconds"] = talk or 0
    agent = cells.get("agent_id", "").strip()
    if len(agent) > 64:
        problems.append(Problem(line, "agent_id", agent[:40], "at most 64 characters"))
    elif not agent and not abandoned:
        problems.append(Problem(line, "agent_id", "", "an answered call names its agent"))
    elif agent and agents is not None and agent not in agents:
        problems.append(
            Problem(line, "agent_id", agent, "is not a staff number in the staff registry")
        )
    record["agent_id"] = agent
    record["first_line"] = flag_cell(line, "first_line", cells, problems)
    record["recorded"] = flag_cell(line, "recorded", cells, problems)
    record["transferred"] = bool(flag_cell(line, "transferred", cells, problems))
    return record


def columns(header: list[str], aliases: dict, required, name: str) -> dict[str, int]:
    """Which column holds each field; a missing required one is a CallFileError."""
    return columns_of(header, aliases, required, name, CallFileError)


def read_calls(
    raw: bytes, name: str, zone: str = "Asia/Shanghai", agents: set[str] | None = None
) -> tuple[list[CallRecord], ImportReport]:
    """Every valid record of a call file, and the report of the rows that are not."""
    header, rows = read_rows(raw, name)
    mapping = columns(header, ALIASES, KPI_REQUIRED, name)

    def parse(line, cells, problems):
        before = len(problems)
        fields = call_fields(line, cells, problems, zone, agents)
        return fields if len(problems) == before else None

    report, records = check_rows(header, rows, mapping, "call_id", parse, set(), "")
    return [CallRecord(**r) for r in records], report

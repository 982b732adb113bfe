"""The call centre's KPIs from call records (DESIGN.md, call records for hotline KPIs).

- service level: calls answered within the threshold (15 s) ÷ calls offered;
- abandonment rate: calls abandoned ÷ offered;
- first-line rate: answered calls the first agent handled without passing on ÷ answered;
- recording rate: answered calls recorded ÷ answered;
- ASA: the mean wait of answered calls.

Records come from a file (`survey hotline kpis`) or the database (the pages); both add up
the same ``Tally``, so a figure means the same wherever it is read. A group with no answered
call has no first-line rate, recording rate or ASA (None), not zero.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import HotlineCall
from .records import CallRecord

GROUPINGS = ("day", "week", "month", "queue", "agent")
FILE_GROUPINGS = ("day", "queue", "agent")
KPIS = ("service_level", "abandonment_rate", "first_line_rate", "recording_rate")
# Which way is good: the abandonment rate must stay at or below its target.
AT_MOST = frozenset({"abandonment_rate"})


@dataclass
class Tally:
    offered: int = 0
    answered: int = 0
    within: int = 0
    abandoned: int = 0
    first_line: int = 0
    first_line_known: int = 0
    recorded: int = 0
    recorded_known: int = 0
    wait_answered: float = 0.0
    wait_known: int = 0

    def add(self, call: CallRecord, threshold: float) -> None:
        self.offered += 1
        if call.abandoned:
            self.abandoned += 1
            return
        self.answered += 1
        if call.wait_seconds is not None:
            self.wait_known += 1
            self.wait_answered += call.wait_seconds
            self.within += call.wait_seconds <= threshold
        if call.first_line is not None:
            self.first_line_known += 1
            self.first_line += call.first_line
        if call.recorded is not None:
            self.recorded_known += 1
            self.recorded += call.recorded

    def figures(self) -> dict:
        """The KPIs as the contract names them (None where a rate has no base)."""

        def share(part, whole):
            return part / whole if whole else None

        return {
            "offered": self.offered,
            "answered": self.answered,
            "within_threshold": self.within,
            "service_level": share(self.within, self.offered),
            "abandoned": self.abandoned,
            "abandonment_rate": share(self.abandoned, self.offered),
            "first_line_rate": share(self.first_line, self.first_line_known),
            "recording_rate": share(self.recorded, self.recorded_known),
            "asa_seconds": share(self.wait_answered, self.wait_known),
        }


def group_key(call: CallRecord, by: str | None, zone: ZoneInfo):
    """The value a call is grouped under: its local day, the Monday of its week, its month,
    its queue or its agent (None for a call no agent answered)."""
    if by is None:
        return None
    if by == "queue":
        return call.queue
    if by == "agent":
        return call.agent_id or None
    day = call.started_at.astimezone(zone).date()
    if by == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    if by == "month":
        return f"{day:%Y-%m}"
    return day.isoformat()


def _fill_days(groups: dict) -> None:
    """Days without calls between the first and the last are groups too (offered 0)."""
    days = sorted(date.fromisoformat(k) for k in groups if k)
    if not days:
        return
    day = days[0]
    while day < days[-1]:
        day += timedelta(days=1)
        groups.setdefault(day.isoformat(), Tally())


def tally(calls, by: str | None, threshold: float, zone: str = "Asia/Shanghai") -> dict:
    """The tallies of an iterable of calls, keyed by group (one key None without ``by``)."""
    where = ZoneInfo(zone)
    groups: dict = defaultdict(Tally)
    for call in calls:
        groups[group_key(call, by, where)].add(call, threshold)
    if by == "day":
        _fill_days(groups)
    if by is None and not groups:
        groups[None] = Tally()
    return dict(groups)


def column_of(by: str | None) -> str | None:
    return {"agent": "agent_id"}.get(by, by)


def kpi_rows(groups: dict, by: str | None) -> list[dict]:
    """The groups as the contract prints them, in order (no agent last)."""
    column = column_of(by)
    ordered = sorted(groups, key=lambda k: (k is None, str(k)))
    return [
        {"by": None if by is None else {column: key}, **groups[key].figures()} for key in ordered
    ]


def meets(kpi: str, value: float | None, target: float) -> bool | None:
    if value is None:
        return None
    return value <= target if kpi in AT_MOST else value >= target


def table_text(rows: list[dict], by: str | None) -> str:
    """A plain table for the terminal."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    columns = ["offered", "answered", "within_threshold", "abandoned", *KPIS, "asa_seconds"]
    writer.writerow([column_of(by) or "all", *columns])
    for row in rows:
        label = "all" if row["by"] is None else (next(iter(row["by"].values())) or "(none)")
        writer.writerow([label, *(_cell(row[c]) for c in columns)])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def stored_calls(
    session: Session, survey_ids, since: datetime | None = None, until: datetime | None = None
):
    """The surveys' imported call records (started in [since, until) when given), streamed."""
    columns = (
        HotlineCall.call_id,
        HotlineCall.queue,
        HotlineCall.agent_id,
        HotlineCall.started_at,
        HotlineCall.wait_seconds,
        HotlineCall.abandoned,
        HotlineCall.first_line,
        HotlineCall.recorded,
        HotlineCall.transferred,
        HotlineCall.talk_seconds,
    )
    query = select(*columns).where(HotlineCall.survey_id.in_(survey_ids))
    if since is not None:
        query = query.where(HotlineCall.started_at >= since)
    if until is not None:
        query = query.where(HotlineCall.started_at < until)
    for row in session.execute(query.execution_options(yield_per=5000)):
        started = row.started_at if row.started_at.tzinfo else row.started_at.replace(tzinfo=UTC)
        yield CallRecord(
            row.call_id,
            row.queue,
            row.agent_id,
            started,
            row.wait_seconds,
            row.abandoned,
            row.first_line,
            row.recorded,
            row.transferred,
            row.talk_seconds,
        )


def call_months(session: Session, survey_ids, zone: str) -> list[str]:
    """The months (local) that hold the surveys' call records, newest first."""
    first, last = session.execute(
        select(func.min(HotlineCall.started_at), func.max(HotlineCall.started_at)).where(
            HotlineCall.survey_id.in_(survey_ids)
        )
    ).one()
    if first is None:
        return []
    where = ZoneInfo(zone)
    start = first.replace(tzinfo=first.tzinfo or UTC).astimezone(where).date().replace(day=1)
    end = last.replace(tzinfo=last.tzinfo or UTC).astimezone(where).date()
    months = []
    while start <= end:
        months.append(f"{start:%Y-%m}")
        start = (start + timedelta(days=32)).replace(day=1)
    return months[::-1]


def month_bounds(month: str, zone: str) -> tuple[datetime, datetime]:
    """A local month's first instant and the next month's, in UTC."""
    first = datetime.strptime(month, "%Y-%m").replace(tzinfo=ZoneInfo(zone))
    after = (first + timedelta(days=32)).replace(day=1)
    return first.astimezone(UTC), after.astimezone(UTC)

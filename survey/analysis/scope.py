"""Which responses a report reads: the filters in the address and the manager's branches.

A filter is a *subset* of the survey's design, as R's ``subset(design, …)``: the strata and
their sample sizes stay those of the whole survey, so the intervals stay honest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import String, and_, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from ..models import Answer, ReportRow, Response

FILTERS = ("branch", "channel", "tier")
PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")
WEEK = re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")
# Years a report period may name: the calendar's own limit (year 1 to 9999) leaves no room
# for the "next month" bound of December 9999, and no bank surveyed before 1900.
FIRST_YEAR, LAST_YEAR = 1900, 9998


class ScopeError(ValueError):
    """A filter in the address that cannot be read."""


# Keys SQLite's JSON paths can name: others (a quote, a backslash, or any non-ASCII letter,
# which the stored JSON keeps \u-escaped and SQLite 3.40 compares unescaped) are looked up
# with json_each, whose keys are decoded.
PATH_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class AttributeText(FunctionElement):
    """A response attribute's value as text, for any key the responses may carry."""

    type = String()
    inherit_cache = True
    name = "attribute_text"


def _key(element) -> str:
    return element.clauses.clauses[1].value


@compiles(AttributeText)
def _attribute_postgresql(element, compiler, **kw):
    column = compiler.process(element.clauses.clauses[0], **kw)
    return f"({column} ->> {compiler.render_literal_value(_key(element), String())})"


@compiles(AttributeText, "sqlite")
def _attribute_sqlite(element, compiler, **kw):
    column = compiler.process(element.clauses.clauses[0], **kw)
    key = _key(element)
    if PATH_KEY.match(key):
        return f"CAST(JSON_EXTRACT({column}, '$.\"{key}\"') AS VARCHAR)"
    quoted = compiler.render_literal_value(key, String())
    # The key is a literal quoted by the dialect; the column is our own.
    return f"(SELECT CAST(value AS VARCHAR) FROM json_each({column}) WHERE key = {quoted})"  # noqa: S608


def attribute(name: str):
    """A segment attribute copied onto the response (branch, tier, channel, …) as text.

    The key is written into the SQL as a literal, so the same expression in SELECT and GROUP
    BY is one expression to PostgreSQL.
    """
    return AttributeText(Response.attributes, literal(name))


class YearMonth(FunctionElement):
    """YYYY-MM of a timestamp, in the database (months add up into quarters in Python)."""

    type = String()
    inherit_cache = True
    name = "year_month"


@compiles(YearMonth)
def _year_month_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses.clauses[0], **kw)}, 'YYYY-MM')"


@compiles(YearMonth, "sqlite")
def _year_month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses.clauses[0], **kw)})"


def month_of(column):
    """YYYY-MM of a timestamp, on either database (a statement built once serves both)."""
    return YearMonth(column)


def quarter_of(month: str) -> str:
    year, number = month.split("-")
    return f"{year}-Q{(int(number) + 2) // 3}"


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """The first instant of a month (YYYY-MM) or quarter (YYYY-Qn) and of the next one, in
    UTC as the database and the export keep times; an ISO week (2026-W47) runs Monday to
    Monday."""
    week = WEEK.match(period or "")
    if week:
        try:
            monday = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        except ValueError as error:
            raise ScopeError(f"period {period!r}: {error}") from error
        start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
        return start, start + timedelta(days=7)
    match = PERIOD.match(period)
    if not match:
        raise ScopeError(
            f"period {period!r} is neither a month (2026-10), a quarter (2026-Q4) nor a week (2026-W47)"
        )
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ScopeError(f"period {period!r} is outside the years {FIRST_YEAR}–{LAST_YEAR}")
    first = int(match.group(2)) if match.group(2) else (int(match.group(3)) - 1) * 3 + 1
    months = 1 if match.group(2) else 3
    after = first + months
    end = datetime(year + (after - 1) // 12, (after - 1) % 12 + 1, 1, tzinfo=UTC)
    return datetime(year, first, 1, tzinfo=UTC), end


@dataclass(frozen=True)
class ReportScope:
    """The filters of one report view; ``branches`` is the manager's limit (None: all)."""

    period: str | None = None
    segments: dict = field(default_factory=dict)  # attribute name → value
    branches: tuple[str, ...] | None = None
    weighted: bool = True

    @classmethod
    def from_args(cls, args, branches=None) -> ReportScope:
        """Read ?period=&branch=&channel=&tier=&weights=off; a bad period is an error."""
        period = (args.get("period") or "").strip() or None
        if period:
            period_bounds(period)
        segments = {name: args[name] for name in FILTERS if (args.get(name) or "").strip()}
        return cls(
            period, segments, tuple(branches) if branches else None, args.get("weights") != "off"
        )

    def conditions(self, dated_by=None) -> list:
        """WHERE clauses over ``Response`` for the filters and the manager's branches; the
        period applies to the completion time (or ``dated_by``, e.g. the start)."""
        clauses = []
        if self.period:
            start, end = period_bounds(self.period)
            column = Response.completed_at if dated_by is None else dated_by
            clauses += [column >= start, column < end]
        for name, value in self.segments.items():
            clauses.append(attribute(name) == value)
        if self.branches is not None:
            clauses.append(attribute("branch").in_(self.branches))
        return clauses

    def fact_conditions(self) -> list:
        """The same filters over ``report_rows``, whose filter attributes are columns."""
        clauses = []
        if self.period:
            start, end = period_bounds(self.period)
            clauses += [ReportRow.completed_at >= start, ReportRow.completed_at < end]
        for name, value in self.segments.items():
            clauses.append(getattr(ReportRow, name) == value)
        if self.branches is not None:
            clauses.append(ReportRow.branch.in_(self.branches))
        return clauses

    def without_period(self) -> ReportScope:
        return ReportScope(None, self.segments, self.branches, self.weighted)

    def args(self, **changes) -> dict:
        """The query arguments of this view, with changes (for links that keep the filters)."""
        values = {"period": self.period, **self.segments}
        if not self.weighted:
            values["weights"] = "off"
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def join_segment(query_from, name: str, questionnaire):
    """Group by a segment: a response attribute, or a segment question's code (its answer
    joined on). Returns (the grouping expression, the FROM with any join)."""
    if questionnaire is None or questionnaire.question(name) is None:
        return attribute(name), query_from
    answer = aliased(Answer)
    joined = query_from.outerjoin(
        answer,
        and_(answer.response_id == Response.id, answer.question_id == name, answer.item == ""),
    )
    return answer.code, joined

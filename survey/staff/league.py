"""The monthly service star: each teller's (or agent's) composite with its interval, and
rank groups that claim only the order the data support.

The composite (docs/staff.md has the method and its check by simulation):

- **customers** (40 % by default): the design-weighted mean of the 0–100 score each of the
  month's complete responses naming the staff member gives (the questionnaire's
  ``staff_score``: five items × 20 points on the counter card). Its variance is moderated:
  the design's own (linearisation with the survey's strata, weights and fpc; n − 1 degrees
  of freedom) combined with the league's pooled within-member spread over n (times the
  member's weighting effect) as if that were 10 more degrees of freedom. A handful of
  responses then neither gives an interval of zero width (ten customers who all gave full
  marks) nor one that covers the truth too seldom.
- **peers** (30 %): the mean of the month's peer ratings, a sample of the branch's other
  tellers: variance s²/m × (1 − m/M), s² the within-teller variance of peer ratings pooled
  over the league, m the ratings, M the colleagues who could have rated.
- **operations manager** and **lobby manager** (15 % each): their ratings are the
  definition, not a sample: they add to the estimate, not to the variance.

Weights are per branch or team (``star_weights``; 40/30/15/15 for tellers, customers only
for hotline agents). A member is ranked with at least the minimum of customer responses and
every part whose weight is not zero; otherwise the league says what is missing.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis.scope import period_bounds
from ..models import (
    StaffMember,
    StaffRole,
    StarWeights,
    Survey,
)
from ..stats.ranking import Composite, Part, compose, rank_groups
from ..surveys.versions import questionnaire_of
from .parts import customer_parts_of, customer_scores, internal_parts

PARTS = ("customer", "peer", "ops", "lobby")
DEFAULT_WEIGHTS = {
    StaffRole.TELLER: {"customer": 40, "peer": 30, "ops": 15, "lobby": 15},
    StaffRole.AGENT: {"customer": 100, "peer": 0, "ops": 0, "lobby": 0},
}
RANKED_ROLES = (StaffRole.TELLER, StaffRole.AGENT)


class LeagueError(ValueError):
    """A league that cannot be computed (and why)."""


def current_month(zone: str) -> str:
    """This month (YYYY-MM) in the bank's time zone: ratings and leagues follow its calendar."""
    return f"{datetime.now(ZoneInfo(zone)):%Y-%m}"


def month_days(month: str) -> tuple[date, date]:
    """The first and last day of a month written YYYY-MM."""
    try:
        start, _ = period_bounds(month)
    except ValueError:
        raise LeagueError(f"month {month!r} is not a month like 2026-11") from None
    if len(month) != 7:
        raise LeagueError(f"month {month!r} is not a month like 2026-11")
    last = calendar.monthrange(start.year, start.month)[1]
    return start.date(), start.date().replace(day=last)


@dataclass
class Entry:
    member: StaffMember | None
    staff_id: str
    n: int = 0
    customer: Part | None = None
    internal: dict = field(default_factory=dict)  # part → Internal
    weights: dict = field(default_factory=dict)
    composite: Composite | None = None
    ci: tuple[float, float] | None = None
    rank_group: int | None = None
    missing: tuple[str, ...] = ()  # why not ranked: "responses" or a part's name

    @property
    def name(self) -> str:
        return self.member.name if self.member else ""

    @property
    def unit(self) -> str:
        return self.member.unit if self.member else ""

    @property
    def ranked(self) -> bool:
        return self.rank_group is not None

    def score(self, part: str) -> float | None:
        if part == "customer":
            return self.customer.estimate if self.customer else None
        found = self.internal.get(part)
        return found.mean if found else None

    def as_json(self) -> dict:
        """The entry as `survey staff league --json` prints it (DESIGN.md)."""
        return {
            "staff_id": self.staff_id,
            "name": self.name,
            "n": self.n,
            "customer_score": self.score("customer"),
            "peer_score": self.score("peer"),
            "ops_score": self.score("ops"),
            "lobby_score": self.score("lobby"),
            "composite": self.composite.estimate if self.composite else None,
            "ci_low": self.ci[0] if self.ci else None,
            "ci_high": self.ci[1] if self.ci else None,
            "rank_group": self.rank_group,
        }


@dataclass
class League:
    survey: Survey
    month: str
    entries: list[Entry]
    unknown: dict[str, int]  # staff numbers in responses that the registry does not know
    min_responses: int
    confidence_level: float
    branch: str | None = None

    @property
    def ranked(self) -> list[Entry]:
        return [e for e in self.entries if e.ranked]

    def honour_board(self, places: int = 3) -> list[Entry]:
        """The top ``places`` ranked tellers (by composite)."""
        return self.ranked[:places]

    def tied_beyond_board(self, places: int = 3) -> list[Entry]:
        """Ranked members below the board who share the last star's rank group."""
        board = self.honour_board(places)
        if not board:
            return []
        last = board[-1].rank_group
        return [e for e in self.ranked[places:] if e.rank_group == last]

    def quartiles(self) -> tuple[list[Entry], list[Entry]]:
        """The top and bottom 25 % of the ranked (at least one each when two or more)."""
        ranked = self.ranked
        if len(ranked) < 2:
            return ranked, []
        size = max(1, math.ceil(len(ranked) / 4))
        size = min(size, len(ranked) // 2)
        return ranked[:size], ranked[-size:]


def weights_for(session: Session, members) -> dict[str, dict]:
    """Each member's weights: their unit's row; for tellers else the default row (unit
    ""); else their role's default."""
    rows = {w.unit: w for w in session.scalars(select(StarWeights))}
    found = {}
    for member in members:
        row = rows.get(member.unit)
        if row is None and member.role == StaffRole.TELLER:
            row = rows.get("")
        found[member.staff_number] = (
            {p: getattr(row, p) for p in PARTS}
            if row is not None
            else dict(DEFAULT_WEIGHTS[StaffRole(member.role)])
        )
    return found


def set_weights(session: Session, unit: str, weights: dict[str, int]) -> StarWeights:
    """Store a unit's weights (whole percents summing to 100)."""
    values = {p: int(weights.get(p, 0)) for p in PARTS}
    if any(v < 0 for v in values.values()) or sum(values.values()) != 100:
        raise LeagueError("The four weights are whole percents from 0 that add up to 100.")
    if values["customer"] == 0:
        raise LeagueError("The customers' weight cannot be 0: the star rests on their ratings.")
    row = session.get(StarWeights, unit) or StarWeights(unit=unit)
    for part, value in values.items():
        setattr(row, part, value)
    session.add(row)
    session.flush()
    return row


def league(
    session: Session,
    survey: Survey,
    month: str,
    branch: str | None = None,
    branches=None,
    min_responses: int = 10,
    confidence_level: float = 0.95,
) -> League:
    """The month's league of the staff the survey's responses name (optionally one
    branch's or team's; ``branches`` limits a manager to the staff of theirs). Every
    response naming a member counts, whichever branch recorded it."""
    first, last = month_days(month)
    scoring = questionnaire_of(survey.questionnaire_version).staff_score
    if scoring is None:
        raise LeagueError(
            f"{survey.slug}: its questionnaire has no staff_score, so it rates no staff"
        )
    rows = customer_scores(session, survey, month, scoring)
    numbers = {r[0] for r in rows}
    members = {
        m.staff_number: m
        for m in session.scalars(select(StaffMember).where(StaffMember.staff_number.in_(numbers)))
    }
    unknown: dict[str, int] = defaultdict(int)
    if members or session.scalar(select(StaffMember.id).limit(1)) is not None:
        for number, _, _ in rows:
            if number not in members:
                unknown[number] += 1
    in_league = [
        m
        for m in members.values()
        if m.role in RANKED_ROLES
        and (not branch or m.unit == branch)
        and (branches is None or m.unit in branches)
    ]
    customers = customer_parts_of(session, survey, [r for r in rows if r[0] in members])
    internal = internal_parts(session, in_league, month, first, last)
    weights = weights_for(session, in_league)
    entries = []
    for member in in_league:
        n, part = customers.get(member.staff_number, (0, None))
        entry = Entry(member, member.staff_number, n, part, internal.get(member.id, {}))
        entry.weights = weights[member.staff_number]
        _compose(entry, min_responses, confidence_level)
        entries.append(entry)
    ranked = [e for e in entries if e.composite is not None and not e.missing]
    for entry, group in zip(
        ranked, rank_groups([e.composite for e in ranked], confidence_level), strict=True
    ):
        entry.rank_group = group
    entries.sort(
        key=lambda e: (
            e.rank_group is None,
            -(e.composite.estimate if e.composite else -1),
            e.staff_id,
        )
    )
    return League(survey, month, entries, dict(unknown), min_responses, confidence_level, branch)


def _compose(entry: Entry, min_responses: int, confidence_level: float) -> None:
    """The entry's composite and interval, or what keeps it from being ranked."""
    missing = []
    if entry.n < min_responses:
        missing.append("responses")
    parts, weights = [], []
    for name in PARTS:
        weight = entry.weights[name]
        if weight == 0:
            continue
        if name == "customer":
            part = entry.customer
        else:
            found = entry.internal.get(name)
            part = Part(found.mean, found.variance, found.df) if found else None
        if part is None:
            if name != "customer":
                missing.append(name)
            continue
        parts.append(part)
        weights.append(weight / 100)
    entry.missing = tuple(missing)
    if missing or entry.customer is None:
        return
    entry.composite = compose(parts, weights)
    interval = entry.composite.confidence_interval(confidence_level)
    entry.ci = (interval.low, interval.high)

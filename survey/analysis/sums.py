"""Per-stratum sums from one GROUP BY, and the survey's design they are weighed with.

The design is the export's (DESIGN.md): a complete response in stratum h weighs N_h/n_h —
the frame's count over the completes, which post-stratifies to the frame — with N_h as the
finite-population correction. Completes whose stratum has no frame count are outside the
design and left out of weighted figures. Unweighted, every complete weighs 1 in one stratum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import ReportRow, Response, ResponseStatus, StratumPopulation, Survey
from ..models.responses import SUM_ORDER
from ..stats.aggregates import StratumSums, mean_from_sums
from ..stats.estimate import Estimate
from .facts import check_ready
from .measures import Measure, Source
from .scope import FILTERS, ReportScope, join_segment, month_of

LONELY_PSU = "adjust"  # one complete in a stratum must not blank a manager's page


@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """The strata of a survey's completes: sample size, weight and fpc factor per stratum."""

    survey_id: int
    labels: tuple[str, ...]
    n_psu: np.ndarray
    fpc_factor: np.ndarray
    weights: np.ndarray
    weighted: bool
    has_frame: bool  # the survey has frame counts (a probability sample)
    outside: int  # completes left out of the weighted design

    def conditions(self, stratum=Response.stratum) -> list:
        return [stratum.in_(self.labels)] if self.weighted else []

    def completes(self, scope) -> list:
        """WHERE clauses for this survey's completes inside the design and the scope."""
        return [
            Response.survey_id == self.survey_id,
            Response.status == ResponseStatus.COMPLETE,
            *scope.conditions(),
            *self.conditions(),
        ]


def survey_design(session: Session, survey: Survey, weighted: bool = True) -> SurveyDesign:
    """The design from the frame counts and the completes per stratum (one small GROUP BY);
    first checks that ``report_rows`` holds every complete (ReportNotReady if not)."""
    check_ready(session, survey)
    populations = dict(
        session.execute(
            select(StratumPopulation.stratum, StratumPopulation.population).where(
                StratumPopulation.survey_id == survey.id
            )
        ).all()
    )
    completes = dict(
        session.execute(
            select(Response.stratum, func.count())
            .where(Response.survey_id == survey.id, Response.status == ResponseStatus.COMPLETE)
            .group_by(Response.stratum)
        ).all()
    )
    covered = sorted(s for s in completes if s is not None and populations.get(s))
    if not weighted or not covered:
        total = sum(completes.values())
        one = np.ones(1)
        return SurveyDesign(
            survey.id, ("",), np.array([float(total)]), one, one, False, bool(covered), 0
        )
    n = np.array([float(completes[s]) for s in covered])
    big_n = np.array([float(populations[s]) for s in covered])
    return SurveyDesign(
        survey.id,
        tuple(covered),
        n,
        (big_n - n) / big_n,
        big_n / n,
        True,
        True,
        sum(completes.values()) - int(n.sum()),
    )


ALL = object()


@dataclass(frozen=True, eq=False)
class SourceSums:
    """count, Σy and Σy² of each column of a source, per (domain, stratum)."""

    design: SurveyDesign
    source: Source
    cells: dict  # (domain, stratum index) → array [count, Σy₁, Σy₁², Σy₂, …]

    @property
    def domains(self) -> list:
        return sorted({domain for domain, _ in self.cells}, key=lambda d: (d is None, str(d)))

    def _counts(self, domains) -> np.ndarray:
        strata = len(self.design.labels)
        width = 1 + 2 * len(self.source.columns)
        totals = np.zeros((strata, width))
        for (domain, h), values in self.cells.items():
            if domains is ALL or domain in domains:
                totals[h] += values
        return totals

    def stratum_sums(self, column: str, domains=ALL) -> StratumSums:
        """The sums of ``column`` over the rows of the given domains (a set), or all rows."""
        design = self.design
        j = 1 + 2 * self.source.columns.index(column)
        every, chosen = self._counts(ALL), self._counts(domains)
        w = design.weights
        count, s1, s2 = chosen[:, 0], chosen[:, j], chosen[:, j + 1]
        return StratumSums(
            design.labels,
            design.n_psu,
            design.fpc_factor,
            every[:, 0],
            count,
            w * count,
            w * s1,
            w * s2,
            w * w * count,
            w * w * s1,
            w * w * s2,
            LONELY_PSU,
        )

    def estimate(self, measure: Measure, domains=ALL) -> Estimate | None:
        """The measure over the domains' rows; None where no row answered."""
        sums = self.stratum_sums(measure.column, domains)
        if sums.count.sum() == 0:
            return None
        scale = 100.0 if measure.kind == "nps" else 1.0
        return mean_from_sums(sums, measure.kind, scale)


def collect(
    session: Session,
    design: SurveyDesign,
    source: Source,
    scope: ReportScope,
    by: str | None = None,
    questionnaire=None,
) -> SourceSums:
    """One GROUP BY stratum (and domain) over the source's per-response values: from
    ``report_rows`` for a headline index by a filter attribute or month, else joined from
    the answers."""
    if source.facts and (by is None or by == "month" or by in FILTERS):
        return _collect_facts(session, design, source, scope, by)
    query_from, values = source.join(Response.__table__)
    groups = [Response.stratum] if design.weighted else []
    domain = None
    if by == "month":
        domain = month_of(Response.completed_at)
    elif by:
        domain, query_from = join_segment(query_from, by, questionnaire)
    if domain is not None:
        groups.append(domain)
    aggregates = [func.count(values["value"])]
    for column in source.columns:
        aggregates += [func.sum(values[column]), func.sum(values[column] * values[column])]
    query = (
        select(*groups, *aggregates)
        .select_from(query_from)
        .where(values["value"].is_not(None), *design.completes(scope))
    )
    if groups:
        query = query.group_by(*groups)
    return _cells(session, design, source, query, domain is not None)


def _collect_facts(session, design, source, scope, by) -> SourceSums:
    return collect_facts(session, design, {source: None}, scope, by).sums[source.key]


@dataclass(frozen=True)
class FactSums:
    """Sums per headline source, and the completes in the scope with their first and last."""

    sums: dict
    completes: int
    first: object
    last: object


def _fact_groups(session, design, by) -> list:
    """What ``collect_facts`` groups by. PostgreSQL hashes (stratum, domain) groups. SQLite
    has no hash aggregation and would sort every row, so it groups by the sums index's own
    column order up to the domain (``ix_report_rows_sums``: stratum, branch, channel, tier,
    month), reads the rows in that order from the index alone, and the finer groups are
    added up afterwards: the sums are additive."""
    if session.get_bind().dialect.name == "postgresql" or (by is None and not design.weighted):
        groups = [ReportRow.stratum] if design.weighted else []
        return groups + ([getattr(ReportRow, by)] if by else [])
    order = list(SUM_ORDER[1 : SUM_ORDER.index(by or "stratum") + 1])
    return [getattr(ReportRow, name) for name in order]


def collect_facts(session, design, sources: dict, scope, by=None) -> FactSums:
    """Headline sources from one scan of ``report_rows``, by a filter attribute or ``month``.
    ``sources`` maps each source to the columns wanted (None: all it has); a source's
    columns are NULL exactly where its value is, so plain sums suffice."""
    groups = _fact_groups(session, design, by)
    names = [column.key for column in groups]
    stratum_at = names.index("stratum") if design.weighted else None
    domain_at = names.index(by) if by else None
    aggregates = [func.count(), func.min(ReportRow.completed_at), func.max(ReportRow.completed_at)]
    layout = []  # per source: [(column position in the sums array, aggregate index)]
    for source, wanted in sources.items():
        columns = dict(source.facts)
        place = [(0, len(aggregates))]
        aggregates.append(func.count(getattr(ReportRow, columns["value"])))
        for j, name in enumerate(source.columns):
            if name in columns and (wanted is None or name in wanted or name == "value"):
                column = getattr(ReportRow, columns[name])
                place += [(1 + 2 * j, len(aggregates)), (2 + 2 * j, len(aggregates) + 1)]
                aggregates += [func.sum(column), func.sum(column * column)]
        layout.append((source, place, 1 + 2 * len(source.columns)))
    query = select(*groups, *aggregates).where(
        ReportRow.survey_id == design.survey_id,
        *scope.fact_conditions(),
        *design.conditions(ReportRow.stratum),
    )
    if groups:
        query = query.group_by(*groups)
    index = {label: h for h, label in enumerate(design.labels)}
    cells = {source.key: {} for source in sources}
    completes, first, last = 0, None, None
    for row in session.execute(query):
        h = 0 if stratum_at is None else index[row[stratum_at]]
        key = None if domain_at is None else row[domain_at]
        row = row[len(groups) :]
        completes += row[0]
        first = row[1] if first is None or (row[1] and row[1] < first) else first
        last = row[2] if last is None or (row[2] and row[2] > last) else last
        for source, place, width in layout:
            part = np.zeros(width)
            for position, aggregate in place:
                part[position] = float(row[aggregate] or 0.0)
            if part[0]:
                sums = cells[source.key]
                sums[(key, h)] = sums[(key, h)] + part if (key, h) in sums else part
    return FactSums(
        {source.key: SourceSums(design, source, cells[source.key]) for source in sources},
        completes,
        first,
        last,
    )


def _cells(session, design, source, query, by_domain: bool) -> SourceSums:
    index = {label: h for h, label in enumerate(design.labels)}
    cells = {}
    for row in session.execute(query):
        row = list(row)
        h = index[row.pop(0)] if design.weighted else 0
        key = row.pop(0) if by_domain else None
        cells[(key, h)] = np.array([float(v or 0.0) for v in row])
    return SourceSums(design, source, cells)


def merge_domains(sums: SourceSums, relabel) -> SourceSums:
    """The same sums with domains renamed and merged (months into quarters)."""
    cells = {}
    for (domain, h), values in sums.cells.items():
        key = (relabel(domain), h)
        cells[key] = cells.get(key, 0) + values
    return SourceSums(sums.design, sums.source, cells)

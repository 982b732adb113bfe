"""Cross-tabs of any two questions or segments: counts, weighted column percentages with
intervals, and the Rao–Scott test; from one GROUP BY stratum, row, column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Response
from ..stats.aggregates import StratumSums, mean_from_sums
from ..stats.crosstab import CellSums, RaoScott, rao_scott
from ..stats.errors import EstimationError
from .figures import Figure, figure
from .scope import ReportScope, join_segment
from .sums import LONELY_PSU, SurveyDesign


@dataclass(frozen=True)
class CrossTab:
    rows: list[str]
    columns: list[str]
    counts: np.ndarray  # unweighted, rows × columns
    column_percent: list[list[Figure]]  # [row][column]
    test: RaoScott | None
    problem: str | None = None

    @property
    def column_totals(self) -> list[int]:
        return [int(v) for v in self.counts.sum(axis=0)]


def cross_tab(
    session: Session,
    questionnaire,
    scope: ReportScope,
    design: SurveyDesign,
    row_name: str,
    column_name: str,
) -> CrossTab:
    query_from = Response.__table__
    row_expr, query_from = join_segment(query_from, row_name, questionnaire)
    column_expr, query_from = join_segment(query_from, column_name, questionnaire)
    groups = [Response.stratum] if design.weighted else []
    where = design.completes(scope)
    cells = session.execute(
        select(*groups, row_expr, column_expr, func.count())
        .select_from(query_from)
        .where(*where)
        .group_by(*groups, row_expr, column_expr)
    ).all()
    in_scope = (
        session.execute(
            select(*groups, func.count())
            .select_from(Response.__table__)
            .where(*where)
            .group_by(*groups)
        ).all()
        if groups
        else [(session.scalar(select(func.count()).select_from(Response.__table__).where(*where)),)]
    )
    strata = len(design.labels)
    index = {label: h for h, label in enumerate(design.labels)}
    scope_rows = np.zeros(strata)
    for row in in_scope:
        scope_rows[index[row[0]] if groups else 0] = row[-1]
    counts = [(index[c[0]] if groups else 0, *c[-3:]) for c in cells]
    present = [(h, r, c, n) for h, r, c, n in counts if r is not None and c is not None]
    rows = sorted({str(r) for _, r, _, _ in present}, key=_order)
    columns = sorted({str(c) for _, _, c, _ in present}, key=_order)
    table = np.zeros((strata, len(rows), len(columns)))
    for h, r, c, n in present:
        table[h, rows.index(str(r)), columns.index(str(c))] += n
    return _tabulate(design, rows, columns, table, scope_rows)


def _order(code: str):
    try:
        return (0, float(code), "")
    except ValueError:
        return (1, 0.0, code)


def _tabulate(design, rows, columns, table, scope_rows) -> CrossTab:
    """Counts, column percentages (each a domain proportion) and the test."""
    w = design.weights
    present_count = table.sum(axis=(1, 2))
    percents = []
    for i in range(len(rows)):
        line = []
        for j in range(len(columns)):
            count, hits = table[:, :, j].sum(axis=1), table[:, i, j]
            sums = StratumSums(
                design.labels,
                design.n_psu,
                design.fpc_factor,
                present_count,
                count,
                w * count,
                w * hits,
                w * hits,
                w * w * count,
                w * w * hits,
                w * w * hits,
                LONELY_PSU,
            )
            estimate = mean_from_sums(sums, "proportion") if count.sum() else None
            line.append(figure(rows[i], estimate, percent=True))
        percents.append(line)
    counts = table.sum(axis=0)
    test, problem = None, None
    try:
        flat = table.transpose(0, 2, 1).reshape(len(design.labels), -1)  # rows vary fastest
        in_scope = scope_rows > 0
        test = rao_scott(
            CellSums(
                w[:, None] * flat,
                (w * w)[:, None] * flat,
                design.n_psu,
                design.fpc_factor,
                present_count > 0,
                len(rows),
                len(columns),
                int(scope_rows.sum()),
                int(scope_rows.sum()) - int(in_scope.sum()),
                LONELY_PSU,
            )
        )
    except (EstimationError, np.linalg.LinAlgError) as error:
        problem = str(error)
    return CrossTab(rows, columns, counts, percents, test, problem)

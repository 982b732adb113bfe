"""The report's tables for a spreadsheet: the headline indices, each index by every filter
segment, and the touchpoints — one long table (CSV) or a sheet each (XLSX)."""

from __future__ import annotations

import csv

from openpyxl import Workbook

from ..responses.export import neutralise
from .attributes import touchpoint_figures
from .figures import Figure
from .scope import FILTERS
from .views import headline, segment_figures

COLUMNS = [
    "table",
    "index",
    "segment",
    "value",
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "margin_of_error",
    "n",
    "n_eff",
    "deff",
    "flag",
    "p_adjusted",
    "note",
]


def _row(table, index, segment, value, fig: Figure) -> dict:
    verdict = {"suppress": "withheld", "review": "review"}.get(fig.standard)
    note = (
        f"{verdict} (NCHS standard): {'; '.join(fig.reasons)}"
        if verdict
        else "no answers"
        if fig.estimate is None
        else ""
    )
    shown = not fig.suppressed
    return {
        "table": table,
        "index": index,
        "segment": neutralise(segment),
        "value": neutralise(value),
        "estimate": fig.estimate if shown else None,
        "ci_low": fig.low if shown else None,
        "ci_high": fig.high if shown else None,
        "se": fig.se if shown else None,
        "margin_of_error": fig.moe if shown else None,
        "n": fig.n,
        "n_eff": fig.n_eff,
        "deff": fig.deff if shown else None,
        "flag": fig.flag or "",
        "p_adjusted": fig.p_value,
        "note": note,
    }


def report_tables(session, survey, questionnaire, scope, design) -> dict[str, list[dict]]:
    """Each table's rows; estimates as on the pages (CSAT in %, NPS in points)."""
    tables = {"headline": []}
    for h in headline(session, survey, scope, design):
        tables["headline"].append(_row("headline", h.measure.key, "", "", h.figure))
        rows = tables.setdefault(f"by_{h.measure.key}", [])
        for name in FILTERS:
            for fig in segment_figures(session, survey, scope, design, h.measure, name)[1]:
                rows.append(_row(f"by_{h.measure.key}", h.measure.key, name, fig.label, fig))
    touchpoints = []
    for touchpoint, figures in touchpoint_figures(session, questionnaire, scope, design).items():
        for fig in figures:
            touchpoints.append(_row("touchpoints", fig.label, "touchpoint", touchpoint, fig))
    if touchpoints:
        tables["touchpoints"] = touchpoints
    return tables


def write_tables_csv(stream, tables) -> None:
    writer = csv.DictWriter(stream, fieldnames=COLUMNS)
    writer.writeheader()
    for rows in tables.values():
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


def write_tables_xlsx(stream, tables) -> None:
    book = Workbook(write_only=True)
    for name, rows in tables.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append([row[c] for c in COLUMNS])
    book.save(stream)

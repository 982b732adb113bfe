"""What comments are about, as shares a manager can trust: each topic's share of the
responses with a comment, with its design-based interval, over the scope and by a segment.

A topic's share is a domain proportion (R: ``svyciprop(~topic, subset(design, commented))``):
the responses with a comment that was read are the domain, every complete stays in the
design, so the interval equals ``survey stats --stat prop`` on the export's ``_topic_KEY``
column (empty where no comment was read). A response with several comments counts once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..comments.analysis import COUNTED, of_response
from ..models import CommentReading, Response
from ..stats.aggregates import StratumSums, mean_from_sums
from .figures import Figure, figure
from .scope import ReportScope, attribute, month_of
from .sums import LONELY_PSU, SurveyDesign


@dataclass(frozen=True)
class TopicTable:
    """Shares per topic (percent figures), over the scope and per domain of ``by``."""

    topics: tuple[str, ...]
    commented: int  # responses with a comment read
    overall: dict  # topic → Figure
    sentiment: dict  # positive/neutral/negative → Figure
    domains: tuple[str, ...] = ()
    by_domain: dict | None = None  # domain → {topic → Figure}


def _responses(session: Session, design: SurveyDesign, scope: ReportScope, by: str | None):
    """(stratum index, domain, topics, mean sentiment) per response with a comment read."""
    domain = None
    if by == "month":
        domain = month_of(Response.completed_at)
    elif by:
        domain = attribute(by)
    query = (
        select(
            Response.id,
            Response.stratum,
            domain if domain is not None else Response.id,
            CommentReading.topics,
            CommentReading.sentiment,
        )
        .join(CommentReading, CommentReading.response_id == Response.id)
        .where(CommentReading.status.in_(COUNTED), *design.completes(scope))
    )
    index = {label: h for h, label in enumerate(design.labels)}
    found: dict = {}
    for response_id, stratum, key, topics, sentiment in session.execute(query):
        h = index[stratum] if design.weighted else 0
        entry = found.setdefault(response_id, (h, key if domain is not None else None, []))
        entry[2].append((topics, sentiment))
    return [(h, key, *of_response(readings)) for h, key, readings in found.values()]


def _share(design: SurveyDesign, every: np.ndarray, count: np.ndarray, hits: np.ndarray) -> Figure:
    w = design.weights
    sums = StratumSums(
        design.labels, design.n_psu, design.fpc_factor, every, count,
        w * count, w * hits, w * hits, w * w * count, w * w * hits, w * w * hits, LONELY_PSU,
    )  # fmt: skip
    if count.sum() == 0:
        return figure("", None, True)
    return figure("", mean_from_sums(sums, "proportion"), True)


def topic_table(
    session: Session,
    design: SurveyDesign,
    scope: ReportScope,
    topics: list[str],
    by: str | None = None,
) -> TopicTable:
    """Every topic's share (and the sentiment's three shares) over the scope and by ``by``."""
    rows = _responses(session, design, scope, by)
    strata = len(design.labels)
    every = np.bincount([r[0] for r in rows], minlength=strata).astype(float)

    def shares(chosen) -> tuple[dict, dict]:
        count = np.bincount([r[0] for r in chosen], minlength=strata).astype(float)

        def hits(test) -> np.ndarray:
            picked = [r[0] for r in chosen if test(r)]
            return np.bincount(picked, minlength=strata).astype(float)

        by_topic = {t: _share(design, every, count, hits(lambda r, t=t: t in r[2])) for t in topics}
        feelings = {
            "negative": hits(lambda r: r[3] <= -0.05),
            "neutral": hits(lambda r: -0.05 < r[3] < 0.05),
            "positive": hits(lambda r: r[3] >= 0.05),
        }
        return by_topic, {k: _share(design, every, count, v) for k, v in feelings.items()}

    overall, sentiment = shares(rows)
    table = TopicTable(tuple(topics), len(rows), overall, sentiment)
    if by is None:
        return table
    domains = tuple(sorted({r[1] for r in rows if r[1] is not None}, key=str))
    by_domain = {d: shares([r for r in rows if r[1] == d])[0] for d in domains}
    return TopicTable(tuple(topics), len(rows), overall, sentiment, domains, by_domain)

"""A survey's (or one branch's) report for a period as a PDF: the same numbers as the report
pages, each with its interval and base, the charts and the method note, printed by
WeasyPrint from an HTML template with the Noto CJK fonts.

The figures come from the functions the pages use (``analysis.views``, ``analysis.topics``),
so the PDF's headline equals the estimates API for the same survey, branch and period.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy.orm import Session

from ..analysis.scope import ReportScope, ScopeError, period_bounds
from ..analysis.sums import survey_design
from ..analysis.topics import TopicTable, topic_table
from ..analysis.views import Headline, headline_and_counts, segment_figures, trend
from ..comments.readings import current_dictionary
from ..i18n import use_language
from ..models import Survey, utcnow
from ..surveys.versions import questionnaire_of


class ReportError(ValueError):
    """A report that cannot be made (an unknown branch, a bad period)."""


@dataclass(frozen=True)
class ReportContent:
    """Everything one report prints."""

    survey: Survey
    branch: str | None
    period: str | None
    language: str
    headline: list[Headline]
    counts: dict
    by_branch: tuple = ()  # (measure, whole, figures) when the report is not one branch's
    trend: list = field(default_factory=list)
    topics: TopicTable | None = None
    topic_names: dict = field(default_factory=dict)
    design: object = None
    made_at: datetime = field(default_factory=utcnow)

    def headline_values(self) -> list[dict]:
        """The headline as stored with an archived report (what it printed)."""
        return [
            {"measure": h.measure.key, "estimate": h.figure.estimate, "low": h.figure.low,
             "high": h.figure.high, "n": h.figure.n}
            for h in self.headline
        ]  # fmt: skip


def gather(
    session: Session, survey: Survey, branch: str | None, period: str | None, language: str
) -> ReportContent:
    """The report's figures for the survey, one branch (or all) and one period (or all)."""
    try:
        if period:
            period_bounds(period)
    except ScopeError as error:
        raise ReportError(str(error)) from error
    scope = ReportScope(period, {"branch": branch} if branch else {})
    design = survey_design(session, survey)
    headline, counts = headline_and_counts(session, survey, scope, design)
    if branch and not counts["counts"]["complete"]:
        raise ReportError(f"survey {survey.slug} has no complete response from branch {branch!r}")
    by_branch = ()
    if not branch and headline:
        measure = headline[0].measure
        whole, figures = segment_figures(session, survey, scope, design, measure, "branch")
        by_branch = (measure, whole, figures)
    points = (
        trend(session, survey, scope.without_period(), headline[0].measure.key, "month")
        if headline
        else []
    )
    dictionary, _ = current_dictionary(session)
    topics = None
    if questionnaire_of(survey.questionnaire_version).analysis.comments:
        topics = topic_table(session, design, scope, dictionary.keys)
    names = {t.key: t.name(language) for t in dictionary.topics}
    return ReportContent(
        survey, branch, period, language, headline, counts, by_branch, points, topics, names, design
    )


def render_html(content: ReportContent) -> str:
    """The report as HTML, in the report's language (needs the app, not a request)."""
    with current_app.test_request_context(base_url=current_app.config["SURVEY_BASE_URL"]):
        use_language(content.language)
        html = render_template("publishing/report.html", content=content)
    # WeasyPrint draws inline SVG with the SVG's own styles only: each chart gets the pages'
    # chart rules inside it, their colour variables written out.
    return _style_charts(html)


def _chart_css() -> str:
    css = Path(current_app.static_folder, "css", "charts.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z]+):\s*([^;]+);", css.split("}", 1)[0]))
    css = re.sub(r"/\*.*?\*/", "", css.split("}", 1)[1].split("@media")[0], flags=re.S)
    return re.sub(r"var\(--([a-z]+)\)", lambda m: colours.get(m.group(1), "inherit"), css)


def _style_charts(html: str) -> str:
    style = f"<style>{_chart_css()}</style>"
    return re.sub(r'(<svg class="chart"[^>]*>)', lambda m: m.group(1) + style, html)


def render_pdf(content: ReportContent) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 (loads Pango: only when a PDF is made)

    html = render_html(content)
    return HTML(string=html).write_pdf()


def digest(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()

"""An R script that rebuilds the report's headline figures from the exported CSV with R's
survey package: the same design (strata, weights post-stratified to the frame, fpc), the
same filters as ``subset()``, the same intervals."""

from __future__ import annotations

from .measures import headline_measures, scale_of
from .scope import PERIOD, ReportScope


def _r_string(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _filters(scope: ReportScope) -> list[str]:
    clauses = []
    if scope.period:
        match = PERIOD.match(scope.period)
        if match.group(2):
            clauses.append(f"substr(completed_at, 1, 7) == {_r_string(scope.period)}")
        else:
            clauses.append(
                f"substr(completed_at, 1, 4) == {_r_string(match.group(1))} & "
                f"(as.integer(substr(completed_at, 6, 7)) + 2) %/% 3 == {int(match.group(3))}"
            )
    for name, value in scope.segments.items():
        clauses.append(f"`{name}` == {_r_string(value)}")
    return clauses


def r_script(survey, questionnaire, scope: ReportScope, weighted: bool, csv_name: str) -> str:
    """The script's text; it prints one CSV line per headline index."""
    measures = headline_measures(questionnaire)
    specials = ", ".join(c for c in questionnaire.special_codes.values() if c.lstrip("-").isdigit())
    lines = [
        f"# The headline figures of survey {survey.slug}, rebuilt from {csv_name}",
        "# with R's survey package (Rscript analysis.R, in the folder holding the CSV).",
        "library(survey)",
        'options(survey.lonely.psu = "adjust")',
        f'd <- read.csv({_r_string(csv_name)}, check.names = FALSE, stringsAsFactors = FALSE, na.strings = "")',
        'd <- d[d$status == "complete", ]',
    ]
    used = sorted({item[0] for m in measures for item in m.source.items})
    if specials:
        lines.append("# refused and don't know are missing, not scores")
        for answer_id in used:
            lines.append(f"d${answer_id}[d${answer_id} %in% c({specials})] <- NA")
    for m in measures:
        if m.key == "csat":
            cut = scale_of(questionnaire, m.source.items[0][0]).top_cut
            lines.append(
                f"d$csat <- ifelse(is.na(d${m.source.items[0][0]}), NA, as.numeric(d${m.source.items[0][0]} >= {cut:g}))"
            )
        elif m.key == "mean":
            lines.append(f"d$mean <- d${m.source.items[0][0]}")
        elif m.key == "nps":
            q = m.source.items[0][0]
            lines.append(
                f"d$nps <- ifelse(is.na(d${q}), NA, ifelse(d${q} >= 9, 1, ifelse(d${q} >= 7, 0, -1)))"
            )
        elif m.key == "csi":
            lines.append(
                "# CSI: each respondent's weighted 0-100 score over the indicators answered"
            )
            lines.append("num <- 0; den <- 0")
            for answer_id, low, high, weight in m.source.items:
                lines.append(
                    f"s <- (d${answer_id} - {low:g}) / ({high:g} - {low:g}) * 100; "
                    f"num <- num + ifelse(is.na(s), 0, s * {weight:g}); den <- den + (!is.na(s)) * {weight:g}"
                )
            lines.append("d$csi <- ifelse(den > 0, num / den, NA)")
            if m.source.complete:
                items = " | ".join(f"is.na(d${a})" for a, *_ in m.source.items)
                lines.append(f"d$csi[{items}] <- NA  # missing_items: complete (na.omit)")
    if weighted:
        lines += [
            "d <- d[!is.na(d$`_weight`), ]",
            "des <- svydesign(ids = ~1, strata = ~`_stratum`, weights = ~`_weight`, fpc = ~`_fpc`, data = d)",
        ]
    else:
        lines.append("des <- svydesign(ids = ~1, data = d)")
    filters = _filters(scope)
    if filters:
        lines.append(f"des <- subset(des, {' & '.join(filters)})")
    lines += [
        "out <- NULL",
        "for (index in c(" + ", ".join(_r_string(m.key) for m in measures) + ")) {",
        "  dx <- des[!is.na(des$variables[[index]]), ]",
        '  f <- as.formula(paste0("~", index))',
        '  scale <- if (index %in% c("csat", "nps")) 100 else 1',
        '  if (index == "csat") {',
        '    r <- svyciprop(f, dx, method = "logit")',
        '    ci <- as.numeric(attr(r, "ci")); est <- as.numeric(r); se <- as.numeric(SE(r))',
        "  } else {",
        "    r <- svymean(f, dx)",
        "    ci <- as.numeric(confint(r, df = degf(dx))); est <- as.numeric(coef(r)); se <- as.numeric(SE(r))",
        "  }",
        "  out <- rbind(out, data.frame(index = index, estimate = est * scale, se = se * scale,",
        "    ci_low = ci[1] * scale, ci_high = ci[2] * scale, df = degf(dx), n = sum(weights(dx) > 0)))",
        "}",
        "write.csv(format(out, digits = 15), stdout(), row.names = FALSE)",
    ]
    return "\n".join(lines) + "\n"

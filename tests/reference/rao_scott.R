# Reference values for the Rao–Scott test (survey::svychisq, statistic = "F").
# Run from tests/reference: Rscript rao_scott.R > rao_scott.json
suppressMessages(library(survey))
d <- read.csv("bank_survey.csv", stringsAsFactors = FALSE)
design <- function(data) svydesign(ids = ~1, strata = ~interaction(region, tier), weights = ~weight, fpc = ~population, data = data)
d_missing <- d; d_missing$q_overall[1:7] <- NA
cases <- list(
  list(name = "branch_by_overall", des = design(d), formula = ~branch + q_overall),
  list(name = "with_missing", des = design(d_missing), formula = ~branch + q_overall),
  list(name = "subset_tier_by_overall", des = subset(design(d_missing), branch == "B02"), formula = ~tier + q_overall)
)
out <- sapply(cases, function(case) {
  r <- svychisq(case$formula, case$des, statistic = "F")
  sprintf('"%s": {"statistic": %.17g, "ndf": %.17g, "ddf": %.17g, "p_value": %.17g}',
          case$name, r$statistic, r$parameter[1], r$parameter[2], r$p.value)
})
cat("{", paste(out, collapse = ",\n "), "}\n")

# R's side of the benchmark: read the CSV, build the design, svyby one statistic by branch.
# Usage: Rscript svyby.R FILE STAT OUT [deff]   (STAT: mean, prop or nps; deff: the mean
# also computes design effects, as survey stats prints them)
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
design <- svydesign(ids = ~1, strata = ~stratum, weights = ~weight, fpc = ~population, data = data)
stat <- args[2]
if (stat == "mean") {
  present <- subset(design, !is.na(q_overall))
  result <- svyby(~q_overall, ~branch, present, svymean, deff = length(args) > 3)
  ci <- confint(result, df = degf(present))
  out <- data.frame(branch = result$branch, estimate = coef(result), se = SE(result), ci_low = ci[, 1], ci_high = ci[, 2])
} else if (stat == "prop") {
  present <- subset(design, !is.na(top2))
  result <- svyby(~top2, ~branch, present, svyciprop, vartype = c("se", "ci"), method = "logit", df = degf(present))
  out <- data.frame(branch = result$branch, estimate = coef(result), se = SE(result), ci_low = result$ci_l, ci_high = result$ci_u)
} else {
  data$nps_score <- ifelse(is.na(data$q_nps), NA, ifelse(data$q_nps >= 9, 1, ifelse(data$q_nps >= 7, 0, -1)))
  design <- svydesign(ids = ~1, strata = ~stratum, weights = ~weight, fpc = ~population, data = data)
  present <- subset(design, !is.na(nps_score))
  result <- svyby(~nps_score, ~branch, present, svymean)
  ci <- confint(result, df = degf(present))
  out <- data.frame(branch = result$branch, estimate = 100 * coef(result), se = 100 * SE(result),
                    ci_low = 100 * ci[, 1], ci_high = 100 * ci[, 2])
}
write.csv(out, args[3], row.names = FALSE)

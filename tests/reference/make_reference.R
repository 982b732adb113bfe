# Reference values from R's survey package for the statistics engine's tests.
#
# Run from the repository root:  Rscript tests/reference/make_reference.R
# It writes tests/reference/bank_survey.csv (a seeded synthetic bank survey) and
# tests/reference/reference.json (every number the tests compare to 1e-9).
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
here <- "tests/reference"

# A stratified, weighted bank survey with missing answers and clusters -----------------
set.seed(20261122)
regions <- c("north", "south", "east")
tiers <- c("mass", "gold", "wealth")
strata <- expand.grid(region = regions, tier = tiers, stringsAsFactors = FALSE)
strata$population <- c(52000, 61000, 47000, 9000, 11000, 8000, 1500, 2100, 1300)
strata$sampled <- c(260, 300, 240, 120, 140, 110, 60, 70, 50)
rows <- do.call(rbind, lapply(seq_len(nrow(strata)), function(h) {
  s <- strata[h, ]
  n <- s$sampled
  cluster <- sprintf("%s-%s-%02d", s$region, s$tier, sample(1:10, n, replace = TRUE))
  base <- c(mass = 3.4, gold = 3.8, wealth = 4.1)[[s$tier]]
  branch <- sample(sprintf("B%02d", 1:6), n, replace = TRUE)
  shift <- c(B01 = 0.3, B02 = 0, B03 = -0.4, B04 = 0.1, B05 = -0.1, B06 = 0.2)[branch]
  overall <- pmin(5, pmax(1, round(rnorm(n, base + shift, 0.9))))
  overall[runif(n) < 0.05] <- NA
  nps <- pmin(10, pmax(0, round(rnorm(n, 2 * (base + shift) - 0.2, 2))))
  nps[runif(n) < 0.05] <- NA
  wait <- round(rexp(n, 1 / 9), 1)
  data.frame(region = s$region, tier = s$tier, branch = branch, cluster = cluster,
             weight = s$population / n * runif(n, 0.8, 1.25), population = s$population,
             q_overall = overall, top2 = ifelse(is.na(overall), NA, as.integer(overall >= 4)),
             q_nps = nps, wait = wait, stringsAsFactors = FALSE)
}))
write.csv(rows, file.path(here, "bank_survey.csv"), row.names = FALSE, na = "")
bank <- read.csv(file.path(here, "bank_survey.csv"), stringsAsFactors = FALSE)
bank$nps_score <- ifelse(is.na(bank$q_nps), NA, ifelse(bank$q_nps >= 9, 1, ifelse(bank$q_nps >= 7, 0, -1)))
apistrat <- read.csv(file.path(here, "apistrat.csv"), stringsAsFactors = FALSE)
apiclus1 <- read.csv(file.path(here, "apiclus1.csv"), stringsAsFactors = FALSE)
apistrat$yes <- as.integer(apistrat$sch.wide == "Yes")
apiclus1$yes <- as.integer(apiclus1$sch.wide == "Yes")
apiclus1$high_api <- as.integer(apiclus1$api00 >= 850)  # one school: asin's lower bound reflects

bank$overall_filled <- ifelse(is.na(bank$q_overall), 3, bank$q_overall)
designs <- list(
  bank_strat = list(data = "bank_survey.csv", ids = NULL, strata = c("region", "tier"), weights = "weight", fpc = "population",
                    make = function() svydesign(ids = ~1, strata = ~interaction(region, tier), weights = ~weight, fpc = ~population, data = bank)),
  bank_cluster = list(data = "bank_survey.csv", ids = "cluster", strata = c("region"), weights = "weight", fpc = NULL,
                      make = function() svydesign(ids = ~cluster, strata = ~region, weights = ~weight, data = bank, nest = TRUE)),
  api_strat = list(data = "apistrat.csv", ids = NULL, strata = c("stype"), weights = "pw", fpc = "fpc",
                   make = function() svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)),
  api_clus1 = list(data = "apiclus1.csv", ids = "dnum", strata = NULL, weights = "pw", fpc = "fpc",
                   make = function() svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1))
)

num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) "null" else sprintf("%.17g", as.numeric(x))
str_ <- function(x) if (is.null(x)) "null" else paste0("\"", x, "\"")
cases <- character(0)
add <- function(design, var, stat, by, method, level, label, est, se, low, high, df, deff, deffr, n) {
  d <- designs[[design]]
  cases <<- c(cases, sprintf(paste0(
    '{"design": %s, "data": %s, "ids": %s, "strata": %s, "weights": %s, "fpc": %s, "var": %s, ',
    '"stat": %s, "by": %s, "domain": %s, "ci_method": %s, "confidence_level": %s, "estimate": %s, "se": %s, ',
    '"ci_low": %s, "ci_high": %s, "df": %s, "deff": %s, "deff_replace": %s, "n": %s}'),
    str_(design), str_(d$data), str_(d$ids),
    if (is.null(d$strata)) "null" else paste0("[", paste0("\"", d$strata, "\"", collapse = ", "), "]"),
    str_(d$weights), str_(d$fpc), str_(var), str_(stat), str_(by), str_(label), str_(method), num(level),
    num(est), num(se), num(low), num(high), num(df), num(deff), num(deffr), num(n)))
}

mean_case <- function(design, var, stat, by = NULL, level = 0.95, method = "t", scale = 1) {
  des <- designs[[design]]$make()
  present <- subset(des, !is.na(des$variables[[var]]))
  df <- degf(present)
  f <- as.formula(paste0("~", var))
  domains <- if (is.null(by)) list(NULL) else as.list(sort(unique(present$variables[[by]])))
  for (value in domains) {
    sub <- if (is.null(value)) present else present[present$variables[[by]] == value, ]
    fun <- if (stat == "total") svytotal else svymean
    m <- fun(f, sub, deff = TRUE)
    mr <- fun(f, sub, deff = "replace")
    q <- if (method == "normal") qnorm(1 - (1 - level) / 2) else qt(1 - (1 - level) / 2, df)
    add(design, var, stat, by, method, level, value, coef(m) * scale, SE(m) * scale,
        (coef(m) - q * SE(m)) * scale, (coef(m) + q * SE(m)) * scale, df, deff(m), deff(mr),
        sum(weights(sub) != 0))
  }
}

prop_case <- function(design, var, method, by = NULL, level = 0.95) {
  des <- designs[[design]]$make()
  present <- subset(des, !is.na(des$variables[[var]]))
  df <- degf(present)
  domains <- if (is.null(by)) list(NULL) else as.list(sort(unique(present$variables[[by]])))
  for (value in domains) {
    sub <- if (is.null(value)) present else present[present$variables[[by]] == value, ]
    p <- svyciprop(as.formula(paste0("~", var)), sub, method = method, level = level, df = df)
    m <- svymean(as.formula(paste0("~", var)), sub, deff = TRUE)
    mr <- svymean(as.formula(paste0("~", var)), sub, deff = "replace")
    ci <- attr(p, "ci")
    add(design, var, "prop", by, method, level, value, coef(p), sqrt(attr(p, "var")), ci[1], ci[2], df,
        deff(m), deff(mr), sum(weights(sub) != 0))
  }
}

for (design in c("bank_strat", "bank_cluster")) {
  mean_case(design, "q_overall", "mean")
  mean_case(design, "q_overall", "mean", by = "branch")
  mean_case(design, "q_overall", "mean", level = 0.9, method = "normal")
  mean_case(design, "wait", "total")
  mean_case(design, "wait", "total", by = "tier")
  mean_case(design, "nps_score", "nps", scale = 100)
  mean_case(design, "nps_score", "nps", by = "branch", scale = 100)
  for (method in c("logit", "beta", "mean", "xlogit", "asin", "likelihood")) {
    prop_case(design, "top2", method)
    prop_case(design, "top2", method, by = "branch")
  }
  prop_case(design, "top2", "beta", level = 0.99)
}
mean_case("api_strat", "api00", "mean")
mean_case("api_strat", "api00", "mean", by = "stype")
mean_case("api_clus1", "enroll", "total")
mean_case("api_clus1", "api00", "mean", by = "stype")
for (method in c("logit", "beta", "mean", "xlogit", "asin", "likelihood")) prop_case("api_strat", "yes", method)
prop_case("api_clus1", "high_api", "asin")

# Lonely PSUs: the bank design with one stratum cut down to a single PSU -----------------
lonely_rows <- bank[!(bank$region == "north" & bank$tier == "wealth" & bank$cluster != "north-wealth-01"), ]
lonely_rows <- lonely_rows[!(lonely_rows$region == "north" & lonely_rows$tier == "wealth") | !duplicated(lonely_rows$cluster), ]
write.csv(lonely_rows[, c("region", "tier", "branch", "cluster", "weight", "population", "q_overall", "top2", "q_nps", "wait")],
          file.path(here, "bank_lonely.csv"), row.names = FALSE, na = "")
lonely <- read.csv(file.path(here, "bank_lonely.csv"), stringsAsFactors = FALSE)
for (rule in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = rule)
  name <- paste0("lonely_", rule)
  designs[[name]] <- list(data = "bank_lonely.csv", ids = "cluster", strata = c("region", "tier"), weights = "weight", fpc = NULL,
                          make = function() svydesign(ids = ~cluster, strata = ~interaction(region, tier), weights = ~weight, data = lonely, nest = TRUE))
  mean_case(name, "q_overall", "mean")
  mean_case(name, "wait", "total")
}
options(survey.lonely.psu = "fail")

# Ratios, domain contrasts and p-value adjustments ------------------------------------------
extra <- character(0)
for (design in c("bank_strat", "bank_cluster")) {
  des <- designs[[design]]$make()
  present <- subset(des, !is.na(q_overall))
  r <- svyratio(~wait, ~q_overall, present)
  extra <- c(extra, sprintf('{"kind": "ratio", "design": "%s", "numerator": "wait", "denominator": "q_overall", "estimate": %s, "se": %s}',
                            design, num(coef(r)), num(SE(r))))
  b <- svyby(~q_overall, ~branch, present, svymean, covmat = TRUE)
  for (pair in list(c("B01", "B03"), c("B02", "B06"))) {
    weights_ <- setNames(c(1, -1), pair)
    k <- svycontrast(b, weights_)
    extra <- c(extra, sprintf('{"kind": "contrast", "design": "%s", "var": "q_overall", "by": "branch", "first": "%s", "second": "%s", "estimate": %s, "se": %s}',
                              design, pair[1], pair[2], num(coef(k)), num(SE(k))))
  }
}
for (design in c("bank_strat", "bank_cluster", "api_strat")) {
  des <- designs[[design]]$make()
  for (variable in if (design == "api_strat") c("api00") else c("wait", "q_overall")) {
    present <- subset(des, !is.na(des$variables[[variable]]))
    for (method in c("mean", "xlogit", "asin", "beta")) {
      q <- svyquantile(as.formula(paste0("~", variable)), present, quantiles = c(0.25, 0.5, 0.9), ci = TRUE, interval.type = method)[[1]]
      for (i in seq_len(nrow(q))) {
        extra <- c(extra, sprintf('{"kind": "quantile", "design": "%s", "var": "%s", "p": %s, "method": "%s", "estimate": %s, "ci_low": %s, "ci_high": %s, "se": %s}',
                                  design, variable, num(c(0.25, 0.5, 0.9)[i]), method, num(q[i, 1]), num(q[i, 2]), num(q[i, 3]), num(q[i, 4])))
      }
    }
  }
}
branch_pop <- data.frame(branch = sprintf("B%02d", 1:6), Freq = c(32000, 35000, 28000, 33000, 31900, 33000))
tier_pop <- data.frame(tier = c("gold", "mass", "wealth"), Freq = c(28000, 160000, 4900))
adjusted <- list(
  post = function(d) postStratify(d, ~branch, branch_pop),
  rake = function(d) rake(d, list(~tier, ~branch), list(tier_pop, branch_pop)),
  rake_tight = function(d) rake(d, list(~tier, ~branch), list(tier_pop, branch_pop), control = list(maxit = 100, epsilon = 1e-12)),
  linear = function(d) calibrate(d, ~tier + wait, c(`(Intercept)` = 192900, tiermass = 160000, tierwealth = 4900, wait = 1774680)),
  raking = function(d) calibrate(d, ~tier + wait, c(`(Intercept)` = 192900, tiermass = 160000, tierwealth = 4900, wait = 1774680), calfun = "raking")
)
# R's linear calibration cannot take missing values (qr.resid fails), so that case uses
# q_overall with its gaps filled with 3 (overall_filled); the tests derive it the same way.
bank$overall_filled <- ifelse(is.na(bank$q_overall), 3, bank$q_overall)
for (design in c("bank_strat", "bank_cluster")) {
  for (name in names(adjusted)) {
    variable <- if (name %in% c("linear", "raking")) "overall_filled" else "q_overall"
    des <- adjusted[[name]](designs[[design]]$make())
    present <- subset(des, !is.na(des$variables[[variable]]))
    m <- svymean(as.formula(paste0("~", variable)), present, na.rm = TRUE)
    extra <- c(extra, sprintf('{"kind": "adjusted", "design": "%s", "adjustment": "%s", "var": "%s", "domain": null, "estimate": %s, "se": %s, "df": %s, "weight_sum": %s}',
                              design, name, variable, num(coef(m)), num(SE(m)), num(degf(present)), num(sum(weights(des)))))
    b <- svyby(as.formula(paste0("~", variable)), ~tier, present, svymean, na.rm = TRUE)
    for (i in seq_len(nrow(b))) {
      extra <- c(extra, sprintf('{"kind": "adjusted", "design": "%s", "adjustment": "%s", "var": "%s", "domain": "%s", "estimate": %s, "se": %s, "df": null, "weight_sum": null}',
                                design, name, variable, b$tier[i], num(coef(b)[i]), num(SE(b)[i])))
    }
  }
}
for (design in c("bank_strat", "bank_cluster")) {
  des <- designs[[design]]$make()
  a <- svycralpha(~q_overall + q_nps + wait, des, na.rm = TRUE)
  complete <- na.omit(bank[, c("q_overall", "q_nps", "wait")])
  plain <- 3 / 2 * (1 - sum(apply(complete, 2, var)) / var(rowSums(complete)))
  # Standardised alpha, k·r̄ / (1 + (k − 1)·r̄), from the mean inter-item correlation: the
  # design-weighted one (svyvar on the complete cases) and the plain one.
  answered <- subset(des, !is.na(q_overall) & !is.na(q_nps) & !is.na(wait))
  r <- cov2cor(as.matrix(svyvar(~q_overall + q_nps + wait, answered)))
  rbar <- mean(r[upper.tri(r)])
  plain_r <- cor(complete)
  plain_rbar <- mean(plain_r[upper.tri(plain_r)])
  extra <- c(extra, sprintf('{"kind": "alpha", "design": "%s", "items": ["q_overall", "q_nps", "wait"], "survey": %s, "plain": %s, "survey_standardised": %s, "plain_standardised": %s}',
                            design, num(a), num(plain), num(3 * rbar / (1 + 2 * rbar)), num(3 * plain_rbar / (1 + 2 * plain_rbar))))
}
# A domain's own degrees of freedom (survey stats --domain-df domain): R's estimate on
# subset(design, …) with confint(df = degf(subset)), and svyciprop, whose default df is the
# subset's degf().
for (design in c("bank_strat", "bank_cluster")) {
  des <- designs[[design]]$make()
  for (b in sort(unique(bank$branch))) {
    sub <- subset(des, branch == b & !is.na(q_overall))
    m <- svymean(~q_overall, sub)
    ci <- confint(m, df = degf(sub))
    extra <- c(extra, sprintf('{"kind": "domain_df", "design": "%s", "var": "q_overall", "stat": "mean", "method": "t", "domain": "%s", "estimate": %s, "ci_low": %s, "ci_high": %s, "df": %s}',
                              design, b, num(coef(m)), num(ci[1]), num(ci[2]), num(degf(sub))))
    sub <- subset(des, branch == b & !is.na(top2))
    p <- svyciprop(~top2, sub, method = "logit")
    ci <- attr(p, "ci")
    extra <- c(extra, sprintf('{"kind": "domain_df", "design": "%s", "var": "top2", "stat": "prop", "method": "logit", "domain": "%s", "estimate": %s, "ci_low": %s, "ci_high": %s, "df": %s}',
                              design, b, num(coef(p)), num(ci[1]), num(ci[2]), num(degf(sub))))
  }
}
# Replicate weights: designs made by as.svrepdesign (JKn from the stratified bank survey,
# JK1 from the API clusters, BRR and Fay from six branches with two half-samples each),
# and designs read from columns (R's bootstrap of the clustered bank survey, written to
# bank_replicates.csv and read back by both sides; R's JK1 columns of the API clusters).
bank$pair <- paste0(bank$branch, "-", as.integer(substring(bank$cluster, nchar(bank$cluster) - 1)) %% 2)
set.seed(20261201)
boot <- as.svrepdesign(designs$bank_cluster$make(), type = "bootstrap", replicates = 20)
columns <- weights(boot, "analysis")
colnames(columns) <- sprintf("rep%02d", seq_len(ncol(columns)))
write.csv(cbind(bank[, c("tier", "branch", "weight", "q_overall", "top2", "wait")], signif(columns, 10)),
          file.path(here, "bank_replicates.csv"), row.names = FALSE, na = "")
bank_reps <- read.csv(file.path(here, "bank_replicates.csv"), stringsAsFactors = FALSE)
api_jk1 <- as.svrepdesign(designs$api_clus1$make(), type = "JK1")
api_columns <- signif(weights(api_jk1, "analysis"), 10)
colnames(api_columns) <- sprintf("jk%02d", seq_len(ncol(api_columns)))
write.csv(cbind(apiclus1[, c("dnum", "pw", "api00", "yes", "enroll")], api_columns),
          file.path(here, "api_jk1.csv"), row.names = FALSE, na = "")
api_reps <- read.csv(file.path(here, "api_jk1.csv"), stringsAsFactors = FALSE)
replicated <- list(
  bank_jkn = function() as.svrepdesign(designs$bank_strat$make(), type = "JKn"),
  bank_brr = function() as.svrepdesign(svydesign(ids = ~pair, strata = ~branch, weights = ~weight, data = bank), type = "BRR"),
  bank_fay = function() as.svrepdesign(svydesign(ids = ~pair, strata = ~branch, weights = ~weight, data = bank), type = "Fay", fay.rho = 0.3),
  bank_boot_columns = function() svrepdesign(data = bank_reps, repweights = "rep[0-9]+", weights = ~weight, type = "bootstrap", combined.weights = TRUE),
  api_jk1 = function() as.svrepdesign(designs$api_clus1$make(), type = "JK1"),
  api_jk1_columns = function() suppressWarnings(svrepdesign(data = api_reps, repweights = "jk[0-9]+", weights = ~pw, type = "JK1", combined.weights = TRUE))
)
for (name in names(replicated)) {
  des <- replicated[[name]]()
  bank_like <- startsWith(name, "bank")
  mvar <- if (bank_like) "q_overall" else "api00"
  pvar <- if (bank_like) "top2" else "yes"
  tvar <- if (bank_like) "wait" else "enroll"
  present <- subset(des, !is.na(des$variables[[mvar]]))
  m <- svymean(as.formula(paste0("~", mvar)), present, deff = TRUE)
  tt <- svytotal(as.formula(paste0("~", tvar)), des)
  answered <- subset(des, !is.na(des$variables[[pvar]]))
  p <- svyciprop(as.formula(paste0("~", pvar)), answered, method = "logit")
  q <- svyquantile(as.formula(paste0("~", tvar)), des, 0.5, ci = TRUE)[[1]]
  r <- svyratio(as.formula(paste0("~", mvar)), as.formula(paste0("~", tvar)), present)
  extra <- c(extra, sprintf('{"kind": "replicates", "design": "%s", "mean_var": "%s", "mean": %s, "mean_se": %s, "mean_df": %s, "mean_deff": %s, "total_var": "%s", "total": %s, "total_se": %s, "prop_var": "%s", "prop": %s, "prop_low": %s, "prop_high": %s, "median": %s, "median_low": %s, "median_high": %s, "ratio": %s, "ratio_se": %s, "df": %s}',
    name, mvar, num(coef(m)), num(SE(m)), num(degf(present)), num(deff(m)), tvar, num(coef(tt)), num(SE(tt)), pvar, num(coef(p)),
    num(attr(p, "ci")[1]), num(attr(p, "ci")[2]), num(q[1, 1]), num(q[1, 2]), num(q[1, 3]), num(coef(r)), num(SE(r)), num(degf(des))))
  if (bank_like) {
    b <- svyby(~q_overall, ~tier, present, svymean)
    for (i in seq_len(nrow(b))) {
      sub <- subset(present, tier == b$tier[i])
      extra <- c(extra, sprintf('{"kind": "replicates_by", "design": "%s", "var": "q_overall", "domain": "%s", "estimate": %s, "se": %s, "domain_df": %s}',
                                name, b$tier[i], num(coef(b)[i]), num(SE(b)[i]), num(degf(sub))))
    }
  }
}
# CSI and SERVQUAL with unanswered items (bank_items.csv): a 0–100 CSI of three items
# weighted 0.5/0.3/0.2 and a SERVQUAL dimension of two paired items, by three rules —
# complete cases (R's na.omit), each respondent's answered items (CSI weights renormalised;
# SERVQUAL gaps per answered pair) — on the stratified bank design.
set.seed(20261202)
items <- bank[, c("region", "tier", "weight", "population")]
for (k in 1:3) items[[paste0("c", k)]] <- pmin(10, pmax(1, round(rnorm(nrow(items), 6 + k / 2, 2))))
for (k in 1:2) {
  items[[paste0("e", k)]] <- pmin(7, pmax(1, round(rnorm(nrow(items), 6, 1))))
  items[[paste0("p", k)]] <- pmin(7, pmax(1, round(items[[paste0("e", k)]] - 0.7 + rnorm(nrow(items), 0, 1))))
}
for (column in c("c1", "c2", "c3", "e1", "e2", "p1", "p2")) items[[column]][runif(nrow(items)) < 0.12] <- NA
write.csv(items, file.path(here, "bank_items.csv"), row.names = FALSE, na = "")
items <- read.csv(file.path(here, "bank_items.csv"), stringsAsFactors = FALSE)
scores <- sapply(1:3, function(k) (items[[paste0("c", k)]] - 1) / 9 * 100)
csi_weights <- c(0.5, 0.3, 0.2)
items$csi_complete <- ifelse(rowSums(is.na(scores)) == 0, drop(scores %*% csi_weights), NA)
answered <- !is.na(scores)
items$csi_available <- ifelse(rowSums(answered) > 0, rowSums(ifelse(answered, scores, 0) %*% diag(csi_weights)) / drop(answered %*% csi_weights), NA)
gaps <- cbind(items$p1 - items$e1, items$p2 - items$e2)
sides <- items[, c("p1", "p2", "e1", "e2")]
items$gap_complete <- ifelse(rowSums(is.na(sides)) == 0, rowMeans(gaps), NA)
items$gap_paired <- ifelse(rowSums(!is.na(gaps)) > 0, rowMeans(gaps, na.rm = TRUE), NA)
items_design <- svydesign(ids = ~1, strata = ~interaction(region, tier), weights = ~weight, fpc = ~population, data = items)
for (index in c("csi_complete", "csi_available", "gap_complete", "gap_paired")) {
  present <- subset(items_design, !is.na(items_design$variables[[index]]))
  m <- svymean(as.formula(paste0("~", index)), present)
  extra <- c(extra, sprintf('{"kind": "missing_items", "index": "%s", "estimate": %s, "se": %s, "n": %d}',
                            index, num(coef(m)), num(SE(m)), nrow(present)))
}
# Ties: the cumulative weight share lands exactly on p only when summed as R sums (long double).
ties <- data.frame(y = c(rep(3, 100), rep(4, 100)), w = 0.1)
tied <- svyquantile(~y, svydesign(ids = ~1, weights = ~w, data = ties), quantiles = c(0.25, 0.5, 0.75), ci = TRUE)[[1]]
for (i in seq_len(nrow(tied))) {
  extra <- c(extra, sprintf('{"kind": "quantile_ties", "values": [3, 4], "each": 100, "weight": 0.1, "p": %s, "estimate": %s, "ci_low": %s, "ci_high": %s}',
                            num(c(0.25, 0.5, 0.75)[i]), num(tied[i, 1]), num(tied[i, 2]), num(tied[i, 3])))
}
p <- c(0.001, 0.04, 0.03, 0.2, 0.011, 0.5)
extra <- c(extra, sprintf('{"kind": "p_adjust", "p": [%s], "holm": [%s], "bh": [%s]}', paste(sapply(p, num), collapse = ", "),
                          paste(sapply(p.adjust(p, "holm"), num), collapse = ", "), paste(sapply(p.adjust(p, "BH"), num), collapse = ", ")))
writeLines(c("[", paste(extra, collapse = ",\n"), "]"), file.path(here, "reference_extra.json"))

writeLines(c("{", sprintf('"r_version": "%s", "survey_version": "%s",', R.version.string, packageVersion("survey")),
             '"cases": [', paste(cases, collapse = ",\n"), "]}"), file.path(here, "reference.json"))
cat(sprintf("%d reference values written\n", length(cases)))

"""The names the estimators accept — interval methods, lonely-PSU rules, replicate kinds —
kept apart from NumPy and SciPy so a command can offer them without loading either."""

ESTIMATOR_NAMES = ("mean", "nps", "prop", "total")
LONELY_PSU = ("fail", "remove", "certainty", "adjust", "average")
MEAN_METHODS = ("t", "normal")
PROPORTION_METHODS = ("logit", "beta", "mean", "xlogit", "asin", "wilson", "likelihood")
QUANTILE_METHODS = ("mean", "xlogit", "asin", "beta")
REPLICATE_TYPES = ("JK1", "JKn", "BRR", "Fay", "bootstrap", "other")
CREATED_TYPES = ("JK1", "JKn", "BRR", "Fay", "bootstrap")
SCHEMES = ("path", "centroid")

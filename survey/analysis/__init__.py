"""What managers read: design-based indices from database aggregates, by segment and period.

The database does the heavy lifting (one GROUP BY per source of values); ``survey.stats``
turns the per-stratum sums into estimates, intervals and tests. Nothing here imports Flask.
"""

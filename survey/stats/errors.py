"""The package's errors: each message names the column, row, stratum or domain at fault."""


class DesignError(ValueError):
    """The design cannot be built or used as given (a column, a stratum, a lonely PSU)."""


class EstimationError(ValueError):
    """An estimate that cannot be made, with the reason (never a silent NaN)."""

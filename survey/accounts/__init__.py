"""Staff accounts, their sessions and API tokens: who may do what, below every page."""

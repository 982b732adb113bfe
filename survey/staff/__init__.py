"""Staff: the registry, colleagues' internal ratings and the monthly service star."""

"""Benchmarks, and the real-HTTP respondents and server processes that the benchmarks and
the tests both drive the product with."""

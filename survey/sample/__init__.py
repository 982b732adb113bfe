"""The sample: frame imports, draws, post-call sampling, messages and import jobs."""

"""AAPOR final dispositions and outcome rates, in one place."""

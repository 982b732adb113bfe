"""Phone cases: calling rules, claims, outcomes and appointments, below the CATI and fieldwork pages."""

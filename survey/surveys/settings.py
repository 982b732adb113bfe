"""Edits of a survey's settings (a JSON column: each edit assigns a new dict, so the ORM
sees the change), in one place rather than in the pages that ask for them."""

from __future__ import annotations

from ..models import Survey


def _set(survey: Survey, key: str, value) -> None:
    survey.settings = {**(survey.settings or {}), key: value}


def set_target(survey: Survey, stratum: str, target: int | None) -> None:
    """A stratum's target of completes; None clears it."""
    targets = dict((survey.settings or {}).get("targets", {}))
    if target is None:
        targets.pop(stratum, None)
    else:
        targets[stratum] = target
    _set(survey, "targets", targets)


def put_quota(survey: Survey, attribute: str, value: str, target: int) -> dict:
    """Add a quota cell, or replace the one on the same attribute and value; returns it."""
    cell = {"attribute": attribute, "value": value, "target": target}
    cells = [q for q in quotas_of(survey) if (q["attribute"], q["value"]) != (attribute, value)]
    _set(survey, "quotas", [*cells, cell])
    return cell


def remove_quota(survey: Survey, index: int) -> dict | None:
    """Remove the index-th quota cell and return it (None when there is no such cell)."""
    cells = quotas_of(survey)
    if not 0 <= index < len(cells):
        return None
    removed = cells.pop(index)
    _set(survey, "quotas", cells)
    return removed


def quotas_of(survey: Survey) -> list[dict]:
    return list((survey.settings or {}).get("quotas", []))

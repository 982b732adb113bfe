"""Responses as an SPSS .sav: variable labels, value labels, and the special codes
(refused, don't know) declared user-missing, so SPSS leaves them out of every statistic.

Written with pyreadstat (the ReadStat C library, which pandas' own SPSS reader uses).
"""

from __future__ import annotations

import os
import re
import tempfile

import pandas as pd
import pyreadstat

from ..questionnaire import Questionnaire

NAME = re.compile(r"[^A-Za-z0-9_.@#$]")


def spss_names(header: list[str]) -> dict[str, str]:
    """Each column's SPSS name: ASCII letters, digits and _.@#$, starting with a letter (the
    export's _weight becomes w_weight), at most 64 bytes, and unique — columns that read
    alike once made safe (``a b`` and ``a_b``, or two Chinese names) get a number."""
    names, taken = {}, set()
    for column in header:
        base = NAME.sub("_", column)
        base = (base if base[:1].isalpha() and base.isascii() else f"w{base}")[:60]
        name, number = base, 2
        while name.lower() in taken:  # SPSS names ignore case
            name, number = f"{base}_{number}", number + 1
        names[column] = name
        taken.add(name.lower())
    return names


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def sav_bytes(header, variables, rows, questionnaire: Questionnaire) -> bytes:
    """The .sav file's bytes for the export's header, codebook variables and rows."""
    described = {v.name: v for v in variables}
    specials = [float(c) for c in questionnaire.special_codes.values() if _number(c) is not None]
    frame = pd.DataFrame(list(rows), columns=header)
    numeric = {}
    for column in header:
        values = frame[column]
        converted = pd.to_numeric(values, errors="coerce")
        if values.notna().sum() and converted.notna().sum() == values.notna().sum():
            numeric[column] = True
            frame[column] = converted.astype(float)
        else:
            frame[column] = values.astype(object).where(values.notna(), "").astype(str)
    names = spss_names(header)
    frame.columns = [names[c] for c in header]
    labels, value_labels, missing = {}, {}, {}
    for column in header:
        name = names[column]
        variable = described.get(column)
        labels[name] = (variable.label if variable else column)[:250]
        if variable and numeric.get(column):
            coded = {
                _number(code): text[:120]
                for code, text in variable.values
                if _number(code) is not None
            }
            if coded:
                value_labels[name] = coded
            if specials and variable.kind in ("code", "flag", "numeric"):
                missing[name] = specials[:3]
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(
            frame,
            path,
            file_label="responses",
            column_labels=labels,
            variable_value_labels=value_labels,
            missing_ranges=missing,
        )
        with open(path, "rb") as stream:
            return stream.read()
    finally:
        os.unlink(path)

"""Columns read from a CSV file for `survey stats`: text as written, numbers checked per cell.

The whole file is parsed by the csv module and turned into columns at C speed; numbers
are converted by NumPy, and only when a column fails is it scanned cell by cell to name
the bad one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np


class TableError(ValueError):
    """A missing column or a cell that is not a number, named with its line."""


class Table:
    """A CSV file held as columns of text; numeric columns are converted on demand."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise TableError(f"{self.path.name}: not UTF-8 text (byte {error.start})") from None
        except OSError as error:
            raise TableError(f"{self.path.name}: cannot read the file ({error.strerror})") from None
        columns = self._simple_columns(text) if '"' not in text else None
        if columns is None:
            columns = self._quoted_columns(text)
        self.columns = dict(zip(self.header, columns, strict=True))
        self.n = len(columns[0]) if columns else 0

    def _simple_columns(self, text: str):
        """Without quotes a CSV is lines of comma-separated cells: split at C speed."""
        lines = text.replace("\r\n", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not lines or not lines[0]:
            raise TableError(f"{self.path.name}: the file is empty")
        self.header = lines[0].split(",")
        width = len(self.header)
        lines = [line or "," * (width - 1) for line in lines[1:]]  # a blank line: empty cells
        if any(line.count(",") != width - 1 for line in lines):
            return None  # let the csv module find and name the bad line
        cells = ",".join(lines).split(",") if lines else []
        return [cells[j::width] for j in range(width)]

    def _quoted_columns(self, text: str):
        reader = csv.reader(io.StringIO(text, newline=""))
        self.header = next(reader, None)
        if not self.header:
            raise TableError(f"{self.path.name}: the file is empty")
        width = len(self.header)
        rows = [row or [""] * width for row in reader]
        for number, row in enumerate(rows, start=2):
            if len(row) != width:
                raise TableError(
                    f"{self.path.name}: line {number} has {len(row)} cells, the header has {width}"
                )
        return (
            [list(column) for column in zip(*rows, strict=True)]
            if rows
            else [[] for _ in range(width)]
        )

    def text(self, name: str) -> np.ndarray:
        if name not in self.columns:
            raise TableError(
                f"{self.path.name}: no column {name!r}; the columns are {', '.join(self.header)}"
            )
        return np.asarray(self.columns[name], dtype=str)

    def numbers(self, name: str, allow_missing: bool = True) -> np.ndarray:
        """A numeric column; an empty cell (or NA) is missing (NaN) where allowed."""
        cells = np.char.strip(self.text(name))
        missing = (cells == "") | (cells == "NA")
        if missing.any() and not allow_missing:
            line = int(np.flatnonzero(missing)[0]) + 2
            raise TableError(f"{self.path.name}: column {name!r}, line {line} is empty")
        cells = np.where(missing, "nan", cells)
        try:
            values = cells.astype(float)
        except ValueError:
            values = None
        bad = np.flatnonzero(~missing & ~np.isfinite(values)) if values is not None else None
        if values is None or len(bad):
            for index, cell in enumerate(cells.tolist()):
                if missing[index]:
                    continue
                try:
                    number = float(cell)
                except ValueError:
                    number = None
                if number is None or not np.isfinite(number):
                    raise TableError(
                        f"{self.path.name}: column {name!r}, line {index + 2}: {cell!r} is not a number"
                    )
        return values

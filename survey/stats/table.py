"""Columns read from a CSV file for `survey stats`: text as written, numbers checked per cell."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


class TableError(ValueError):
    """A missing column or a cell that is not a number, named with its row."""


class Table:
    """A CSV file held as columns of text; numeric columns are converted on demand."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            with open(self.path, newline="", encoding="utf-8-sig") as stream:
                reader = csv.reader(stream)
                self.header = next(reader, None)
                if not self.header:
                    raise TableError(f"{self.path.name}: the file is empty")
                rows = list(reader)
        except UnicodeDecodeError as error:
            raise TableError(f"{self.path.name}: not UTF-8 text (byte {error.start})") from None
        except OSError as error:
            raise TableError(f"{self.path.name}: cannot read the file ({error.strerror})") from None
        width = len(self.header)
        rows = [row or [""] * width for row in rows]  # a blank line is a row of empty cells
        for number, row in enumerate(rows, start=2):
            if len(row) != width:
                raise TableError(
                    f"{self.path.name}: line {number} has {len(row)} cells, the header has {width}"
                )
        self.columns = {name: [row[i] for row in rows] for i, name in enumerate(self.header)}
        self.n = len(rows)

    def text(self, name: str) -> list[str]:
        if name not in self.columns:
            raise TableError(
                f"{self.path.name}: no column {name!r}; the columns are {', '.join(self.header)}"
            )
        return self.columns[name]

    def numbers(self, name: str, allow_missing: bool = True) -> np.ndarray:
        """A numeric column; an empty cell is missing (NaN) where allowed."""
        cells = self.text(name)
        values = np.empty(len(cells))
        for index, cell in enumerate(cells):
            cell = cell.strip()
            if cell == "" or cell == "NA":
                if not allow_missing:
                    raise TableError(
                        f"{self.path.name}: column {name!r}, line {index + 2} is empty"
                    )
                values[index] = np.nan
                continue
            try:
                values[index] = float(cell)
            except ValueError:
                raise TableError(
                    f"{self.path.name}: column {name!r}, line {index + 2}: {cell!r} is not a number"
                ) from None
        return values

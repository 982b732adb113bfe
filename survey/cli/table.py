"""Columns read from a CSV file for `survey stats`: text as written, numbers checked per cell.

The whole file is parsed by the csv module and turned into columns at C speed; numbers
are converted by NumPy, and only when a column fails is it scanned cell by cell to name
the bad one.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np


class TableError(ValueError):
    """A missing column or a cell that is not a number, named with its line."""


class Table:
    """A CSV file held as columns of text; numeric columns are converted on demand."""

    @staticmethod
    def header_of(path: str | Path) -> list[str]:
        """The column names on the file's first line."""
        try:
            with open(path, encoding="utf-8-sig", newline="") as file:
                return next(csv.reader(file), [])
        except (OSError, UnicodeDecodeError) as error:
            raise TableError(f"{Path(path).name}: cannot read the file ({error})") from None

    @classmethod
    def load(cls, path: str | Path, numbers: list[str], text: list[str]) -> tuple[dict, dict, int]:
        """The named columns only: {name: floats}, {name: labels}, and the row count.

        A file without quotes, literal nan/inf cells or ragged lines is parsed by NumPy's C
        reader (only the columns asked for); anything else goes through the csv module,
        whose messages name the bad line and cell.
        """
        fast = _load_with_numpy(Path(path), numbers, text)
        if fast is not None:
            return fast
        table = cls(path)
        return (
            {n: table.numbers(n, allow_missing=n == numbers[0]) for n in numbers},
            {n: table.text(n) for n in text},
            table.n,
        )

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            raw = self.path.read_bytes()
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise TableError(f"{self.path.name}: not UTF-8 text (byte {error.start})") from None
        except OSError as error:
            raise TableError(f"{self.path.name}: cannot read the file ({error.strerror})") from None
        columns = self._simple_columns(text, raw) if '"' not in text else None
        if columns is None:
            columns = self._quoted_columns(text)
        self.columns = dict(zip(self.header, columns, strict=True))
        self.n = len(columns[0]) if columns else 0

    def _simple_columns(self, text: str, raw: bytes):
        """Without quotes a CSV is lines of comma-separated cells: split at C speed."""
        lines = (text.replace("\r\n", "\n") if "\r" in text else text).split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not lines or not lines[0]:
            raise TableError(f"{self.path.name}: the file is empty")
        self.header = lines[0].split(",")
        width = len(self.header)
        if not _same_width(raw, width, len(lines)):
            return None  # let the csv module find and name the bad line
        lines = [line or "," * (width - 1) for line in lines[1:]]  # a blank line: empty cells
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
        cells = self.columns.get(name)
        if cells is None:
            self.text(name)  # raises the missing-column error
        empty = cells.count("")
        try:  # the fast path: C-level conversion, empty cells as NaN
            values = np.fromiter(
                map(float, [c or "nan" for c in cells] if empty else cells), float, len(cells)
            )
        except ValueError:
            values = None
        if (
            values is not None
            and not np.isinf(values).any()
            and int(np.isnan(values).sum()) == empty
            and (allow_missing or not empty)
        ):
            return values
        checked = np.empty(len(cells))  # the slow path names the first bad cell
        for index, cell in enumerate(cells):
            if cell.strip() in _EMPTY:
                if not allow_missing:
                    raise TableError(
                        f"{self.path.name}: column {name!r}, line {index + 2} is empty"
                    )
                checked[index] = math.nan
                continue
            try:
                checked[index] = float(cell)
            except ValueError:
                checked[index] = math.nan
            if not math.isfinite(checked[index]):
                raise TableError(
                    f"{self.path.name}: column {name!r}, line {index + 2}: {cell!r} is not a number"
                )
        return checked


_EMPTY = frozenset({"", "NA"})


def _same_width(raw: bytes, width: int, lines: int) -> bool:
    """Every non-blank line has width − 1 commas (counted on the bytes, at C speed)."""
    data = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    if len(ends) < lines:
        ends = np.append(ends, len(data))
    commas = np.flatnonzero(data == 44)
    per_line = np.diff(np.concatenate([[0], np.searchsorted(commas, ends[:lines])]))
    starts = np.concatenate([[0], ends[: lines - 1] + 1])
    blank = (ends[:lines] - starts == 0) | (
        (ends[:lines] - starts == 1) & (data[np.minimum(starts, len(data) - 1)] == 13)
    )
    return bool(np.all((per_line == width - 1) | blank))


_SENTINEL = b"1e308"  # what an empty cell becomes for the C reader; NaN after parsing


def _fill_empty_fields(raw: bytes) -> bytes:
    """Put the sentinel into every empty field (bytes.replace runs at C speed)."""
    filled = raw.replace(b",,", b"," + _SENTINEL + b",").replace(b",,", b"," + _SENTINEL + b",")
    filled = filled.replace(b",\r\n", b"," + _SENTINEL + b"\r\n").replace(
        b",\n", b"," + _SENTINEL + b"\n"
    )
    filled = filled.replace(b"\n,", b"\n" + _SENTINEL + b",")
    return filled + _SENTINEL if filled.endswith(b",") else filled


def _load_with_numpy(path: Path, numbers: list[str], text: list[str]):
    """The fast path of Table.load, or None when the file needs the careful one."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b'"' in raw or _SENTINEL in raw or b"\n\n" in raw or b"\n\r\n" in raw:
        return None  # quotes and blank lines (rows of empty cells) take the careful path
    header = raw.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace").split(",")
    wanted = numbers + text
    if any(name not in header for name in wanted) or len(set(header)) != len(header):
        return None
    filled = _fill_empty_fields(raw)

    def columns(names, dtype):
        return np.loadtxt(
            io.BytesIO(filled),
            delimiter=",",
            skiprows=1,
            ndmin=2,
            encoding="utf-8",
            usecols=[header.index(n) for n in names],
            dtype=dtype,
        )

    try:
        values = columns(numbers, float)
        labels = columns(text, str) if text else None
    except (ValueError, UnicodeDecodeError):
        return None
    rows = values.shape[0]
    if labels is not None and labels.shape[0] != rows:
        return None
    if not np.isfinite(values).all():
        return None  # a literal nan or inf cell: let the careful path name it
    values[values == 1e308] = np.nan
    if np.isnan(values[:, 1:]).any():
        return None  # weights and fpc may not be missing: let the careful path say where
    return (
        {n: values[:, i] for i, n in enumerate(numbers)},
        {n: labels[:, i].tolist() for i, n in enumerate(text)} if text else {},
        rows,
    )

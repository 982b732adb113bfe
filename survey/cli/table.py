"""Columns read from a CSV file for `survey stats`: text as written, numbers checked per cell.

The whole file is parsed by the csv module and turned into columns at C speed; numbers
are converted by NumPy, and only when a column fails is it scanned cell by cell to name
the bad one.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
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

        A well-formed file is read by Arrow's multi-threaded reader (only the columns
        asked for; text as codes, see ``Coded``); anything else goes through the csv module,
        whose messages name the bad line and cell.
        """
        fast = _load_with_arrow(Path(path), numbers, text)
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


@dataclass(frozen=True, eq=False)
class Coded:
    """A text column as integer codes into its sorted distinct labels: what
    ``stats.design.factorize`` returns, made by Arrow in C++ without a Python string per
    row."""

    codes: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)

    def tolist(self) -> list[str]:
        return self.labels[self.codes].tolist()


def _load_with_arrow(path: Path, numbers: list[str], text: list[str]):
    """The fast path of Table.load: Arrow's multi-threaded CSV reader, only the columns
    asked for, in one pass; None when the file needs the careful path (a missing column,
    a cell that is not a number, a ragged or blank line, a literal nan or inf, a missing
    weight), whose messages name the line and cell."""
    import pyarrow as pa  # noqa: PLC0415 (only a file being read needs Arrow)
    from pyarrow import csv as arrow_csv  # noqa: PLC0415

    wanted = list(dict.fromkeys(numbers + text))
    try:
        table = arrow_csv.read_csv(
            path,
            read_options=arrow_csv.ReadOptions(use_threads=True, block_size=1 << 20),
            parse_options=arrow_csv.ParseOptions(ignore_empty_lines=False),
            convert_options=arrow_csv.ConvertOptions(
                include_columns=wanted,
                column_types={
                    **{n: pa.float64() for n in numbers},
                    **{t: pa.dictionary(pa.int32(), pa.string()) for t in text},
                },
                null_values=list(_EMPTY),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError, OSError, UnicodeDecodeError):
        return None
    if len(set(table.column_names)) != len(table.column_names):
        return None  # a repeated column name: the careful path says which
    values = {}
    for position, name in enumerate(numbers):
        column = _concatenate([_as_numpy(chunk, np.float64) for chunk in table.column(name).chunks])
        missing = np.isnan(column)
        if np.isinf(column).any() or (position and missing.any()):
            return None  # inf, or a missing weight or fpc: named by the careful path
        if missing.any() and table.column(name).null_count != int(missing.sum()):
            return None  # a literal "nan" cell
        values[name] = column
    texts = {}
    for name in text:  # read as dictionaries: one code per row, each label once
        column = table.column(name).unify_dictionaries()
        if column.num_chunks == 0:
            texts[name] = Coded(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=str))
            continue
        labels = np.asarray(column.chunk(0).dictionary.to_pylist(), dtype=str)
        indices = _concatenate([_as_numpy(chunk.indices, np.int32) for chunk in column.chunks])
        order = np.argsort(labels, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        texts[name] = Coded(rank[indices], labels[order])
    return values, texts, table.num_rows


def _concatenate(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0)


def _as_numpy(array, dtype) -> np.ndarray:
    """An Arrow array's values as NumPy, nulls as NaN, straight from its buffers (Arrow's own
    conversion would load pandas, a second or so for nothing)."""
    values = np.frombuffer(array.buffers()[1], dtype=dtype, count=array.offset + len(array))
    values = values[array.offset :]
    if array.null_count:
        bits = np.frombuffer(array.buffers()[0], dtype=np.uint8)
        valid = np.unpackbits(bits, bitorder="little")[array.offset : array.offset + len(array)]
        values = np.where(valid.astype(bool), values, np.nan)
    return values

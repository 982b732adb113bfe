"""Importing a sample frame (CSV or XLSX) — the customers a sample is drawn from —: every problem reported with its line, column,
value and reason; nothing imported from a file with errors unless the valid rows are asked for.

Recognised columns (English or Chinese headers): customer_ref (required), title, name,
phone, phone_alt, email, language, time_zone, stratum; any other column is a segment
attribute (branch, tier, channel, staff_id, age_band, …) kept with the contact and copied
onto its responses. Phone numbers are normalised to E.164 with the phonenumbers library
(national numbers read in the default region, mainland China unless configured).
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field

import phonenumbers
from openpyxl import load_workbook
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..i18n import language_for_tag
from ..models import Contact, StaffMember, Survey

ALIASES = {
    "customer_ref": {"customer_ref", "customer", "客户号", "客戶號", "客户编号", "客戶編號"},
    "title": {"title", "称呼", "稱呼"},
    "name": {"name", "姓名"},
    "phone": {"phone", "mobile", "手机", "手機", "电话", "電話"},
    "phone_alt": {"phone_alt", "phone2", "备用电话", "備用電話"},
    "email": {"email", "e-mail", "邮箱", "電郵", "电子邮件"},
    "language": {"language", "语言", "語言"},
    "time_zone": {"time_zone", "timezone", "时区", "時區"},
    "stratum": {"stratum", "层", "層"},
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ATTRIBUTE = 120


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column} {self.value!r}: {self.reason}"


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_lines(self) -> set[int]:
        return {p.line for p in self.problems}


class SampleFileError(ValueError):
    """The file itself cannot be read (format, encoding, no customer reference column)."""


def _decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in Chinese saves CSV as GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SampleFileError(f"{name}: neither UTF-8 nor GB18030 text")


def read_rows(raw: bytes, name: str) -> tuple[list[str], Iterator[list[str]]]:
    """The header and the rows of a CSV or XLSX file, as text."""
    if name.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise SampleFileError(
                f"{name}: not a readable XLSX workbook ({type(error).__name__})"
            ) from None
        rows = (
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in sheet.iter_rows(values_only=True)
        )
    else:
        rows = (row for row in csv.reader(io.StringIO(_decode(raw, name), newline="")))
    header = next(rows, None)
    if not header:
        raise SampleFileError(f"{name}: the file is empty")
    return [h.strip() for h in header], rows


def column_key(title: str, aliases: dict[str, set[str]]) -> str | None:
    """The field a header names (English or Chinese, any case), or None."""
    return next((key for key, names in aliases.items() if title.lower() in names), None)


def columns_of(header: list[str], aliases: dict, required, name: str, error=ValueError):
    """Which column holds each field (English or Chinese titles, any case); a required
    field without a column raises ``error`` naming the file and the fields."""
    mapping = {}
    for index, title in enumerate(header):
        if key := column_key(title, aliases):
            mapping[key] = index
    missing = [key for key in required if key not in mapping]
    if missing:
        raise error(f"{name}: no column for {', '.join(missing)}")
    return mapping


def phone_cell(line: int, key: str, cells: dict, region: str, problems: list) -> str | None:
    """A phone column's number in E.164 (None when empty); a bad one is a located problem."""
    value = cells.get(key, "").strip()
    if not value:
        return None
    try:
        return normalise_phone(value, region)
    except (ValueError, phonenumbers.NumberParseException):
        problems.append(Problem(line, key, value, "not a valid phone number"))
        return None


def language_cell(line: int, cells: dict, problems: list) -> str | None:
    """The language column as zh-Hans, zh-Hant or en (None when empty)."""
    value = cells.get("language", "").strip()
    language = language_for_tag(value) if value else None
    if value and language is None:
        problems.append(Problem(line, "language", value, "use zh-Hans, zh-Hant or en"))
    return language


# An attribute's name: letters (any script), digits and underscores, not starting with a
# digit. It travels into SQL JSON paths, export headers and SPSS variable names, where a
# quote, a backslash or a leading "=" would break the query or arm a spreadsheet formula.
ATTRIBUTE_NAME = re.compile(r"^[^\W\d]\w{0,63}$")


def attribute_name(title: str, taken: set[str]) -> str:
    """A safe, unique attribute name for a column header (the header itself when it is one):
    other characters become underscores; a clash with a name already taken gets a suffix."""
    base = re.sub(r"\W+", "_", title).strip("_")[:60] or "attribute"
    if not ATTRIBUTE_NAME.match(base):
        base = f"a_{base}"[:60]
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    return name


def _columns(header: list[str], name: str, labels: dict[str, str]) -> dict[str, int]:
    """Each field's column; other columns are attributes under safe names, their headers kept
    in ``labels`` (name → header) for the reports. A header seen before keeps its name."""
    mapping, names = {}, {title: key for key, title in labels.items()}
    for index, title in enumerate(header):
        key = column_key(title, ALIASES)
        if key is None:
            attribute = names.get(title) or attribute_name(title, set(labels))
            labels[attribute], names[title] = title, attribute
            key = f"attr:{attribute}"
        mapping[key] = index
    if "customer_ref" not in mapping:
        raise SampleFileError(f"{name}: no customer reference column (customer_ref or 客户号)")
    return mapping


@functools.cache
def _mobile_numbers(region: str) -> tuple[re.Pattern | None, int]:
    """The library's own pattern of the region's mobile numbers, and its country code."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.mobile is None or not metadata.mobile.national_number_pattern:
        return None, 0
    return re.compile(metadata.mobile.national_number_pattern), metadata.country_code


def normalise_phone(value: str, region: str) -> str:
    """E.164 of a number written nationally or internationally; ValueError if not valid.

    Most of a bank's list is plain national mobile numbers: those are checked against the
    library's mobile pattern directly (the same test ``is_valid_number`` makes, ten times
    faster); anything else goes through the full parser.
    """
    plain = value.strip()
    pattern, country_code = _mobile_numbers(region)
    if pattern is not None and plain.isdigit() and pattern.fullmatch(plain):
        return f"+{country_code}{plain}"
    number = phonenumbers.parse(value, region)
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _contact(
    line: int,
    cells: dict,
    region: str,
    default_zone: str,
    problems: list[Problem],
    staff_numbers: set[str] | None = None,
) -> dict | None:
    """The contact's fields from one row, or None after logging why it cannot be imported."""
    before = len(problems)
    ref = cells.get("customer_ref", "").strip()
    if not ref or len(ref) > 64:
        problems.append(Problem(line, "customer_ref", ref, "required, at most 64 characters"))
    record = {"customer_ref": ref, "attributes": {}}
    for key in ("title", "name"):
        record[key] = cells.get(key, "").strip()[:200] or None
    for key in ("phone", "phone_alt"):  # always set: the same keys batch the INSERT
        record[key] = phone_cell(line, key, cells, region, problems)
    email = cells.get("email", "").strip()
    if email and not EMAIL.match(email):
        problems.append(Problem(line, "email", email, "not an e-mail address"))
    record["email"] = email or None
    record["language"] = language_cell(line, cells, problems)
    zone = cells.get("time_zone", "").strip() or default_zone
    try:
        zoneinfo.ZoneInfo(zone)
        record["time_zone"] = zone
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(line, "time_zone", zone, "not a time zone such as Asia/Shanghai"))
    record["stratum"] = cells.get("stratum", "").strip() or None
    for key, value in cells.items():
        if key.startswith("attr:") and value.strip():
            if len(value) > MAX_ATTRIBUTE:
                problems.append(
                    Problem(line, key[5:], value[:40], f"longer than {MAX_ATTRIBUTE} characters")
                )
            record["attributes"][key[5:]] = value.strip()
    staff = record["attributes"].get("staff_id", "")
    if staff and staff_numbers is not None and staff not in staff_numbers:
        problems.append(
            Problem(line, "staff_id", staff, "is not a staff number in the staff registry")
        )
    if not (record.get("phone") or record["email"]) and len(problems) == before:
        problems.append(
            Problem(line, "phone", "", "a contact needs a phone number or an e-mail address")
        )
    return record if len(problems) == before else None


def check_rows(
    header: list[str],
    rows,
    mapping: dict[str, int],
    key: str,
    parse,
    existing: set[str],
    already: str,
    progress=None,
) -> tuple[ImportReport, list[dict]]:
    """Check every row with ``parse(line, cells, problems)``; a ``key`` repeated within the file
    or found in ``existing`` is a problem too. Returns the report and the good records."""
    report, seen, records = ImportReport(), {}, []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        report.rows += 1
        if len(row) != len(header):
            report.problems.append(
                Problem(line, "(row)", "", f"has {len(row)} cells, the header has {len(header)}")
            )
            continue
        cells = {name: row[index] for name, index in mapping.items()}
        record = parse(line, cells, report.problems)
        value = cells[key].strip()
        if value in seen:
            report.problems.append(Problem(line, key, value, f"repeats line {seen[value]}"))
            record = None
        elif value in existing:
            report.problems.append(Problem(line, key, value, already))
            record = None
        seen.setdefault(value, line)
        if record:
            records.append(record)
        if progress and report.rows % 1000 == 0:
            progress(report.rows)
    return report, records


def import_sample(
    session: Session,
    survey: Survey,
    raw: bytes,
    name: str,
    accept_valid: bool = False,
    region: str = "CN",
    default_zone: str = "Asia/Shanghai",
    progress=None,
) -> ImportReport:
    """Check every row; import all of them, or (``accept_valid``) only the valid ones."""
    header, rows = read_rows(raw, name)
    labels = dict((survey.settings or {}).get("attribute_labels", {}))
    mapping = _columns(header, name, labels)
    staff_numbers = set(session.scalars(select(StaffMember.staff_number))) or None
    report = import_rows(
        session,
        Contact,
        (header, rows, mapping),
        ("customer_ref", "is already in this survey's sample"),
        lambda line, cells, problems: _contact(
            line, cells, region, default_zone, problems, staff_numbers
        ),
        {"survey_id": survey.id, "sampled": False},
        accept_valid,
        progress,
    )
    if report.imported:
        survey.settings = {**(survey.settings or {}), "attribute_labels": labels}
    return report


def import_rows(
    session: Session, model, table, key, parse, fixed: dict, accept_valid: bool, progress=None
) -> ImportReport:
    """Check every row of ``table`` (header, rows, column mapping); insert all of them, or
    (``accept_valid``) only the valid ones, as rows of ``model`` with the ``fixed`` values.

    ``key`` is (column, reason): the column must be new to the survey and to the file.
    One batched INSERT rather than an ORM object per row: 100,000 rows in a fraction of
    the time and memory.
    """
    column, already = key
    existing = set(
        session.scalars(select(getattr(model, column)).where(model.survey_id == fixed["survey_id"]))
    )
    report, records = check_rows(*table, column, parse, existing, already, progress)
    if report.problems and not accept_valid:
        return report
    for record in records:
        record.update(fixed)
    if records:
        session.connection().execute(insert(model.__table__), records)
    report.imported = len(records)
    return report

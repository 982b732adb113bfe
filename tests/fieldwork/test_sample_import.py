"""Sample import: clean files, a corpus of bad ones, duplicates, XLSX and GBK-encoded CSV."""

import random

import phonenumbers
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from survey.models import Contact, Survey
from survey.sample.frame_import import normalise_phone

GOOD = """customer_ref,title,name,phone,email,language,branch,tier
C001,王先生,王伟,138 0013 8000,,zh-Hans,SZ-001,gold
C002,Ms Chan,Chan Mei-ling,+852 9123 4567,chan@example.com,zh-HK,HK-002,wealth
C003,,,,li@example.com,en,SZ-001,mass
"""


@pytest.fixture
def survey_slug(fielded):
    fielded("branch-counter")
    return "branch-counter-test"


def run(runner, slug, path, *flags):
    return runner.invoke(args=["sample", "import", slug, str(path), *flags])


def test_good_file_is_imported_with_e164_numbers(runner, db, survey_slug, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = run(runner, survey_slug, path)
    assert result.exit_code == 0, result.output
    assert "Imported 3 of 3 rows" in result.output
    contacts = {c.customer_ref: c for c in db.scalars(select(Contact))}
    assert contacts["C001"].phone == "+8613800138000"
    assert contacts["C002"].phone == "+85291234567"
    assert contacts["C002"].language == "zh-Hant"
    assert contacts["C001"].attributes == {"branch": "SZ-001", "tier": "gold"}
    assert contacts["C003"].time_zone == "Asia/Shanghai"


BAD_ROWS = [
    (",王先生,王伟,13800138000,,,SZ,gold", "customer_ref", "required"),
    ("C9,,,12345,,,SZ,gold", "phone", "not a valid phone number"),
    ("C9,,,,not-an-email,,SZ,gold", "email", "not an e-mail address"),
    ("C9,,,13800138000,,fr,SZ,gold", "language", "use zh-Hans, zh-Hant or en"),
    ("C9,,,,,,SZ,gold", "phone", "needs a phone number or an e-mail"),
    ("C9,,,13800138000,,,SZ", "(row)", "has 7 cells"),
    ("C001,,,13800138001,,,SZ,gold", "customer_ref", "repeats line 2"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_imported(
    runner, db, survey_slug, tmp_path, row, column, reason
):
    path = tmp_path / "bad.csv"
    path.write_text(
        "customer_ref,title,name,phone,email,language,branch,tier\nC001,,,13800138000,,,SZ,gold\n"
        + row
        + "\n"
    )
    result = run(runner, survey_slug, path)
    assert result.exit_code == 1
    assert f"line 3, {column}" in result.output
    assert reason in result.output
    assert "nothing imported" in result.output
    assert db.scalar(select(func.count()).select_from(Contact)) == 0


def test_valid_only_imports_the_good_rows(runner, db, survey_slug, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(GOOD + "C004,,,12345,,,SZ,gold\n")
    result = run(runner, survey_slug, path, "--valid-only")
    assert result.exit_code == 0
    assert "Imported 3 of 4 rows" in result.output
    assert "line 5, phone '12345'" in result.output


def test_duplicates_against_the_survey(runner, db, survey_slug, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD)
    run(runner, survey_slug, path)
    again = run(runner, survey_slug, path)
    assert again.exit_code == 1
    assert "is already in this survey's sample" in again.output
    assert db.scalar(select(func.count()).select_from(Contact)) == 3


def test_xlsx_with_chinese_headers(runner, db, survey_slug, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["客户号", "姓名", "手机", "网点"])
    sheet.append(["X1", "李娜", "13900139000", "SZ-003"])
    path = tmp_path / "frame.xlsx"
    book.save(path)
    result = run(runner, survey_slug, path)
    assert result.exit_code == 0, result.output
    contact = db.scalar(select(Contact))
    assert (contact.name, contact.phone, contact.attributes) == (
        "李娜",
        "+8613900139000",
        {"网点": "SZ-003"},
    )


def test_gbk_csv_from_chinese_excel(runner, db, survey_slug, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("客户号,姓名,手机\nG1,张三,13700137000\n".encode("gb18030"))
    assert run(runner, survey_slug, path).exit_code == 0
    assert db.scalar(select(Contact.name)) == "张三"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("noref.csv", b"name,phone\nA,13800138000\n", "no customer reference column"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "not a readable XLSX workbook"),
    ],
)
def test_unreadable_files(runner, survey_slug, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run(runner, survey_slug, path)
    assert result.exit_code == 1
    assert message in result.output


@pytest.mark.parametrize("region", ["CN", "HK", "GB"])
def test_the_fast_mobile_path_agrees_with_the_full_parser(region):
    rng = random.Random(7)
    numbers = [str(rng.randint(10**10, 2 * 10**10 - 1)) for _ in range(4000)]
    numbers += [str(rng.randint(10**7, 10**8 - 1)) for _ in range(2000)]
    numbers += ["07700900123", "+8613800138000", "013800138000", "138 0013 8000"]
    for value in numbers:
        try:
            ours = normalise_phone(value, region)
        except (ValueError, phonenumbers.NumberParseException):
            ours = None
        try:
            parsed = phonenumbers.parse(value, region)
            valid = phonenumbers.is_valid_number(parsed)
            reference = phonenumbers.format_number(parsed, 0) if valid else None
        except phonenumbers.NumberParseException:
            reference = None
        assert ours == reference, value


def test_attribute_headers_become_safe_unique_names_and_keep_their_wording(
    runner, db, survey_slug, tmp_path
):
    path = tmp_path / "hostile.csv"
    path.write_text(
        'customer_ref,phone,"=HYPERLINK(""x"")",a b,a_b,"a""b",c\\d,年龄段\n'
        "C001,13800138000,1,2,3,4,5,25-35\n",
        encoding="utf-8",
    )
    assert run(runner, survey_slug, path).exit_code == 0
    contact = db.scalar(select(Contact))
    assert contact.attributes == {
        "HYPERLINK_x": "1",
        "a_b": "2",
        "a_b_2": "3",
        "a_b_3": "4",
        "c_d": "5",
        "年龄段": "25-35",
    }
    db.rollback()
    survey = db.scalar(select(Survey).where(Survey.slug == survey_slug))
    assert survey.settings["attribute_labels"]["a_b_3"] == 'a"b'
    assert survey.settings["attribute_labels"]["HYPERLINK_x"] == '=HYPERLINK("x")'
    # A second file with the same headers keeps the same names.
    path.write_text('customer_ref,phone,"a""b"\nC002,13800138001,9\n', encoding="utf-8")
    assert run(runner, survey_slug, path).exit_code == 0
    db.rollback()
    second = db.scalar(select(Contact).where(Contact.customer_ref == "C002"))
    assert second.attributes == {"a_b_3": "9"}

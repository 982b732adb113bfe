"""Working-day deadlines against hand-checked dates: mainland China's 2025 and 2026 public
holidays with their adjusted weekend workdays, Hong Kong's public holidays, a bank's own
closures, receipt after the close of business, and a year the calendar has no data for."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from survey.followups.calendar import CalendarError, WorkingCalendar, parse_closures, region_of

SHANGHAI, HONG_KONG = ZoneInfo("Asia/Shanghai"), ZoneInfo("Asia/Hong_Kong")
CN, HK = WorkingCalendar("CN"), WorkingCalendar("HK")


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Friday before National Day 2025, after the close: received on Sunday 28 September
        # (an adjusted workday); 29 and 30 September, then 1–8 October off: due Thursday 9th.
        (datetime(2025, 9, 26, 17, 55), 3, date(2025, 10, 9)),
        # The same Friday before the close: 28 (Sun, workday), 29, 30 September.
        (datetime(2025, 9, 26, 16, 55), 3, date(2025, 9, 30)),
        # Spring Festival 2025 (28 Jan – 4 Feb off; Sun 26 Jan and Sat 8 Feb worked):
        # received Friday 24 Jan: 26, 27 Jan, then 5 Feb.
        (datetime(2025, 1, 24, 10, 0), 3, date(2025, 2, 5)),
        # Labour Day 2025 (1–5 May off, Sun 27 April worked): received Fri 25 April: 27, 28, 29.
        (datetime(2025, 4, 25, 9, 0), 3, date(2025, 4, 29)),
        # A complex case over National Day 2025: received Mon 29 Sep: 30 Sep, 9, 10, 11
        # (Sat, worked), 13, 14, 15 October.
        (datetime(2025, 9, 29, 9, 0), 7, date(2025, 10, 15)),
        # 2026: Thursday 24 Sep after the close → received Mon 28 (Fri 25 is Mid-Autumn,
        # 26–27 the weekend); 29, 30 September, 1–7 October off: due Thursday 8 October.
        (datetime(2026, 9, 24, 17, 55), 3, date(2026, 10, 8)),
        # 2026: Sun 20 Sep is worked for National Day: received Fri 18 Sep at noon: 20, 21, 22.
        (datetime(2026, 9, 18, 12, 0), 3, date(2026, 9, 22)),
        # Spring Festival 2026 (15–23 Feb off; Sat 14 and Sat 28 Feb worked): received
        # Thu 12 Feb: 13, 14 (Sat), 24 Feb.
        (datetime(2026, 2, 12, 11, 0), 3, date(2026, 2, 24)),
        # New Year 2026 (1–3 Jan off, Sun 4 Jan worked): received Wed 31 Dec 2025: 4, 5, 6 Jan.
        (datetime(2025, 12, 31, 9, 0), 3, date(2026, 1, 6)),
        # Received on a Saturday that is a day off: counted from Monday.
        (datetime(2026, 11, 28, 10, 0), 3, date(2026, 12, 3)),
    ],
)
def test_mainland_deadlines(received, days, due):
    deadline = CN.due(received.replace(tzinfo=SHANGHAI), days)
    assert deadline == datetime.combine(due, CN.close_of_business, SHANGHAI)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Hong Kong has no adjusted workdays: Fri 26 Sep 2025 after the close → received
        # Mon 29; 30 Sep, 1 Oct is National Day, 2 Oct; 3 Oct.
        (datetime(2025, 9, 26, 17, 55), date(2025, 10, 3)),
        # Chung Yeung 2025 (Wed 29 Oct): received Mon 27 Oct: 28, 30, 31 Oct.
        (datetime(2025, 10, 27, 9, 0), date(2025, 10, 31)),
        # Christmas 2026 (25 and 26 Dec; the 26th a Saturday): received Wed 23 Dec: 24, 28, 29.
        (datetime(2026, 12, 23, 9, 0), date(2026, 12, 29)),
    ],
)
def test_hong_kong_deadlines(received, due):
    deadline = HK.due(received.replace(tzinfo=HONG_KONG), 3)
    assert deadline.date() == due and deadline.tzinfo == HONG_KONG


def test_a_banks_own_closures_push_the_deadline():
    closed = WorkingCalendar("CN", parse_closures("CN:2026-12-02, HK:2026-12-24")["CN"])
    received = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)  # Monday
    assert CN.due(received, 3).date() == date(2026, 12, 3)
    assert closed.due(received, 3).date() == date(2026, 12, 4)


def test_a_year_without_data_says_so_instead_of_guessing():
    with pytest.raises(CalendarError, match="working days for 2040 are not known yet"):
        CN.due(datetime(2040, 3, 1, 9, 0, tzinfo=SHANGHAI), 3)


def test_working_days_left_counts_only_working_days():
    due = CN.due(datetime(2025, 9, 26, 17, 55, tzinfo=SHANGHAI), 3)  # 9 October
    assert CN.working_days_left(datetime(2025, 9, 30, 9, 0, tzinfo=SHANGHAI), due) == 1
    assert CN.working_days_left(datetime(2025, 10, 9, 9, 0, tzinfo=SHANGHAI), due) == 0
    # late by 10, 11 (a Saturday worked after National Day) and 13 October
    assert CN.working_days_left(datetime(2025, 10, 13, 9, 0, tzinfo=SHANGHAI), due) == -3


def test_bad_settings_are_named():
    with pytest.raises(CalendarError, match="'XX:2026-01-01' should read"):
        parse_closures("XX:2026-01-01")
    with pytest.raises(CalendarError, match="'2026-02-30' in 'CN:2026-02-30' is not a date"):
        parse_closures("CN:2026-02-30")
    assert region_of("HK-001") == "HK" and region_of("SZ-001") == "CN"
    assert region_of("X1", {"X1": "HK"}) == "HK"

"""Working days: deadlines counted on the calendar of the branch's region.

Mainland China's official working days come from ``chinese-calendar`` (public holidays
and the weekend days the State Council makes working days); Hong Kong's public holidays
from ``holidays``; a bank may close on days of its own. Counting follows the PRC Civil
Code (arts. 201–203): the day a case is received does not count, the term ends at the
close of business of its last working day. A case received after the close of business,
or on a day off, is received on the next working day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import holidays

REGIONS = ("CN", "HK")
ZONES = {"CN": "Asia/Shanghai", "HK": "Asia/Hong_Kong"}
CLOSE_OF_BUSINESS = time(17, 0)


class CalendarError(ValueError):
    """A day the calendar cannot answer for (beyond its data): said, never guessed."""


@dataclass(frozen=True)
class WorkingCalendar:
    region: str = "CN"
    closures: frozenset[date] = field(default_factory=frozenset)  # the bank's own days off
    close_of_business: time = CLOSE_OF_BUSINESS
    # Beyond the calendar's data, count Monday to Friday instead of refusing (the caller
    # has said so to the case's owners: see opening.open_cases).
    weekdays_beyond_data: bool = False

    def __post_init__(self):
        if self.region not in REGIONS:
            raise CalendarError(f"Unknown region {self.region!r}: use {' or '.join(REGIONS)}.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(ZONES[self.region])

    def is_working_day(self, day: date) -> bool:
        if day in self.closures:
            return False
        if self.region == "HK":
            return day.weekday() < 5 and day not in holidays.HK(years=day.year)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if self.weekdays_beyond_data:
                return day.weekday() < 5
            raise CalendarError(
                f"Mainland China's working days for {day.year} are not known yet "
                f"(chinese-calendar {chinese_calendar.__version__} has no data for "
                f"{day.isoformat()}); update the package once the State Council publishes "
                "the year's holidays."
            ) from None

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def received_on(self, moment: datetime) -> date:
        """The working day a case received at ``moment`` counts as received."""
        local = moment.astimezone(self.zone)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.close_of_business:
            return day
        return self.next_working_day(day)

    def due(self, received: datetime, working_days: int) -> datetime:
        """The close of business of the ``working_days``-th working day after receipt."""
        day = self.received_on(received)
        for _ in range(working_days):
            day = self.next_working_day(day)
        return datetime.combine(day, self.close_of_business, self.zone)

    def working_days_left(self, now: datetime, due: datetime) -> int:
        """Working days from today to the due day (0 on the due day, negative when late)."""
        today, last = now.astimezone(self.zone).date(), due.astimezone(self.zone).date()
        step, count, day = (1, 0, today) if last >= today else (-1, 0, last)
        end = last if step == 1 else today
        while day != end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count * step


def parse_closures(text: str) -> dict[str, frozenset[date]]:
    """``CN:2026-12-31,HK:2026-12-24`` (the SURVEY_CLOSURES setting) as days per region."""
    days: dict[str, set[date]] = {region: set() for region in REGIONS}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        region, _, day = item.partition(":")
        if region not in REGIONS:
            raise CalendarError(
                f"SURVEY_CLOSURES: {item!r} should read CN:YYYY-MM-DD or HK:YYYY-MM-DD."
            )
        try:
            days[region].add(date.fromisoformat(day))
        except ValueError:
            raise CalendarError(f"SURVEY_CLOSURES: {day!r} in {item!r} is not a date.") from None
    return {region: frozenset(found) for region, found in days.items()}


def region_of(branch: str | None, overrides: dict | None = None) -> str:
    """A branch's calendar region: as the survey's settings say, else by its code (HK-…)."""
    if branch and overrides and branch in overrides:
        return overrides[branch]
    return "HK" if branch and branch.upper().startswith("HK") else "CN"

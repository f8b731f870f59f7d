"""Working days of the Russian production calendar, for SLA deadlines.

A day is working unless it is a Saturday, a Sunday, a public holiday or a
moved day off (the ``holidays`` package, RU). Rows of ``WorkCalendarDay``,
edited in the admin, override both ways: the government moves days off each
year, and a package release may come later than the decree.

A deadline of N working days is the end (23:59:59, the portal's time zone)
of the Nth working day after the day the clock starts: a ticket filed on
Friday with one working day for the first answer is due by Monday night.
"""

import datetime
from functools import lru_cache

import holidays
from django.utils import timezone

from portal.refcache import reference

from .models import WorkCalendarDay

# Ordinary holidays never fall this far apart: a safety stop for bad data.
_MAX_DAYS_SCANNED = 3660


@reference(watch=(WorkCalendarDay,))
def calendar_overrides() -> dict[datetime.date, bool]:
    """The admin's exceptions, date → working or not (kept in memory)."""
    return dict(WorkCalendarDay.objects.values_list("date", "is_working"))


@lru_cache(maxsize=16)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("RU", years=year))


def is_working_day(day: datetime.date) -> bool:
    override = calendar_overrides().get(day)
    if override is not None:
        return override
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def working_days_after(start: datetime.datetime, days: int) -> datetime.datetime:
    """The end of the ``days``-th working day after the day of ``start``.

    With ``days`` 0: the end of that day if it is a working day, else of the
    next working day.
    """
    day = timezone.localdate(start)
    if days <= 0 and is_working_day(day):
        return _end_of_day(day)
    counted = 0
    for _step in range(_MAX_DAYS_SCANNED):
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
            if counted >= max(days, 1):
                return _end_of_day(day)
    raise ValueError("no working day within ten years: check the calendar table")


def calendar_days_after(start: datetime.datetime, days: int) -> datetime.datetime:
    """The end of the ``days``-th calendar day after the day of ``start``."""
    return _end_of_day(timezone.localdate(start) + datetime.timedelta(days=days))

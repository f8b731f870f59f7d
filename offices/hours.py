"""When an office is open: its week, lunch breaks and special days, in the
office's own time zone. Plain functions over rows already loaded."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Office, OfficeHours, SpecialDay, hours_validate

LOOK_AHEAD_DAYS = 14  # how far "opens on …" looks for the next opening


def _on_weekday(weekday: int) -> str:
    return [
        pgettext("opens on", "on Monday"),
        pgettext("opens on", "on Tuesday"),
        pgettext("opens on", "on Wednesday"),
        pgettext("opens on", "on Thursday"),
        pgettext("opens on", "on Friday"),
        pgettext("opens on", "on Saturday"),
        pgettext("opens on", "on Sunday"),
    ][weekday]


def weekday_short(weekday: int) -> str:
    return [
        pgettext("weekday", "Mon"),
        pgettext("weekday", "Tue"),
        pgettext("weekday", "Wed"),
        pgettext("weekday", "Thu"),
        pgettext("weekday", "Fri"),
        pgettext("weekday", "Sat"),
        pgettext("weekday", "Sun"),
    ][weekday]


def hhmm(moment: datetime.time) -> str:
    return f"{moment:%H:%M}"


Interval = tuple[datetime.time, datetime.time]


@dataclasses.dataclass(frozen=True)
class Status:
    is_open: bool
    text: str


class Schedule:
    """One office's opening hours, with the special days that apply to it.

    ``special_days`` may hold the office's own, its city's and the global
    ones (office and city empty); the office's own wins, then the city's.
    """

    def __init__(self, office: Office, special_days=()):
        self.office = office
        self.zone = office.city.zone
        self.weekly: dict[int, OfficeHours] = {
            row.weekday: row for row in office.hours.all()
        }
        self.special: dict[datetime.date, SpecialDay] = {}
        applicable = [
            day
            for day in special_days
            if day.office_id == office.pk
            or (day.office_id is None and day.city_id in (office.city_id, None))
        ]
        for day in sorted(applicable, key=_precedence):
            self.special.setdefault(day.date, day)

    def intervals(self, day: datetime.date) -> list[Interval]:
        """The times the office is open that day, lunch break left out."""
        special = self.special.get(day)
        if special is not None:
            return [] if special.is_closed else [(special.opens, special.closes)]
        row = self.weekly.get(day.weekday())
        if row is None:
            return []
        if row.break_starts and row.break_ends:
            return [(row.opens, row.break_starts), (row.break_ends, row.closes)]
        return [(row.opens, row.closes)]

    def day_text(self, day: datetime.date) -> str:
        intervals = self.intervals(day)
        text = (
            ", ".join(f"{hhmm(a)}–{hhmm(b)}" for a, b in intervals)
            if intervals
            else pgettext("office hours", "closed")
        )
        special = self.special.get(day)
        if special is not None and special.note:
            text = f"{text} ({special.note})"
        return text

    def local_now(self, now: datetime.datetime) -> datetime.datetime:
        return now.astimezone(self.zone)

    def status(self, now: datetime.datetime) -> Status:
        """Open now and until when, or when it opens next; in local time."""
        local = self.local_now(now)
        today, moment = local.date(), local.time().replace(tzinfo=None)
        intervals = self.intervals(today)
        for index, (opens, closes) in enumerate(intervals):
            if opens <= moment < closes:
                if index + 1 < len(intervals):  # a lunch break comes next
                    return Status(
                        True,
                        _(
                            "Open now until %(closes)s, then a lunch break "
                            "until %(opens)s"
                        )
                        % {
                            "closes": hhmm(closes),
                            "opens": hhmm(intervals[index + 1][0]),
                        },
                    )
                return Status(
                    True, _("Open now, closes at %(time)s") % {"time": hhmm(closes)}
                )
        later = [opens for opens, _closes in intervals if opens > moment]
        if later and any(closes <= moment for _opens, closes in intervals):
            return Status(
                False, _("Lunch break, opens at %(time)s") % {"time": hhmm(later[0])}
            )
        if later:
            return Status(
                False, _("Closed, opens today at %(time)s") % {"time": hhmm(later[0])}
            )
        for ahead in range(1, LOOK_AHEAD_DAYS + 1):
            day = today + datetime.timedelta(days=ahead)
            day_intervals = self.intervals(day)
            if not day_intervals:
                continue
            opens = hhmm(day_intervals[0][0])
            if ahead == 1:
                return Status(
                    False, _("Closed, opens tomorrow at %(time)s") % {"time": opens}
                )
            if ahead < 7:
                return Status(
                    False,
                    _("Closed, opens %(day)s at %(time)s")
                    % {"day": _on_weekday(day.weekday()), "time": opens},
                )
            return Status(
                False,
                _("Closed, opens on %(date)s at %(time)s")
                % {"date": date_format(day, "j E"), "time": opens},
            )
        return Status(False, _("Temporarily closed"))

    def week(self, now: datetime.datetime) -> list[dict]:
        """The next seven days from today (local), each with its hours."""
        today = self.local_now(now).date()
        return [
            {
                "date": day.isoformat(),
                "day": weekday_short(day.weekday()),
                "today": day == today,
                "hours": self.day_text(day),
            }
            for day in (today + datetime.timedelta(days=n) for n in range(7))
        ]


def _precedence(day: SpecialDay) -> int:
    if day.office_id is not None:
        return 0
    return 1 if day.city_id is not None else 2


def hours_parse(text: str) -> dict[int, tuple]:
    """Read a week written as ``mon-fri 09:00-18:00 break 13:00-14:00; sat
    10:00-15:00`` (Russian day names and "обед" also do) into {weekday:
    (opens, closes, break_starts, break_ends)}. Raise ValueError with the
    reason when it cannot be read."""
    week: dict[int, tuple] = {}
    for part in filter(None, (piece.strip() for piece in (text or "").split(";"))):
        tokens = part.lower().replace("–", "-").split()
        if len(tokens) not in (2, 4) or (
            len(tokens) == 4 and tokens[2] not in ("break", "обед")
        ):
            raise ValueError(_("cannot read “%(part)s”") % {"part": part})
        days = _days_parse(tokens[0], part)
        opens, closes = _span_parse(tokens[1], part)
        breaks = _span_parse(tokens[3], part) if len(tokens) == 4 else (None, None)
        try:
            hours_validate(opens, closes, *breaks)
        except ValidationError as error:
            raise ValueError(f"{part}: {error.messages[0]}") from error
        for weekday in days:
            if weekday in week:
                raise ValueError(
                    _("%(day)s is given twice") % {"day": weekday_short(weekday)}
                )
            week[weekday] = (opens, closes, *breaks)
    return week


_DAY_NAMES = {
    **{
        name: n
        for n, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    },
    **{name: n for n, name in enumerate(["пн", "вт", "ср", "чт", "пт", "сб", "вс"])},
}


def _days_parse(token: str, part: str) -> list[int]:
    first, _dash, last = token.partition("-")
    if first not in _DAY_NAMES or (last and last not in _DAY_NAMES):
        raise ValueError(_("unknown day in “%(part)s”") % {"part": part})
    start, end = _DAY_NAMES[first], _DAY_NAMES[last or first]
    if end < start:
        raise ValueError(_("days go backwards in “%(part)s”") % {"part": part})
    return list(range(start, end + 1))


def _span_parse(token: str, part: str) -> Interval:
    try:
        first, last = token.split("-")
        return (
            datetime.datetime.strptime(first, "%H:%M").time(),
            datetime.datetime.strptime(last, "%H:%M").time(),
        )
    except ValueError:
        raise ValueError(
            _("times must read like 09:00-18:00 in “%(part)s”") % {"part": part}
        ) from None


def hours_format(rows) -> str:
    """The inverse of ``hours_parse``: rows of OfficeHours as one line."""
    english = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    groups: list[tuple[list[int], tuple]] = []
    for row in sorted(rows, key=lambda row: row.weekday):
        value = (row.opens, row.closes, row.break_starts, row.break_ends)
        if groups and groups[-1][1] == value and groups[-1][0][-1] == row.weekday - 1:
            groups[-1][0].append(row.weekday)
        else:
            groups.append(([row.weekday], value))
    parts = []
    for days, (opens, closes, break_starts, break_ends) in groups:
        name = english[days[0]] + (f"-{english[days[-1]]}" if len(days) > 1 else "")
        text = f"{name} {hhmm(opens)}-{hhmm(closes)}"
        if break_starts:
            text += f" break {hhmm(break_starts)}-{hhmm(break_ends)}"
        parts.append(text)
    return "; ".join(parts)

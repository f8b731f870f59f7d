"""Open or closed, and until when: lunch breaks, special days, time zones."""

import datetime

import pytest
from django.utils import translation
from freezegun import freeze_time

from offices.hours import Schedule, hours_format, hours_parse
from offices.models import City, OfficeHours, SpecialDay
from offices.services import office_cards

from .factories import at, office_make

pytestmark = pytest.mark.django_db

WEEK = "mon-fri 09:00-18:00 break 13:00-14:00; sat 10:00-15:00"


@pytest.fixture(autouse=True)
def _russian(reference_data):
    with translation.override("ru"):
        yield


def status(office, moment, special=()):
    return Schedule(office, special).status(moment)


# 2026-11-23 is a Monday.
@pytest.mark.parametrize(
    ("moment", "is_open", "text"),
    [
        ("2026-11-23 08:59", False, "Закрыто, откроется сегодня в 09:00"),
        ("2026-11-23 09:00", True, "Открыто до 13:00, затем обед до 14:00"),
        ("2026-11-23 12:59", True, "Открыто до 13:00, затем обед до 14:00"),
        ("2026-11-23 13:00", False, "Обед, откроется в 14:00"),
        ("2026-11-23 13:59", False, "Обед, откроется в 14:00"),
        ("2026-11-23 14:00", True, "Открыто, закроется в 18:00"),
        ("2026-11-23 17:59", True, "Открыто, закроется в 18:00"),
        ("2026-11-23 18:00", False, "Закрыто, откроется завтра в 09:00"),
        ("2026-11-27 18:30", False, "Закрыто, откроется завтра в 10:00"),
        ("2026-11-28 15:00", False, "Закрыто, откроется в понедельник в 09:00"),
        ("2026-11-29 12:00", False, "Закрыто, откроется завтра в 09:00"),
    ],
)
def test_open_or_closed_around_lunch_and_closing(moment, is_open, text):
    office = office_make(week=WEEK)

    result = status(office, at(moment))

    assert (result.is_open, result.text) == (is_open, text)


def test_the_office_clock_is_its_city_time_zone():
    vladivostok = office_make(
        city="vladivostok", code="vvo", week="mon-sun 09:00-18:00"
    )
    moscow = office_make(city="moscow", code="msk", week="mon-sun 09:00-18:00")
    moment = at("2026-11-23 08:30")  # Moscow 08:30 is 15:30 in Vladivostok

    assert status(vladivostok, moment).text == "Открыто, закроется в 18:00"
    assert status(moscow, moment).text == "Закрыто, откроется сегодня в 09:00"
    late = at("2026-11-23 11:00")  # 18:00 in Vladivostok: just closed
    assert status(vladivostok, late).text == "Закрыто, откроется завтра в 09:00"


def test_a_holiday_closes_and_a_short_day_shortens():
    office = office_make(week="mon-sun 09:00-18:00")
    kazan = City.objects.get(slug="kazan")
    special = [
        SpecialDay(office=None, city=None, date=datetime.date(2026, 12, 31),
                   is_closed=False, opens=datetime.time(10), closes=datetime.time(16)),
        SpecialDay(office=None, city=kazan, date=datetime.date(2027, 1, 1),
                   is_closed=True, note="Новый год"),
        SpecialDay(date=datetime.date(2027, 1, 2), is_closed=True),
        # The office's own day wins over the one of every office.
        SpecialDay(office=office, date=datetime.date(2027, 1, 2), is_closed=False,
                   opens=datetime.time(12), closes=datetime.time(14)),
    ]  # fmt: skip

    assert status(office, at("2026-12-31 15:59"), special).text == (
        "Открыто, закроется в 16:00"
    )
    assert status(office, at("2026-12-31 16:00"), special).text == (
        "Закрыто, откроется в субботу в 12:00"  # 2 January, the office's own hours
    )
    assert Schedule(office, special).day_text(datetime.date(2027, 1, 1)) == (
        "закрыто (Новый год)"
    )


def test_another_city_holiday_does_not_close_this_office():
    office = office_make(week="mon-sun 09:00-18:00")
    elsewhere = [
        SpecialDay(
            city=City.objects.get(slug="moscow"), date=datetime.date(2026, 11, 23)
        )
    ]

    assert status(office, at("2026-11-23 10:00"), elsewhere).is_open


def test_an_office_closed_for_weeks_says_so():
    office = office_make(week="")

    assert status(office, at("2026-11-23 10:00")).text == "Временно закрыто"


def test_a_far_opening_names_the_date():
    office = office_make(week="mon-sun 09:00-18:00")
    closed = [
        SpecialDay(date=datetime.date(2026, 11, 23) + datetime.timedelta(days=n))
        for n in range(8)
    ]

    assert status(office, at("2026-11-23 10:00"), closed).text == (
        "Закрыто, откроется 1 декабря в 09:00"
    )
    with translation.override("en"):
        assert status(office, at("2026-11-23 10:00"), closed).text == (
            "Closed, opens on 1 December at 09:00"
        )


@freeze_time("2026-11-23 07:30:00")  # 10:30 in Moscow, a Monday
def test_cards_read_special_days_from_the_database():
    office = office_make(week=WEEK)
    SpecialDay.objects.create(date=datetime.date(2026, 11, 23), note="Санитарный день")

    [card] = office_cards([office])

    assert not card.is_open
    assert card.today == "закрыто (Санитарный день)"
    assert card.status == "Закрыто, откроется завтра в 09:00"
    assert [day["day"] for day in card.week] == [
        "Пн",
        "Вт",
        "Ср",
        "Чт",
        "Пт",
        "Сб",
        "Вс",
    ]
    assert card.week[1]["hours"] == "09:00–13:00, 14:00–18:00"
    assert card.week[6]["hours"] == "закрыто"


def test_the_week_is_read_and_written_in_the_same_format():
    week = hours_parse("пн-пт 09:00-18:00 обед 13:00-14:00; сб 10:00–15:00")
    rows = [
        OfficeHours(weekday=day, opens=o, closes=c, break_starts=bs, break_ends=be)
        for day, (o, c, bs, be) in week.items()
    ]

    assert hours_format(rows) == (
        "mon-fri 09:00-18:00 break 13:00-14:00; sat 10:00-15:00"
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("mon-fri 18:00-09:00", "открываться раньше"),
        ("mon 09:00-18:00 break 19:00-20:00", "внутри рабочего дня"),
        ("mon 09:00-18:00; mon 10:00-12:00", "Пн указан дважды"),
        ("fri-mon 09:00-18:00", "в обратном порядке"),
        ("xyz 09:00-18:00", "неизвестный день"),
        ("mon 9-18", "09:00-18:00"),
        ("mon 09:00-18:00 lunch 13:00-14:00", "не удалось прочитать"),
    ],
)
def test_a_week_that_cannot_be_read_says_why(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        hours_parse(text)

import datetime

from offices.models import City, Office, OfficeHours


def office_make(city="kazan", code="test-1", week="mon-fri 09:00-18:00", **fields):
    """An office with its week written as in the import format."""
    from offices.hours import hours_parse

    city = City.objects.get(slug=city)
    office = Office.objects.create(
        code=code,
        city=city,
        name=fields.pop("name", "Офис на Баумана"),
        address=fields.pop("address", "ул. Баумана, 1"),
        latitude=fields.pop("latitude", city.latitude),
        longitude=fields.pop("longitude", city.longitude),
        **fields,
    )
    for weekday, (opens, closes, break_starts, break_ends) in hours_parse(week).items():
        OfficeHours.objects.create(
            office=office,
            weekday=weekday,
            opens=opens,
            closes=closes,
            break_starts=break_starts,
            break_ends=break_ends,
        )
    return office


def at(text: str, zone: str = "Europe/Moscow") -> datetime.datetime:
    """An aware moment from 'YYYY-MM-DD HH:MM' local time of ``zone``."""
    import zoneinfo

    return datetime.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(zone))

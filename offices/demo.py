"""Demo offices: two to six in each starting city, loaded through the import."""

import datetime
import json

from django.db import transaction
from django.utils import timezone

from .models import City, Office, SpecialDay
from .reference import CITIES
from .services import offices_import

# Hours patterns seen at operators (see the domain notes, 4.2).
PATTERNS = [
    "mon-fri 09:00-20:00; sat 10:00-18:00; sun 10:00-16:00",  # flagship
    "mon-fri 08:00-18:15; sat 10:00-17:00 break 13:00-14:00",
    "mon-sun 10:00-21:00",  # in a shopping centre
    "mon-fri 09:00-18:00 break 13:00-14:00; sat 10:00-15:00",  # small office
    "mon-fri 09:00-18:00",
]
STREETS = [
    "ул. Ленина", "пр. Мира", "ул. Советская", "ул. Гагарина", "ул. Победы",
    "ул. Кирова", "пр. Ленинградский", "ул. Садовая", "ул. Пушкина",
    "ул. Московская", "ул. Центральная", "бульвар Строителей",
]  # fmt: skip
NAMES = [
    ("Центральный офис", "service"),
    ("Офис продаж в ТЦ «Галерея»", "sales"),
    ("Центр обслуживания «Северный»", "service"),
    ("Офис продаж «Южный»", "sales"),
    ("Центр обслуживания «Западный»", "service"),
    ("Офис продаж «Восточный»", "sales"),
]
OFFSETS = [(0.012, -0.018), (-0.031, 0.024), (0.044, 0.035), (-0.015, -0.047),
           (0.027, 0.049), (-0.048, 0.011)]  # fmt: skip


def demo_rows() -> list[dict]:
    rows = []
    for index, (slug, name, _en, _zone, lat, lon) in enumerate(CITIES):
        for number in range(2 + index % 5):
            office_name, kind = NAMES[number]
            dlat, dlon = OFFSETS[number]
            rows.append(
                {
                    "code": f"{slug}-{number + 1}",
                    "city": name,
                    "name": office_name,
                    "kind": kind,
                    "address": f"г. {name}, {STREETS[(index + number) % len(STREETS)]}, "
                    f"д. {7 + 11 * number + index}",
                    "latitude": round(lat + dlat, 5),
                    "longitude": round(lon + dlon, 5),
                    "phone": f"+7800100{index:02d}{number:02d}",
                    "services": "internet,tv,home_phone"
                    + (",mobile" if kind == "sales" else ""),
                    "technical_specialists": "yes" if kind == "service" else "no",
                    "accessibility": "Вход без ступенек, пандус"
                    if number % 2 == 0
                    else "",
                    "hours": PATTERNS[(index + number) % len(PATTERNS)],
                }
            )
    return rows


@transaction.atomic
def demo_offices_load() -> int:
    """Import the demo offices unless there are offices; add the New Year days."""
    if Office.objects.exists():
        return 0
    counts = offices_import(json.dumps(demo_rows()), file_format="json")
    year = timezone.localdate().year
    SpecialDay.objects.get_or_create(
        office=None,
        city=None,
        date=datetime.date(year, 12, 31),
        defaults={
            "is_closed": False,
            "opens": datetime.time(10),
            "closes": datetime.time(16),
            "note": "Сокращённый предпраздничный день",
        },
    )
    for day in range(1, 9):
        SpecialDay.objects.get_or_create(
            office=None,
            city=None,
            date=datetime.date(year + 1, 1, day),
            defaults={"is_closed": True, "note": "Новогодние праздники"},
        )
    assert City.objects.exists()
    return counts["created"]

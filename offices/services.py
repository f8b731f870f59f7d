"""Offices: what the page and the JSON endpoint show, the nearest ones, and
import and export of the office list."""

import csv
import dataclasses
import datetime
import io
import json
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from accounts.models import ServiceType

from .hours import Schedule, hours_format, hours_parse
from .models import City, Office, OfficeHours, SpecialDay

EARTH_RADIUS_KM = 6371.0
NEAREST_MAX = 20


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def schedules_for(offices, now: datetime.datetime | None = None) -> dict:
    """The offices' schedules, with every special day of the next two weeks
    (their own, their cities', everybody's) read in one query."""
    now = now or timezone.now()
    start = (now - datetime.timedelta(days=1)).date()
    end = start + datetime.timedelta(days=17)
    offices = list(offices)
    special = list(
        SpecialDay.objects.filter(date__range=(start, end)).filter(
            Q(office__in=offices)
            | Q(office=None, city__in={office.city_id for office in offices})
            | Q(office=None, city=None)
        )
    )
    return {office.pk: Schedule(office, special) for office in offices}


@dataclasses.dataclass
class OfficeCard:
    office: Office
    is_open: bool
    status: str
    today: str
    week: list
    distance_km: float | None = None

    def as_json(self) -> dict:
        office = self.office
        return {
            "id": office.pk,
            "code": office.code,
            "name": office.name,
            "kind": office.get_kind_display(),
            "city": str(office.city),
            "address": office.address,
            "lat": office.latitude,
            "lon": office.longitude,
            "phone": office.phone.as_national if office.phone else "",
            "phone_tel": office.phone.as_e164 if office.phone else "",
            "technical_specialists": office.technical_specialists,
            "accessibility": office.accessibility,
            "services": [str(kind) for kind in office.service_types.all()],
            "open_now": self.is_open,
            "status": self.status,
            "today": self.today,
            "week": self.week,
            "distance_km": (
                round(self.distance_km, 1) if self.distance_km is not None else None
            ),
        }


def office_cards(
    offices,
    *,
    now: datetime.datetime | None = None,
    origin: tuple[float, float] | None = None,
    open_now: bool = False,
    limit: int | None = None,
) -> list[OfficeCard]:
    """Cards of the offices: status in each office's time zone, today's and
    the week's hours; from ``origin``, nearest first with the distance."""
    now = now or timezone.now()
    offices = list(offices)
    schedules = schedules_for(offices, now)
    cards = []
    for office in offices:
        schedule = schedules[office.pk]
        status = schedule.status(now)
        if open_now and not status.is_open:
            continue
        cards.append(
            OfficeCard(
                office=office,
                is_open=status.is_open,
                status=status.text,
                today=schedule.day_text(schedule.local_now(now).date()),
                week=schedule.week(now),
                distance_km=(
                    distance_km(*origin, office.latitude, office.longitude)
                    if origin
                    else None
                ),
            )
        )
    if origin:
        cards.sort(key=lambda card: card.distance_km)
    return cards[:limit] if limit else cards


def offices_listed(*, city: City | None = None):
    offices = Office.objects.active().with_schedule()
    return offices.filter(city=city) if city else offices


# Import and export ------------------------------------------------------------------

COLUMNS = [
    "code",
    "city",
    "name",
    "kind",
    "address",
    "latitude",
    "longitude",
    "phone",
    "services",
    "technical_specialists",
    "accessibility",
    "hours",
]
YES = {"1", "yes", "true", "да", "y"}
NO = {"", "0", "no", "false", "нет", "n"}


class OfficeImportError(Exception):
    """The file cannot be imported; ``errors`` lists (line, message)."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__("; ".join(f"{line}: {message}" for line, message in errors))
        self.errors = errors


def rows_read(content: str, file_format: str) -> list[tuple[int, dict]]:
    """(line number, row) pairs of a CSV file (header first) or a JSON list."""
    if file_format == "json":
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            raise OfficeImportError(
                [(error.lineno, _("not valid JSON: %s") % error.msg)]
            ) from None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise OfficeImportError([(1, _("expected a list of offices"))])
        return [(number, row) for number, row in enumerate(data, start=1)]
    reader = csv.DictReader(io.StringIO(content))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise OfficeImportError([(1, _("missing columns: %s") % ", ".join(missing))])
    return [(reader.line_num, row) for row in reader]


def offices_import(content: str, *, file_format: str = "csv") -> dict[str, int]:
    """Create or update offices (by code) with their weekly hours.

    Every row is checked; if any row is wrong nothing is imported and the
    error says which line and what. Returns counts of created and updated.
    """
    rows = rows_read(content, file_format)
    cities = {}
    for city in City.objects.all():
        cities[city.name.lower()] = cities[city.slug] = city
    service_types = {kind.code: kind for kind in ServiceType.objects.all()}
    errors: list[tuple[int, str]] = []
    parsed = []
    codes_seen: dict[str, int] = {}
    for line, row in rows:
        try:
            parsed.append(_row_parse(row, cities, service_types))
        except ValidationError as error:
            errors += [(line, message) for message in error.messages]
            continue
        code = parsed[-1]["code"]
        if code in codes_seen:
            errors.append(
                (
                    line,
                    _("code %(code)s is already on line %(line)d")
                    % {"code": code, "line": codes_seen[code]},
                )
            )
        codes_seen[code] = line
    if errors:
        raise OfficeImportError(errors)
    counts = {"created": 0, "updated": 0}
    with transaction.atomic():
        for values in parsed:
            week, kinds = values.pop("week"), values.pop("service_types")
            office, created = Office.objects.update_or_create(
                code=values["code"], defaults=values
            )
            counts["created" if created else "updated"] += 1
            office.service_types.set(kinds)
            office.hours.all().delete()
            OfficeHours.objects.bulk_create(
                OfficeHours(
                    office=office,
                    weekday=weekday,
                    opens=opens,
                    closes=closes,
                    break_starts=break_starts,
                    break_ends=break_ends,
                )
                for weekday, (opens, closes, break_starts, break_ends) in week.items()
            )
    return counts


def _row_parse(row: dict, cities: dict, service_types: dict) -> dict:
    problems = []

    def text(name, limit, required=True):
        value = str(row.get(name) or "").strip()
        if required and not value:
            problems.append(_("%(column)s is empty") % {"column": name})
        elif len(value) > limit:
            problems.append(
                _("%(column)s is longer than %(limit)d characters")
                % {"column": name, "limit": limit}
            )
        return value

    def number(name, low, high):
        try:
            value = float(str(row.get(name) or "").replace(",", "."))
        except ValueError:
            problems.append(_("%(column)s is not a number") % {"column": name})
            return 0.0
        if not low <= value <= high or math.isnan(value):
            problems.append(
                _("%(column)s must be between %(low)s and %(high)s")
                % {"column": name, "low": low, "high": high}
            )
        return value

    code = text("code", 64)
    if code and not all(
        char.isascii() and (char.isalnum() or char in "-_") for char in code
    ):
        problems.append(_("code may hold Latin letters, digits, “-” and “_” only"))
    city_name = text("city", 100)
    city = cities.get(city_name.lower()) if city_name else None
    if city_name and city is None:
        problems.append(_("unknown city “%(city)s”") % {"city": city_name})
    kind = text("kind", 16) or Office.Kind.SERVICE
    if kind not in Office.Kind.values:
        problems.append(_("kind must be one of: %s") % ", ".join(Office.Kind.values))
    phone_text = text("phone", 32, required=False)
    phone = ""
    if phone_text:
        parsed = PhoneNumber.from_string(phone_text, region="RU")
        if not parsed.is_valid():
            problems.append(_("phone “%(phone)s” is not valid") % {"phone": phone_text})
        phone = parsed
    kinds = []
    for code_ in filter(
        None, (p.strip() for p in str(row.get("services") or "").split(","))
    ):
        if code_ not in service_types:
            problems.append(_("unknown service “%(code)s”") % {"code": code_})
        else:
            kinds.append(service_types[code_])
    technical = str(row.get("technical_specialists") or "").strip().lower()
    if technical not in YES | NO:
        problems.append(_("technical_specialists must be yes or no"))
    try:
        week = hours_parse(str(row.get("hours") or ""))
    except ValueError as error:
        problems.append(_("hours: %s") % error)
        week = {}
    values = {
        "code": code,
        "city": city,
        "name": text("name", 150),
        "kind": kind,
        "address": text("address", 255),
        "latitude": number("latitude", -90, 90),
        "longitude": number("longitude", -180, 180),
        "phone": phone,
        "technical_specialists": technical in YES,
        "accessibility": text("accessibility", 255, required=False),
        "is_active": True,
        "week": week,
        "service_types": kinds,
    }
    if problems:
        raise ValidationError(problems)
    return values


def offices_export(file_format: str = "csv") -> str:
    """Every office in the import format (CSV with a header, or JSON)."""
    rows = [
        {
            "code": office.code,
            "city": office.city.name,
            "name": office.name,
            "kind": office.kind,
            "address": office.address,
            "latitude": office.latitude,
            "longitude": office.longitude,
            "phone": office.phone.as_e164 if office.phone else "",
            "services": ",".join(kind.code for kind in office.service_types.all()),
            "technical_specialists": "yes" if office.technical_specialists else "no",
            "accessibility": office.accessibility,
            "hours": hours_format(office.hours.all()),
        }
        for office in Office.objects.with_schedule().order_by("city__order", "code")
    ]
    if file_format == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue()

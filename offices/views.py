"""The offices page and its JSON endpoint: thin views over offices.services."""

import math

from django.conf import settings
from django.core.validators import slug_re
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from portal.params import ascii_int

from .models import City
from .services import NEAREST_MAX, office_cards, offices_listed

CITY_COOKIE = "office_city"
CITY_COOKIE_AGE = 365 * 24 * 3600


def _cities():
    return City.objects.filter(offices__is_active=True).distinct()


def _subscriber_city(request, cities) -> City | None:
    subscriber = getattr(request.user, "subscriber", None)
    if subscriber is None:
        return None
    names = subscriber.accounts.values_list("city", flat=True)
    return next((city for city in cities if city.name in set(names)), None)


class OfficeListView(View):
    """Choose a city (remembered), see its offices in a list and on a map."""

    def get(self, request):
        cities = list(_cities())
        by_slug = {city.slug: city for city in cities}
        asked = request.GET.get("city", "")
        city = (
            by_slug.get(asked)
            or by_slug.get(request.COOKIES.get(CITY_COOKIE, ""))
            or (
                _subscriber_city(request, cities)
                if request.user.is_authenticated
                else None
            )
            or (cities[0] if cities else None)
        )
        cards = office_cards(offices_listed(city=city)) if city else []
        response = render(
            request,
            "offices/office_list.html",
            {
                "cities": cities,
                "city": city,
                "cards": cards,
                "tiles_url": settings.OFFICES_MAP_TILES_URL,
                "tiles_attribution": settings.OFFICES_MAP_ATTRIBUTION,
                "unknown_city": bool(asked) and asked not in by_slug,
            },
        )
        if asked in by_slug:
            response.set_cookie(
                CITY_COOKIE,
                asked,
                max_age=CITY_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _coordinate(value: str, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def offices_json(request):
    """Offices of a city, or near a point (nearest first, with the distance),
    optionally only those open now: ``?city=kazan``, ``?lat=55.79&lon=49.12``,
    ``&open_now=1``, ``&limit=5``."""
    city_slug = request.GET.get("city", "")
    city = (
        City.objects.filter(slug=city_slug).first()
        if slug_re.fullmatch(city_slug)  # (a NUL byte never reaches the database)
        else None
    )
    if city_slug and city is None:
        return JsonResponse({"error": _("Unknown city.")}, status=400)
    origin = None
    if "lat" in request.GET or "lon" in request.GET:
        lat = _coordinate(request.GET.get("lat"), -90, 90)
        lon = _coordinate(request.GET.get("lon"), -180, 180)
        if lat is None or lon is None:
            return JsonResponse(
                {"error": _("Give the point as lat (−90…90) and lon (−180…180).")},
                status=400,
            )
        origin = (lat, lon)
    elif city is None:
        return JsonResponse(
            {"error": _("Choose a city or give a point (lat and lon).")}, status=400
        )
    limit = ascii_int(request.GET.get("limit"))
    limit = min(limit, NEAREST_MAX) if limit else None
    if origin and limit is None:
        limit = NEAREST_MAX
    cards = office_cards(
        offices_listed(city=city),
        origin=origin,
        open_now=request.GET.get("open_now") in ("1", "true", "yes"),
        limit=limit,
    )
    return JsonResponse(
        {
            "city": {"slug": city.slug, "name": str(city)} if city else None,
            "offices": [card.as_json() for card in cards],
        }
    )

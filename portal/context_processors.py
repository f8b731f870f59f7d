"""Context for every page: the operator's contacts and the main sections."""

import phonenumbers
from django.conf import settings

from .navigation import SECTIONS


def _phone(value: str) -> dict:
    """Return the display form and tel: link of a configured phone number.

    Settings refuse to start with a missing or invalid number, so it parses.
    """
    number = phonenumbers.parse(value, "RU")
    return {
        "display": phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.NATIONAL
        ),
        "tel": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        # 8 800 numbers are free to call from anywhere in Russia.
        "toll_free": phonenumbers.number_type(number)
        == phonenumbers.PhoneNumberType.TOLL_FREE,
    }


def contacts(request):
    social = [
        {"code": code, "url": url}
        for code, url in settings.PORTAL_SOCIAL_LINKS.items()
        if url
    ]
    return {
        "hotline_individuals": _phone(settings.PORTAL_HOTLINE_INDIVIDUALS),
        "hotline_business": _phone(settings.PORTAL_HOTLINE_BUSINESS),
        "social_links": social,
    }


def navigation(request):
    """List the main sections and name the one the current page belongs to."""
    match = getattr(request, "resolver_match", None)
    current = ""
    if match is not None:
        section = match.url_name if match.namespace == "tickets" else match.namespace
        current = section or match.url_name or ""
    return {"nav_sections": SECTIONS, "nav_section": current}

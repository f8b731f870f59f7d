"""Checks and normal forms of the numbers subscribers type.

Each ``*_normalise`` function takes what a person typed (spaces, dashes and
the like allowed), returns the stored form, or raises ``ValidationError`` with a
message in the active language.
"""

import re
import unicodedata

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

_SEPARATORS = re.compile(r"[\s\-‐‑–—.]+")
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")


def _digits_only(value: str) -> str:
    """Drop separators and write every digit as 0-9 (phones type full-width ones)."""
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
        for ch in _SEPARATORS.sub("", value or "")
    )


def russian_phone_normalise(value: str) -> str:
    """Return a Russian phone number in E.164 (+79123456789).

    Accepts the usual ways of writing it: 8 (912) 345-67-89, +7 912 345 67 89,
    89123456789. Numbers of +7 that belong to Kazakhstan are refused.
    """
    try:
        number = phonenumbers.parse(value or "", "RU")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) != "RU"
    ):
        raise ValidationError(
            _(
                "Enter a Russian phone number with the area code, "
                "for example 8 912 345-67-89."
            ),
            code="invalid_phone_number",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def account_number_normalise(value: str) -> str:
    """Return a personal account number without spaces, checked against the pattern.

    The pattern is ``PORTAL_ACCOUNT_NUMBER_PATTERN`` (12 digits by default).
    """
    number = _digits_only(value)
    if not re.fullmatch(settings.PORTAL_ACCOUNT_NUMBER_PATTERN, number):
        raise ValidationError(
            _(
                "A personal account number looks like %(example)s. "
                "You will find it on your bill and in the contract."
            ),
            code="invalid_account_number",
            params={"example": settings.PORTAL_ACCOUNT_NUMBER_EXAMPLE},
        )
    return number


def contract_number_normalise(value: str) -> str:
    """Return a contract number in the form it is compared in: no spaces, upper case."""
    return _digits_only(value).upper()


def login_normalise(value: str) -> str:
    login = (value or "").strip().lower()
    if not LOGIN_PATTERN.fullmatch(login):
        raise ValidationError(
            _(
                "A login is 3 to 64 Latin letters, digits and the signs . _ - @, "
                "for example ivanov-123."
            ),
            code="invalid_login",
        )
    return login


_PHONE_TYPES = {
    "mobile": {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    },
    "landline": {
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    },
}


def service_number_normalise(number_kind: str, value: str) -> str:
    """Return a service number in its stored form: E.164 for phones, else a login.

    A mobile service takes a mobile number (+7 9…), a home phone a landline
    number with its area code.
    """
    if number_kind not in _PHONE_TYPES:
        return login_normalise(value)
    number = russian_phone_normalise(value)
    kind = phonenumbers.number_type(phonenumbers.parse(number))
    if kind not in _PHONE_TYPES[number_kind]:
        if number_kind == "mobile":
            message = _(
                "A mobile number starts with 9 after +7 or 8, "
                "for example 8 912 345-67-89."
            )
        else:
            message = _(
                "A home phone number has the city code, for example 8 495 123-45-67."
            )
        raise ValidationError(message, code=f"not_{number_kind}")
    return number


def inn_normalise(value: str) -> str:
    """Return an INN: 10 digits (organisation) or 12 (entrepreneur), checksum valid."""
    inn = _digits_only(value)
    if not inn.isdigit() or len(inn) not in (10, 12):
        raise ValidationError(
            _(
                "An INN has 10 digits for an organisation "
                "or 12 for an individual entrepreneur."
            ),
            code="invalid_inn_length",
        )
    if not stdnum_inn.is_valid(inn):
        raise ValidationError(
            _("This INN does not exist: its check digits do not match. Check it."),
            code="invalid_inn_checksum",
        )
    return inn


def kpp_normalise(value: str) -> str:
    kpp = _digits_only(value).upper()
    if not re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", kpp):
        raise ValidationError(
            _("A KPP has 9 characters, for example 770701001."),
            code="invalid_kpp",
        )
    return kpp


def ogrn_normalise(value: str) -> str:
    ogrn = _digits_only(value)
    if not ogrn.isdigit() or len(ogrn) not in (13, 15):
        raise ValidationError(
            _(
                "An OGRN has 13 digits for an organisation "
                "or 15 (OGRNIP) for an individual entrepreneur."
            ),
            code="invalid_ogrn_length",
        )
    if not stdnum_ogrn.is_valid(ogrn):
        raise ValidationError(
            _("This OGRN does not exist: its check digit does not match. Check it."),
            code="invalid_ogrn_checksum",
        )
    return ogrn

"""The normal forms of the numbers subscribers type, and what is refused.

The Russian catalogue does not carry these messages yet, so refusals are
checked by their error code, which the forms and the pages rely on.
"""

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    account_number_normalise,
    contract_number_normalise,
    inn_normalise,
    kpp_normalise,
    login_normalise,
    ogrn_normalise,
    russian_phone_normalise,
    service_number_normalise,
)

pytestmark = pytest.mark.django_db


def refusal_code(normalise, *args) -> str:
    with pytest.raises(ValidationError) as caught:
        normalise(*args)
    return caught.value.code


# Phone numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "8 (912) 345-67-89",
        "+7 912 345 67 89",
        "89123456789",
        "+7 (912) 345-67-89",
        "8\u00a0912\u00a0345-67-89",  # a non-breaking space pasted from a bill
    ],
)
def test_russian_mobile_number_written_any_usual_way_becomes_e164(typed):
    assert russian_phone_normalise(typed) == "+79123456789"


def test_toll_free_8_800_number_is_a_valid_russian_number():
    assert russian_phone_normalise("8 800 100 08 00") == "+78001000800"


def test_moscow_landline_is_accepted():
    assert russian_phone_normalise("8 (495) 123-45-67") == "+74951234567"


@pytest.mark.parametrize("typed", ["+7 701 123 45 67", "8 701 123 45 67"])
def test_kazakh_number_sharing_the_plus_7_code_is_refused(typed):
    assert refusal_code(russian_phone_normalise, typed) == "invalid_phone_number"


@pytest.mark.parametrize(
    "typed",
    [
        "123-45-67",  # no area code
        "",
        "phone",
        "+44 20 7946 0958",  # a valid number, but not a Russian one
        "8 912 345 67 8",  # a digit short
    ],
)
def test_not_a_russian_phone_number_is_refused(typed):
    assert refusal_code(russian_phone_normalise, typed) == "invalid_phone_number"


def test_missing_phone_number_is_refused_not_crashed():
    assert refusal_code(russian_phone_normalise, None) == "invalid_phone_number"


# Personal account and contract numbers ---------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "1000 0000 0001",
        "1000-0000-0001",
        "100000000001",
        " 1000\u00a00000\u00a00001 ",
    ],
)
def test_account_number_loses_spaces_and_dashes(typed):
    assert account_number_normalise(typed) == "100000000001"


@pytest.mark.parametrize(
    "typed", ["12345", "1000 0000 00012", "10000000000A", "", "Д-2026-0001"]
)
def test_account_number_not_of_the_default_twelve_digits_is_refused(typed):
    assert refusal_code(account_number_normalise, typed) == "invalid_account_number"


def test_account_number_refusal_shows_the_example_from_settings(settings):
    settings.PORTAL_ACCOUNT_NUMBER_EXAMPLE = "987654321098"

    with pytest.raises(ValidationError) as caught:
        account_number_normalise("12345")

    assert caught.value.params == {"example": "987654321098"}
    assert "987654321098" in caught.value.messages[0]


def test_account_number_pattern_comes_from_settings(settings):
    settings.PORTAL_ACCOUNT_NUMBER_PATTERN = r"\d{8}"

    assert account_number_normalise("1234 5678") == "12345678"
    assert (
        refusal_code(account_number_normalise, "1000 0000 0001")
        == "invalid_account_number"
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Д-2026-0001", "Д20260001"),
        (" д 2026 0001 ", "Д20260001"),
        ("ab-12.7", "AB127"),
        ("", ""),
    ],
)
def test_contract_number_is_compared_without_separators_in_upper_case(typed, stored):
    assert contract_number_normalise(typed) == stored


# Logins and service numbers --------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ivanov-123", "ivanov-123"),
        ("  Petrov.A@Corp  ", "petrov.a@corp"),
        ("abc", "abc"),
        ("a" * 64, "a" * 64),
    ],
)
def test_login_is_stored_trimmed_in_lower_case(typed, stored):
    assert login_normalise(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["a", "ab", "bad login!", "-leading-dash", "иванов", "a" * 65, "", None],
)
def test_login_outside_the_allowed_letters_or_length_is_refused(typed):
    assert refusal_code(login_normalise, typed) == "invalid_login"


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("mobile", "8 (912) 345-67-89", "+79123456789"),
        ("mobile", "+7 912 345 67 89", "+79123456789"),
        ("landline", "8 (495) 123-45-67", "+74951234567"),
        ("landline", "8 843 234 56 78", "+78432345678"),
        ("login", "Ivanov-123", "ivanov-123"),
        ("login", "TV.Box-7", "tv.box-7"),
    ],
)
def test_service_number_is_stored_in_the_form_of_its_kind(kind, typed, stored):
    assert service_number_normalise(kind, typed) == stored


@pytest.mark.parametrize(
    ("kind", "typed", "code"),
    [
        ("login", "a", "invalid_login"),
        ("login", "bad login!", "invalid_login"),
        ("mobile", "ivanov-123", "invalid_phone_number"),
        ("mobile", "+7 701 123 45 67", "invalid_phone_number"),
        ("mobile", "8 495 123-45-67", "not_mobile"),
        ("landline", "8 912 345-67-89", "not_landline"),
        ("landline", "+7 701 123 45 67", "invalid_phone_number"),
    ],
)
def test_service_number_wrong_for_its_kind_is_refused(kind, typed, code):
    assert refusal_code(service_number_normalise, kind, typed) == code


# INN, KPP, OGRN ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("7704123450", "7704123450"),  # an organisation
        ("500100732259", "500100732259"),  # an individual entrepreneur
        ("7704 123 450", "7704123450"),
        (" 5001-0073-2259 ", "500100732259"),
    ],
)
def test_inn_with_valid_check_digits_is_accepted(typed, stored):
    assert inn_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["7704123451", "500100732250"])
def test_inn_with_wrong_check_digits_is_refused(typed):
    assert refusal_code(inn_normalise, typed) == "invalid_inn_checksum"


@pytest.mark.parametrize(
    "typed", ["770412345", "77041234500", "5001007322590", "77041234AB", ""]
)
def test_inn_of_wrong_length_or_with_letters_is_refused(typed):
    assert refusal_code(inn_normalise, typed) == "invalid_inn_length"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("770401001", "770401001"),
        ("7704 01 001", "770401001"),
        ("7704ab001", "7704AB001"),  # the 5th and 6th characters may be letters
    ],
)
def test_kpp_of_nine_characters_is_accepted(typed, stored):
    assert kpp_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["77040100", "7704010011", "AB0401001", ""])
def test_kpp_of_wrong_form_is_refused(typed):
    assert refusal_code(kpp_normalise, typed) == "invalid_kpp"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1027700123450", "1027700123450"),  # an organisation
        ("304500116000157", "304500116000157"),  # OGRNIP of an entrepreneur
        ("1 02 77 00 12345 0", "1027700123450"),
    ],
)
def test_ogrn_with_valid_check_digit_is_accepted(typed, stored):
    assert ogrn_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["1027700123451", "304500116000158"])
def test_ogrn_with_wrong_check_digit_is_refused(typed):
    assert refusal_code(ogrn_normalise, typed) == "invalid_ogrn_checksum"


@pytest.mark.parametrize("typed", ["102770012345", "10277001234500", "1027700I2345O"])
def test_ogrn_of_wrong_length_or_with_letters_is_refused(typed):
    assert refusal_code(ogrn_normalise, typed) == "invalid_ogrn_length"


# Digits other than 0-9 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("normalise", "typed"),
    [
        (account_number_normalise, "１０００ ００００ ０００１"),
        (account_number_normalise, "١٠٠٠٠٠٠٠٠٠٠١"),
        (inn_normalise, "７７０４１２３４５０"),
        (kpp_normalise, "７７０４０１００１"),
        (ogrn_normalise, "１０２７７００１２３４５０"),
    ],
)
def test_number_typed_in_non_ascii_digits_is_stored_in_ascii_digits_or_refused(
    normalise, typed
):
    # The phone normaliser already turns such digits into 0-9; the stored INN and
    # account number are compared with ASCII ones (linking, admin search).
    assert normalise(typed).isascii()

"""The profile page of a subscriber's user, and the password change."""

from html.parser import HTMLParser

import pytest
from django.conf import settings

from accounts.models import Consent
from accounts.services import ClientInfo, consent_record

from .factories import (
    PASSWORD,
    OrganisationFactory,
    PersonalAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PROFILE = "/account/profile/"
PASSWORD_CHANGE = "/account/password/"
ORGANISATION_FIELDS = ("organisation_name", "inn", "kpp", "ogrn", "contact_person")


class _Page(HTMLParser):
    """The form controls of a page (by name) and the text of elements with an id."""

    VOID = {"area", "br", "col", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, html):
        super().__init__()
        self.controls = {}
        self.by_id = {}
        self._select = None
        self._open_ids = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and "name" in attrs:
            self.controls.setdefault(attrs["name"], []).append({"tag": tag, **attrs})
        if tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.controls[self._select][-1]["value"] = attrs.get("value")
        if "id" in attrs:
            self.by_id[attrs["id"]] = ""
            if tag not in self.VOID:
                self._open_ids.append((tag, attrs["id"]))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if self._open_ids and self._open_ids[-1][0] == tag:
            self._open_ids.pop()

    def handle_data(self, data):
        for _tag, element_id in self._open_ids:
            self.by_id[element_id] += data

    def value(self, name):
        """What the browser would submit for the control ``name``."""
        controls = self.controls[name]
        kind = controls[0].get("type")
        if kind == "radio":
            return next((c["value"] for c in controls if "checked" in c), None)
        if kind == "checkbox":
            return "checked" in controls[0]
        return controls[0].get("value", "")

    def error_next_to(self, name):
        """The error text crispy-forms shows under the field ``name``."""
        return self.by_id.get(f"error_1_id_{name}", "").strip()


def page(response) -> _Page:
    return _Page(response.content.decode())


def profile_data(user, **changes):
    """The profile form as the browser submits it unchanged, with ``changes``."""
    data = {
        "full_name": user.full_name,
        "phone": user.phone.as_national if user.phone else "",
        "reply_channel": user.reply_channel,
        "language": user.language,
    }
    subscriber = user.subscriber
    if subscriber.is_legal_entity:
        data.update(
            organisation_name=subscriber.name,
            inn=subscriber.inn,
            kpp=subscriber.kpp,
            ogrn=subscriber.ogrn,
            contact_person=subscriber.contact_person,
        )
    data.update(changes)
    # An unticked checkbox is not submitted at all.
    if not data.pop("marketing", False):
        return data
    return {**data, "marketing": "on"}


def field_error_codes(response, name):
    return [error.code for error in response.context["form"].errors.as_data()[name]]


def marketing_decisions(user):
    return list(
        Consent.objects.filter(user=user, purpose=Consent.Purpose.MARKETING)
        .order_by("pk")
        .values_list("given", flat=True)
    )


@pytest.fixture
def organisation_user(client):
    """A signed-in user of a legal entity that has no personal accounts yet."""
    organisation = OrganisationFactory(contact_person="Белова И. М., бухгалтер")
    user = UserFactory(subscriber=organisation)
    client.force_login(user)
    return user


# What the page shows ---------------------------------------------------------


def test_profile_form_shows_the_current_values(signed_in, user):
    user.reply_channel = "phone"
    user.language = "en"
    user.save()
    consent_record(
        user=user, purpose=Consent.Purpose.MARKETING, given=True, client=ClientInfo()
    )

    response = signed_in.get(PROFILE)

    assert response.status_code == 200
    form = page(response)
    assert form.value("full_name") == user.full_name
    assert form.value("phone") == "8 (912) 345-67-89"
    assert form.value("reply_channel") == "phone"
    assert form.value("language") == "en"
    assert form.value("marketing") is True


def test_individual_profile_has_no_organisation_fields(signed_in):
    response = signed_in.get(PROFILE)

    controls = page(response).controls
    assert "full_name" in controls
    for name in ORGANISATION_FIELDS:
        assert name not in controls


# Saving ------------------------------------------------------------------------


def test_saving_the_profile_stores_it_and_says_so(signed_in, user):
    response = signed_in.post(
        PROFILE,
        profile_data(
            user,
            full_name="Сидоров Пётр Ильич",
            phone="8 (916) 123-45-67",
            reply_channel="phone",
        ),
        follow=True,
    )

    # A new phone is confirmed by an SMS code first.
    assert response.redirect_chain == [("/account/phone/", 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    user.refresh_from_db()
    assert user.full_name == "Сидоров Пётр Ильич"
    assert str(user.phone) == "+79161234567"
    assert user.phone_confirmed_at is None
    assert user.reply_channel == "phone"
    assert user.language == "ru"
    # An individual's subscriber is named after the person.
    assert user.subscriber.name == "Сидоров Пётр Ильич"
    assert page(signed_in.get(PROFILE)).value("phone") == "8 (916) 123-45-67"


def test_saving_without_a_phone_clears_it(signed_in, user):
    response = signed_in.post(PROFILE, profile_data(user, phone=""))

    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.phone


def test_choosing_english_stores_it_and_sets_the_language_cookie(signed_in, user):
    response = signed_in.post(PROFILE, profile_data(user, language="en"))

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    # The cookie is what the portal's language middleware follows.
    assert signed_in.get(PROFILE)["Content-Language"] == "en"


def test_malformed_phone_is_refused_next_to_the_field_keeping_what_was_typed(
    signed_in, user
):
    response = signed_in.post(
        PROFILE,
        profile_data(
            user,
            full_name="Сидоров Пётр Ильич",
            phone="8 912 345",
            reply_channel="phone",
            language="en",
            marketing=True,
        ),
    )

    assert response.status_code == 200
    assert field_error_codes(response, "phone") == ["invalid_phone_number"]
    form = page(response)
    assert form.error_next_to("phone") == response.context["form"].errors["phone"][0]
    assert form.value("full_name") == "Сидоров Пётр Ильич"
    assert form.value("phone") == "8 912 345"
    assert form.value("reply_channel") == "phone"
    assert form.value("language") == "en"
    assert form.value("marketing") is True
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert user.full_name != "Сидоров Пётр Ильич"
    assert str(user.phone) == "+79123456789"
    assert user.language == "ru"
    assert marketing_decisions(user) == []


def test_own_phone_written_another_way_is_not_taken(signed_in, user):
    response = signed_in.post(PROFILE, profile_data(user, phone="+7 912 345 67 89"))

    assert response.status_code == 302
    user.refresh_from_db()
    assert str(user.phone) == "+79123456789"


def test_reply_by_phone_without_a_phone_is_refused_on_the_phone_field(signed_in, user):
    response = signed_in.post(
        PROFILE, profile_data(user, phone="", reply_channel="phone")
    )

    assert response.status_code == 200
    assert field_error_codes(response, "phone") == ["phone_required_for_channel"]
    assert page(response).error_next_to("phone")
    user.refresh_from_db()
    assert str(user.phone) == "+79123456789"
    assert user.reply_channel == "email"


# Marketing consent -------------------------------------------------------------


def test_ticking_then_unticking_marketing_records_consent_then_withdrawal(
    signed_in, user
):
    signed_in.post(PROFILE, profile_data(user, marketing=True))
    assert marketing_decisions(user) == [True]
    assert page(signed_in.get(PROFILE)).value("marketing") is True

    signed_in.post(PROFILE, profile_data(user, marketing=False))
    assert marketing_decisions(user) == [True, False]
    assert page(signed_in.get(PROFILE)).value("marketing") is False

    consent = Consent.objects.filter(user=user).order_by("pk").last()
    assert consent.text_version == settings.PORTAL_CONSENT_VERSION
    assert consent.email == user.email


def test_saving_with_marketing_unchanged_records_no_consent(signed_in, user):
    signed_in.post(PROFILE, profile_data(user, full_name="Сидоров Пётр Ильич"))
    assert marketing_decisions(user) == []

    signed_in.post(PROFILE, profile_data(user, marketing=True))
    signed_in.post(PROFILE, profile_data(user, full_name="Иванов Иван", marketing=True))
    assert marketing_decisions(user) == [True]


# Legal entities ------------------------------------------------------------------


def test_organisation_profile_shows_the_organisation_fields(client, organisation_user):
    response = client.get(PROFILE)

    form = page(response)
    organisation = organisation_user.subscriber
    assert form.value("organisation_name") == organisation.name
    assert form.value("inn") == "7704123450"
    assert form.value("kpp") == "770401001"
    assert form.value("ogrn") == "1027700123450"
    assert form.value("contact_person") == "Белова И. М., бухгалтер"
    assert "disabled" not in form.controls["inn"][0]


def test_organisation_without_accounts_can_correct_its_details(
    client, organisation_user
):
    response = client.post(
        PROFILE,
        profile_data(
            organisation_user,
            organisation_name="ООО «Василёк»",
            inn="7814 000 002",
            kpp="781401001",
            contact_person="Орлов А. А., директор",
        ),
    )

    assert response.status_code == 302
    organisation = organisation_user.subscriber
    organisation.refresh_from_db()
    assert organisation.name == "ООО «Василёк»"
    assert organisation.inn == "7814000002"
    assert organisation.kpp == "781401001"
    assert organisation.contact_person == "Орлов А. А., директор"


def test_organisation_inn_with_wrong_check_digits_is_refused_next_to_the_field(
    client, organisation_user
):
    response = client.post(PROFILE, profile_data(organisation_user, inn="7704123451"))

    assert response.status_code == 200
    assert field_error_codes(response, "inn") == ["invalid_inn_checksum"]
    form = page(response)
    assert form.error_next_to("inn") == response.context["form"].errors["inn"][0]
    assert form.value("inn") == "7704123451"
    organisation_user.subscriber.refresh_from_db()
    assert organisation_user.subscriber.inn == "7704123450"


def test_organisation_with_an_account_cannot_change_its_inn(client, organisation_user):
    organisation = organisation_user.subscriber
    PersonalAccountFactory(subscriber=organisation)

    shown = page(client.get(PROFILE))
    response = client.post(
        PROFILE,
        profile_data(
            organisation_user, inn="7814000002", organisation_name="ООО «Василёк»"
        ),
    )

    assert "disabled" in shown.controls["inn"][0]
    assert shown.value("inn") == "7704123450"
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.inn == "7704123450"
    assert organisation.name == "ООО «Василёк»"


# Who may open the page ----------------------------------------------------------


def test_staff_without_a_subscriber_is_sent_to_the_account_home(client):
    agent = UserFactory(subscriber=None, is_staff=True)
    client.force_login(agent)

    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == "/account/"


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/account/profile/"


# Password change -----------------------------------------------------------------

NEW_PASSWORD = "Fresh-Lantern-Orbit-77"


def test_password_change_with_a_wrong_old_password_is_refused(signed_in, user):
    response = signed_in.post(
        PASSWORD_CHANGE,
        {
            "old_password": "not-my-password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert field_error_codes(response, "old_password") == ["password_incorrect"]
    assert page(response).error_next_to("old_password")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_wrong_current_passwords_are_limited_on_both_forms(signed_in, user):
    change = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for attempt in range(5):
        form = (
            {"old_password": "wrong", **change}
            if attempt % 2
            else {"email": "new@example.ru", "password": "wrong"}
        )
        signed_in.post(PASSWORD_CHANGE if attempt % 2 else "/account/email/", form)

    # The right password now waits too: a session is no password oracle.
    refused = signed_in.post(PASSWORD_CHANGE, {"old_password": PASSWORD, **change})
    assert field_error_codes(refused, "old_password") == ["password_throttled"]
    assert "Слишком много попыток ввода пароля" in refused.content.decode()
    email = signed_in.post(
        "/account/email/", {"email": "new@example.ru", "password": PASSWORD}
    )
    assert field_error_codes(email, "password") == ["password_throttled"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_with_the_right_old_password_keeps_the_user_signed_in(
    signed_in, user
):
    response = signed_in.post(
        PASSWORD_CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )

    assert response.redirect_chain == [(PROFILE, 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert response.context["user"] == user
    assert signed_in.get(PROFILE).status_code == 200

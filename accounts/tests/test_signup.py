"""Sign-up with the 152-FZ consent, e-mail confirmation, and what bad input gets."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import Consent, Subscriber

from .conftest import sign_in
from .factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "Strong-Pass-2026"


def form(**overrides):
    data = {
        "category": "individual",
        "full_name": "Петрова Ольга Ивановна",
        "email": "Olga.Petrova@Example.ru",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        "captcha_0": "key",
        "captcha_1": "PASSED",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def legal_form(**overrides):
    return form(
        **{
            "category": "legal_entity",
            "full_name": "Белова Ирина Михайловна",
            "organisation_name": "ООО «Ромашка»",
            "inn": "7704123450",
            "kpp": "770401001",
            "ogrn": "1027700123450",
            "email": "office@romashka.ru",
            **overrides,
        }
    )


def sign_up(client, data, capture, ip="10.0.0.1"):
    with capture(execute=True):
        return client.post(reverse("accounts:signup"), data, REMOTE_ADDR=ip)


def confirmation_path(message) -> str:
    return re.search(
        r"https?://[^/\s]+(/account/signup/confirm/\S+/)", message.body
    ).group(1)


def test_sign_up_creates_an_inactive_profile_and_sends_a_confirmation_link(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, form(), django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get(email="olga.petrova@example.ru")
    assert not user.is_active
    assert user.subscriber.category == "individual"
    assert user.subscriber.name == "Петрова Ольга Ивановна"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olga.petrova@example.ru"]
    assert "Подтвердите" in message.subject
    assert confirmation_path(message) in message.alternatives[0][0]
    done = client.get(response["Location"]).content.decode()
    assert "olga.petrova@example.ru" in done


def test_the_consent_is_recorded_with_its_version_address_and_browser(
    client, django_capture_on_commit_callbacks, settings
):
    sign_up(
        client,
        form(marketing="on"),
        django_capture_on_commit_callbacks,
        ip="198.51.100.4",
    )

    user = User.objects.get(email="olga.petrova@example.ru")
    consents = {c.purpose: c for c in user.consents.all()}
    assert set(consents) == {"personal_data", "marketing"}
    consent = consents["personal_data"]
    assert consent.given
    assert consent.text_version == settings.PORTAL_CONSENT_VERSION
    assert consent.ip_address == "198.51.100.4"


def test_marketing_consent_is_separate_and_optional(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, form(), django_capture_on_commit_callbacks)

    user = User.objects.get(email="olga.petrova@example.ru")
    assert list(user.consents.values_list("purpose", flat=True)) == ["personal_data"]


def test_without_the_consent_nothing_is_created_and_the_form_keeps_what_was_typed(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, form(consent=None), django_capture_on_commit_callbacks)

    html = response.content.decode()
    assert response.status_code == 200
    assert "без этого согласия" in html
    assert 'value="Петрова Ольга Ивановна"' in html
    assert 'value="olga.petrova@example.ru"' in html.lower()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_the_consent_box_is_not_ticked_beforehand_and_links_to_the_text(client):
    html = client.get(reverse("accounts:signup")).content.decode()

    box = re.search(r'<input[^>]+name="consent"[^>]*>', html).group(0)
    assert "checked" not in box
    assert reverse("accounts:consent") in html
    consent_page = client.get(reverse("accounts:consent")).content.decode()
    assert "ПАО «Тест Телеком»" in consent_page


def test_following_the_link_and_pressing_the_button_confirms_and_signs_in(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, form(), django_capture_on_commit_callbacks)
    path = confirmation_path(mail.outbox[0])

    page = client.get(path)
    assert page.status_code == 200
    assert not User.objects.get().is_active  # opening the link alone changes nothing
    response = client.post(path)

    user = User.objects.get()
    assert user.is_active
    assert user.email_confirmed_at
    assert response["Location"] == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).wsgi_request.user == user
    assert client.post(path).status_code == 200  # a used link shows "does not work"
    assert "Ссылка не работает" in client.get(path).content.decode()


def test_a_tampered_confirmation_link_does_not_work(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, form(), django_capture_on_commit_callbacks)
    path = confirmation_path(mail.outbox[0])

    response = client.post(path[:-3] + "xx/")

    assert "Ссылка не работает" in response.content.decode()
    assert not User.objects.get().is_active


def test_an_already_registered_email_gets_the_same_answer_and_a_note_to_its_owner(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="olga.petrova@example.ru")
    new = sign_up(
        client, form(email="someone@example.ru"), django_capture_on_commit_callbacks
    )
    mail.outbox.clear()

    taken = sign_up(client, form(), django_capture_on_commit_callbacks)

    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"]
    assert User.objects.filter(email__iexact="olga.petrova@example.ru").count() == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "уже есть" in mail.outbox[0].body
    assert "/account/password/reset/" in mail.outbox[0].body


def test_signing_up_again_before_confirming_resends_the_link(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, form(), django_capture_on_commit_callbacks)
    sign_up(client, form(), django_capture_on_commit_callbacks)

    assert User.objects.count() == 1
    assert len(mail.outbox) == 2
    assert "/account/signup/confirm/" in mail.outbox[1].body


def test_a_legal_entity_signs_up_with_checked_registration_numbers(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, legal_form(), django_capture_on_commit_callbacks)

    subscriber = Subscriber.objects.get()
    assert subscriber.category == "legal_entity"
    assert subscriber.name == "ООО «Ромашка»"
    assert (subscriber.inn, subscriber.kpp, subscriber.ogrn) == (
        "7704123450",
        "770401001",
        "1027700123450",
    )
    assert subscriber.contact_person == "Белова Ирина Михайловна"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"inn": "7704123451"}, "inn", "контрольные цифры"),
        ({"inn": "77041234"}, "inn", "10 цифр"),
        ({"inn": ""}, "inn", "юридического лица"),
        ({"organisation_name": ""}, "organisation_name", "юридического лица"),
        ({"kpp": ""}, "kpp", "КПП"),
        ({"kpp": "12345"}, "kpp", "9 символов"),
        ({"ogrn": "1027700123451"}, "ogrn", "ОГРН"),
        ({"ogrn": "304500116000157"}, "ogrn", "ОГРНИП"),
    ],
)
def test_bad_organisation_details_are_explained_beside_the_field(
    client, django_capture_on_commit_callbacks, overrides, field, message
):
    response = sign_up(
        client, legal_form(**overrides), django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    html = response.content.decode()
    assert f'href="#id_{field}"' in html  # listed in the error summary
    assert 'value="Белова Ирина Михайловна"' in html
    assert not User.objects.exists()


def test_an_individual_is_not_asked_about_leftover_organisation_fields(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(
        client, form(inn="123", kpp="x"), django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert Subscriber.objects.get().inn == ""


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password1": "12345678", "password2": "12345678"}, "password1", ""),
        ({"password1": "qwerty", "password2": "qwerty"}, "password1", "короткий"),
        ({"password2": "Other-Pass-2026"}, "password2", "отличаются"),
        ({"email": "not-an-email"}, "email", ""),
        ({"full_name": ""}, "full_name", ""),
        ({"captcha_1": "WRONG"}, "captcha", ""),
    ],
)
def test_bad_input_is_explained_and_the_rest_is_kept(
    client, django_capture_on_commit_callbacks, overrides, field, message
):
    response = sign_up(client, form(**overrides), django_capture_on_commit_callbacks)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    html = response.content.decode()
    if field != "full_name":
        assert 'value="Петрова Ольга Ивановна"' in html
    assert 'name="password1"' in html
    assert PASSWORD not in html
    assert not User.objects.exists()


def test_sign_ups_from_one_address_are_limited(
    client, django_capture_on_commit_callbacks
):
    for n in range(5):
        response = sign_up(
            client, form(email=f"p{n}@example.ru"), django_capture_on_commit_callbacks
        )
        assert response.status_code == 302

    response = sign_up(
        client, form(email="p5@example.ru"), django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    assert "Слишком много регистраций" in response.content.decode()
    assert User.objects.count() == 5


def test_a_confirmed_user_signs_in_by_email_after_confirmation(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, form(), django_capture_on_commit_callbacks)
    client.post(confirmation_path(mail.outbox[0]))
    client.logout()

    response = sign_in(client, "OLGA.PETROVA@example.ru", password=PASSWORD)

    assert response.status_code == 302


def test_signed_in_visitors_are_sent_from_sign_up_to_their_dashboard(client, user):
    client.force_login(user)

    assert client.get(reverse("accounts:signup"))["Location"] == reverse(
        "accounts:home"
    )


def test_consents_are_kept_in_the_admin_for_proof(
    client, admin_client, django_capture_on_commit_callbacks
):
    sign_up(client, form(), django_capture_on_commit_callbacks)

    assert Consent.objects.count() == 1
    page = admin_client.get(reverse("admin:accounts_consent_changelist"))
    assert "olga.petrova@example.ru" in page.content.decode()


@pytest.mark.parametrize("password", ["ПетроваОльга", "Петрова Ольга Ивановна"])
def test_a_password_like_ones_own_name_is_refused(
    client, django_capture_on_commit_callbacks, password
):
    response = sign_up(
        client,
        form(password1=password, password2=password),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 200
    assert "password2" in response.context["form"].errors or (
        "password1" in response.context["form"].errors
    )
    assert not User.objects.exists()

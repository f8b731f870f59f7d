"""A phone is confirmed by an SMS code before it signs in or counts as taken."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import User
from portal.models import SmsMessage

from .conftest import sign_in
from .factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/account/profile/"
CONFIRM = "/account/phone/"


def _set_phone(client, user, phone, capture):
    with capture(execute=True):
        return client.post(
            PROFILE,
            {
                "full_name": user.full_name,
                "phone": phone,
                "reply_channel": "email",
                "language": "ru",
            },
        )


def _code(phone="+79161234567") -> str:
    return re.search(r"\d{6}", SmsMessage.objects.filter(phone=phone).first().text)[0]


def test_a_new_phone_signs_in_only_after_the_sms_code(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)

    response = _set_phone(
        client, user, "8 916 123-45-67", django_capture_on_commit_callbacks
    )

    assert response["Location"] == CONFIRM
    assert sign_in(Client(), "8 916 123-45-67").status_code == 200
    wrong = client.post(
        CONFIRM, {"code": "000000" if _code() != "000000" else "111111"}
    )
    assert "Код неверный" in wrong.content.decode()
    assert client.post(CONFIRM, {"code": _code()})["Location"] == PROFILE
    user.refresh_from_db()
    assert user.phone_confirmed_at is not None
    assert sign_in(Client(), "8 916 123-45-67").status_code == 302


def test_typing_someone_elses_phone_does_not_take_it_from_them(
    client, django_capture_on_commit_callbacks
):
    squatter = UserFactory()
    owner = UserFactory()
    client.force_login(squatter)
    _set_phone(client, squatter, "8 916 123-45-67", django_capture_on_commit_callbacks)

    owner_client = Client()
    owner_client.force_login(owner)
    _set_phone(
        owner_client, owner, "8 916 123-45-67", django_capture_on_commit_callbacks
    )
    code = _code()  # the owner's phone gets the latest code
    assert owner_client.post(CONFIRM, {"code": code})["Location"] == PROFILE

    squatter_code = client.post(CONFIRM, {"code": code})
    assert squatter_code.status_code == 200
    assert User.objects.filter(phone_confirmed_at__isnull=False).get() == owner


def test_a_phone_of_another_profile_is_told_only_to_who_has_the_code(
    client, django_capture_on_commit_callbacks
):
    other = UserFactory(phone="+79161234567")
    user = UserFactory()
    client.force_login(user)

    # The form does not say whose the number is: anybody could probe numbers.
    response = _set_phone(
        client, user, "8 916 123-45-67", django_capture_on_commit_callbacks
    )
    assert response["Location"] == "/account/phone/"
    # The code went to the number; who types it learns it is taken.
    refused = client.post("/account/phone/", {"code": _code()})

    assert "уже подтверждён в другом профиле" in refused.content.decode()
    user.refresh_from_db()
    assert user.phone_confirmed_at is None
    other.refresh_from_db()
    assert other.phone_confirmed_at is not None


def test_retyping_ones_waiting_number_another_way_warns_of_nothing(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    _set_phone(client, user, "8 916 123-45-67", django_capture_on_commit_callbacks)

    response = _set_phone(
        client, user, "+7 916 123 45 67", django_capture_on_commit_callbacks
    )
    page = client.get(response["Location"]).content.decode()

    assert "новый код сейчас не отправлен" not in page
    assert SmsMessage.objects.filter(phone="+79161234567").count() == 1


def test_no_code_promised_when_the_limit_stopped_it(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    for n in range(3):
        _set_phone(
            client, user, f"8 916 123-45-6{n}", django_capture_on_commit_callbacks
        )

    response = _set_phone(
        client, user, "8 916 123-45-69", django_capture_on_commit_callbacks
    )
    page = client.get(response["Location"]).content.decode()

    assert not SmsMessage.objects.filter(phone="+79161234569").exists()
    assert "новый код сейчас не отправлен" in page


def test_the_code_expires_and_five_wrong_tries_spoil_it(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    start = timezone.now()
    with freeze_time(start):
        _set_phone(client, user, "8 916 123-45-67", django_capture_on_commit_callbacks)
    code = _code()

    with freeze_time(start + datetime.timedelta(minutes=16)):
        expired = client.post(CONFIRM, {"code": code})
    assert "истёк" in expired.content.decode()

    client.post(CONFIRM, {"action": "resend"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONFIRM, {"action": "resend"})
    fresh = _code()
    for _ in range(5):
        client.post(CONFIRM, {"code": "999999" if fresh != "999999" else "888888"})
    assert client.post(CONFIRM, {"code": fresh}).status_code == 200
    user.refresh_from_db()
    assert user.phone_confirmed_at is None


def test_the_confirmation_page_is_for_a_phone_waiting_for_its_code(client):
    user = UserFactory(phone="+79161234567")
    client.force_login(user)

    assert client.get(CONFIRM)["Location"] == PROFILE

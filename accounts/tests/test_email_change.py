"""Changing the sign-in e-mail: a link to the new address, applied by its owner."""

import re

import pytest
from django.core import mail
from django.test import Client

from .conftest import sign_in
from .factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGE = "/account/email/"


def _ask(client, email, capture, password=PASSWORD):
    with capture(execute=True):
        return client.post(CHANGE, {"email": email, "password": password})


def _link(message) -> str:
    return re.search(r"(/account/email/confirm/\S+/)", message.body).group(1)


def test_the_new_email_works_after_its_link_is_followed(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="old@example.ru")
    client.force_login(user)

    response = _ask(client, "New@Example.ru", django_capture_on_commit_callbacks)

    assert response["Location"] == "/account/profile/"
    assert mail.outbox[-1].to == ["new@example.ru"]
    user.refresh_from_db()
    assert user.email == "old@example.ru"  # nothing changes before the link
    assert client.post(_link(mail.outbox[-1]))["Location"] == "/account/profile/"
    user.refresh_from_db()
    assert user.email == "new@example.ru"
    assert sign_in(Client(), "new@example.ru").status_code == 302
    assert "больше не действует" in client.post(_link(mail.outbox[-1])).content.decode()


def test_the_old_address_is_told_of_the_change(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="old@example.ru")
    client.force_login(user)
    _ask(client, "new@example.ru", django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_link(mail.outbox[-1]))

    notice = mail.outbox[-1]
    assert notice.to == ["old@example.ru"]
    assert "n***@example.ru" in notice.body
    assert "new@example.ru" not in notice.body
    assert "горячую линию: 8 (800) 100-08-00" in notice.body


def test_an_organisation_is_given_the_business_hotline(
    client, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_HOTLINE_BUSINESS = "+78002003000"
    user = UserFactory(email="old@firm.ru", subscriber=OrganisationFactory())
    client.force_login(user)
    _ask(client, "new@firm.ru", django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_link(mail.outbox[-1]))

    assert "горячую линию: 8 (800) 200-30-00" in mail.outbox[-1].body


def test_a_wrong_password_keeps_the_address_typed(client):
    client.force_login(UserFactory())

    response = client.post(CHANGE, {"email": "new@example.ru", "password": "wrong"})

    assert "password" in response.context["form"].errors
    assert 'value="new@example.ru"' in response.content.decode()


def test_a_taken_address_gets_a_note_and_the_same_answer(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.ru")
    user = UserFactory(email="old@example.ru")
    client.force_login(user)

    taken = _ask(client, "taken@example.ru", django_capture_on_commit_callbacks)

    assert taken["Location"] == "/account/profile/"
    assert "/account/email/confirm/" not in mail.outbox[-1].body
    user.refresh_from_db()
    assert user.email == "old@example.ru"


def test_only_the_user_who_asked_can_apply_the_link(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="old@example.ru")
    client.force_login(user)
    _ask(client, "new@example.ru", django_capture_on_commit_callbacks)
    stranger = Client()
    stranger.force_login(UserFactory())

    response = stranger.post(_link(mail.outbox[-1]))

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == "old@example.ru"

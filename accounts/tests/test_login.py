"""Sign-in by e-mail or phone, its protection against guessing, and password reset."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from .conftest import sign_in
from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "login",
    [
        "user0@example.ru",
        "USER0@Example.RU",
        "+79123456789",
        "8 (912) 345-67-89",
        "89123456789",
        "+7 912 345 67 89",
    ],
)
def test_subscriber_signs_in_with_email_or_phone_in_any_usual_form(client, login):
    UserFactory(
        email="user0@example.ru", phone="+79123456789", full_name="Смирнова Анна"
    )

    response = sign_in(client, login)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert "Смирнова Анна" in client.get(reverse("accounts:home")).content.decode()


def test_staff_still_sign_in_with_their_username(client):
    get_user_model().objects.create_user(
        username="agent", password=PASSWORD, is_staff=True
    )

    assert sign_in(client, "agent").status_code == 302


def test_wrong_password_keeps_the_login_and_explains_in_russian(client, user):
    response = sign_in(client, user.email, password="wrong")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Неверный e-mail, телефон или пароль" in html
    assert f'value="{user.email}"' in html
    assert 'id="error-summary"' in html


def test_unknown_login_gets_exactly_the_same_answer_as_a_wrong_password(client, user):
    wrong_password = sign_in(client, user.email, password="wrong")
    unknown = sign_in(client, "nobody@example.ru", password="wrong")

    def body(response, login):
        return response.content.decode().replace(login, "LOGIN")

    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert wrong_password.status_code == unknown.status_code == 200
    assert csrf.sub("", body(wrong_password, user.email)) == csrf.sub(
        "", body(unknown, "nobody@example.ru")
    )


def test_empty_sign_in_lists_each_missing_field_in_the_summary(client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})

    html = response.content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_username"' in summary
    assert 'href="#id_password"' in summary
    assert "Это поле обязательно для заполнения." in summary


def test_sign_out_returns_home(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:logout"))

    assert response["Location"] == reverse("home")
    assert client.get(reverse("accounts:home")).status_code == 302


def test_user_model_is_the_portal_one():
    assert get_user_model()._meta.label == "accounts.User"


def test_unconfirmed_sign_up_is_told_to_confirm_and_gets_a_new_link(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(is_active=False, email_confirmed_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(client, user.email)

    assert response.status_code == 200
    assert "ещё не подтвержд" in response.content.decode()
    assert len(mail.outbox) == 1
    assert "/account/signup/confirm/" in mail.outbox[0].body
    assert not response.wsgi_request.user.is_authenticated


def test_unconfirmed_sign_up_with_a_wrong_password_learns_nothing(client):
    user = UserFactory(is_active=False, email_confirmed_at=None)

    response = sign_in(client, user.email, password="wrong")

    assert "Неверный e-mail, телефон или пароль" in response.content.decode()
    assert mail.outbox == []


def test_a_blocked_user_cannot_sign_in_and_loses_open_sessions(client, user):
    client.force_login(user)
    user.is_active = False
    user.save()

    assert client.get(reverse("accounts:home")).status_code == 302
    response = sign_in(client, user.email)
    assert "заблокирован" in response.content.decode()


# Throttling of failed attempts --------------------------------------------------


def _fail(client, login, times, ip="10.0.0.1"):
    for _ in range(times):
        sign_in(client, login, password="wrong", ip=ip)


def test_five_failures_pause_sign_in_for_that_login_from_that_address(client, user):
    _fail(client, "8 912 345-67-89", 5)

    response = sign_in(client, user.email.upper())  # the same person, right password

    assert response.status_code == 302  # phone then e-mail: different logins
    client.logout()
    _fail(client, user.email, 5)
    locked = sign_in(client, user.email)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Слишком много неудачных попыток" in html
    assert f'value="{user.email}"' in html
    assert not locked.wsgi_request.user.is_authenticated


def test_writing_the_phone_differently_does_not_reset_the_count(client, user):
    for login in ["+79123456789", "8 912 345 67 89", "89123456789", "8(912)3456789"]:
        sign_in(client, login, password="wrong")
    sign_in(client, "+7 (912) 345-67-89", password="wrong")

    assert sign_in(client, "+79123456789").status_code == 429


def test_unknown_logins_are_locked_out_the_same_way(client):
    _fail(client, "nobody@example.ru", 5)

    response = sign_in(client, "nobody@example.ru")

    assert response.status_code == 429


def test_an_attacker_elsewhere_cannot_lock_the_subscriber_out(client, user):
    _fail(client, user.email, 20, ip="203.0.113.7")

    response = sign_in(client, user.email, ip="198.51.100.20")

    assert response.status_code == 302


def test_a_lockout_ends_by_itself_after_a_quarter_of_an_hour(client, user):
    start = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        _fail(client, user.email, 5)
        assert sign_in(client, user.email).status_code == 429
    with freeze_time(start + datetime.timedelta(minutes=14)):
        assert sign_in(client, user.email).status_code == 429
    with freeze_time(start + datetime.timedelta(minutes=16)):
        assert sign_in(client, user.email).status_code == 302


def test_the_admin_sign_in_is_protected_too(client):
    get_user_model().objects.create_user(
        username="agent", password=PASSWORD, is_staff=True
    )
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": "agent", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
        )

    response = client.post(
        "/admin/login/",
        {"username": "agent", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )

    assert response.status_code == 429


# Password reset ------------------------------------------------------------------


def _reset(client, email, ip="10.0.0.1"):
    return client.post(
        reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip
    )


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = _reset(client, user.email.upper())
        unknown = _reset(client, "nobody@example.ru")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_password_reset_link_sets_a_new_password_and_ends_a_lockout(
    client, user, django_capture_on_commit_callbacks
):
    _fail(client, user.email, 5)
    with django_capture_on_commit_callbacks(execute=True):
        _reset(client, user.email)
    link = re.search(
        r"https?://[^/\s]+(/account/password/reset/\S+/)", mail.outbox[0].body
    )

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url,
        {"new_password1": "Brand-New-Pass-77", "new_password2": "Brand-New-Pass-77"},
    )

    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert sign_in(client, user.email, password="Brand-New-Pass-77").status_code == 302


def test_a_used_reset_link_no_longer_works(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _reset(client, user.email)
    path = re.search(r"(/account/password/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(
        set_url,
        {"new_password1": "Brand-New-Pass-77", "new_password2": "Brand-New-Pass-77"},
    )

    again = client.get(path, follow=True)

    assert "Ссылка не работает" in again.content.decode()


def test_password_reset_confirms_a_sign_up_that_never_confirmed(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(is_active=False, email_confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        _reset(client, user.email)
    path = re.search(r"(/account/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    set_url = client.get(path, follow=True).redirect_chain[-1][0]

    client.post(
        set_url,
        {"new_password1": "Brand-New-Pass-77", "new_password2": "Brand-New-Pass-77"},
    )

    user.refresh_from_db()
    assert user.is_active
    assert user.email_confirmed_at
    assert sign_in(client, user.email, password="Brand-New-Pass-77").status_code == 302


def test_reset_mails_to_one_address_are_limited(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            assert _reset(client, user.email).status_code == 302

    assert len(mail.outbox) == 3


def test_an_unconfirmed_sign_up_is_not_promised_a_link_the_limit_stopped(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(is_active=False, email_confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            response = sign_in(client, user.email)

    assert len(mail.outbox) == 3
    assert "уже несколько раз отправляли" in response.content.decode()

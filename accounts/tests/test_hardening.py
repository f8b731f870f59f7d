"""Attacks on sign-up, sign-in and account linking, and how they fail."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import PersonalAccount

from .conftest import sign_in
from .factories import OrganisationFactory, PersonalAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def _sign_up(client, email, password, capture, name="Петрова Ольга"):
    with capture(execute=True):
        return client.post(
            reverse("accounts:signup"),
            {
                "category": "individual",
                "full_name": name,
                "email": email,
                "password1": password,
                "password2": password,
                "consent": "on",
                "captcha_0": "key",
                "captcha_1": "PASSED",
            },
        )


def _link_path(message):
    return re.search(r"(/account/signup/confirm/\S+/)", message.body).group(1)


def test_a_squatted_sign_up_cannot_take_over_the_owners_profile(
    django_capture_on_commit_callbacks,
):
    attacker, victim = Client(), Client()
    _sign_up(
        attacker,
        "olga@example.ru",
        "Attacker-Pass-1",
        django_capture_on_commit_callbacks,
    )
    _sign_up(
        victim,
        "olga@example.ru",
        "Victim-Pass-2026",
        django_capture_on_commit_callbacks,
    )
    first_link, second_link = (_link_path(m) for m in mail.outbox)

    assert "Ссылка не работает" in victim.post(first_link).content.decode()
    response = victim.post(second_link)

    assert response["Location"] == reverse("accounts:home")  # this browser signed up
    assert User.objects.filter(email="olga@example.ru").count() == 1
    assert sign_in(Client(), "olga@example.ru", "Victim-Pass-2026").status_code == 302
    assert sign_in(Client(), "olga@example.ru", "Attacker-Pass-1").status_code == 200


def test_a_confirmation_opened_in_another_browser_asks_for_the_password(
    client, django_capture_on_commit_callbacks
):
    _sign_up(
        client,
        "olga@example.ru",
        "Strong-Pass-2026",
        django_capture_on_commit_callbacks,
    )
    elsewhere = Client()
    link = _link_path(mail.outbox[0])

    assert 'name="password"' in elsewhere.get(link).content.decode()
    refused = elsewhere.post(link, {"password": "Wrong-Pass-2026"})

    assert refused.status_code == 200
    assert "не подходит" in refused.content.decode()
    assert not User.objects.get().is_active
    confirmed = elsewhere.post(link, {"password": "Strong-Pass-2026"})
    assert confirmed["Location"] == reverse("accounts:home")
    assert User.objects.get().is_active
    assert elsewhere.get(reverse("accounts:home")).wsgi_request.user.is_authenticated


def test_a_later_sign_up_with_the_address_cannot_take_over_the_first(
    django_capture_on_commit_callbacks,
):
    victim, attacker = Client(), Client()
    _sign_up(
        victim,
        "olga@example.ru",
        "Victim-Pass-2026",
        django_capture_on_commit_callbacks,
    )
    _sign_up(
        attacker,
        "olga@example.ru",
        "Attacker-Pass-1",
        django_capture_on_commit_callbacks,
        name="Злоумышленник",
    )
    latest = _link_path(mail.outbox[-1])

    # The owner follows the latest letter in the browser they signed up in:
    # the button alone no longer confirms, and their password does not fit.
    assert 'name="password"' in victim.get(latest).content.decode()
    victim.post(latest)
    victim.post(latest, {"password": "Victim-Pass-2026"})

    assert not User.objects.get().is_active
    assert not victim.get(reverse("accounts:home")).wsgi_request.user.is_authenticated
    assert sign_in(Client(), "olga@example.ru", "Attacker-Pass-1").status_code == 200


def test_a_confirmation_confirms_only_the_password_it_was_checked_against(
    django_capture_on_commit_callbacks,
):
    from accounts.services import user_email_confirm

    _sign_up(
        Client(),
        "olga@example.ru",
        "Strong-Pass-2026",
        django_capture_on_commit_callbacks,
    )
    checked = User.objects.get().password
    # Meanwhile another sign-up with the address replaces the password.
    _sign_up(
        Client(),
        "olga@example.ru",
        "Attacker-Pass-1",
        django_capture_on_commit_callbacks,
    )

    assert not user_email_confirm(user=User.objects.get(), password_hash=checked)
    assert not User.objects.get().is_active


def test_typing_passwords_on_a_confirmation_page_is_limited(
    django_capture_on_commit_callbacks,
):
    _sign_up(
        Client(),
        "olga@example.ru",
        "Strong-Pass-2026",
        django_capture_on_commit_callbacks,
    )
    elsewhere = Client()
    link = _link_path(mail.outbox[0])

    for _n in range(5):
        elsewhere.post(link, {"password": "Wrong-Pass-2026"})
    refused = elsewhere.post(link, {"password": "Strong-Pass-2026"})

    assert "Слишком много попыток" in refused.content.decode()
    assert not User.objects.get().is_active


def test_letters_to_an_unconfirmed_address_do_not_repeat_the_typed_name(
    client, django_capture_on_commit_callbacks
):
    _sign_up(
        client,
        "olga@example.ru",
        "Strong-Pass-2026",
        django_capture_on_commit_callbacks,
        name="Перейдите на evil.example",
    )

    assert "evil.example" not in mail.outbox[0].body
    assert "Здравствуйте!" in mail.outbox[0].body


def test_plain_text_letters_are_not_html_escaped(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="obrien@example.ru", full_name="O'Brien & Co Ltd")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "obrien@example.ru"})

    assert "O'Brien & Co" in mail.outbox[0].body
    assert "&amp;" not in mail.outbox[0].body


def test_a_colleague_with_tickets_joins_the_organisation_and_keeps_them(client):
    from tickets.models import Ticket
    from tickets.tests.factories import TicketFactory

    organisation = OrganisationFactory(inn="7704123450")
    account = PersonalAccountFactory(subscriber=organisation)
    colleague = UserFactory(subscriber=OrganisationFactory(inn="7704123450"))
    ticket = TicketFactory(author=colleague)
    client.force_login(colleague)

    response = client.post(
        reverse("accounts:link"),
        {"number": account.number, "contract_number": account.contract_number},
    )

    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).subscriber == organisation
    assert client.get(ticket.get_absolute_url()).status_code == 200


def test_many_profiles_get_only_ten_guesses_at_one_account_a_day(settings):
    account = PersonalAccountFactory(subscriber=None, contract_number="Д-2026-0777")
    for n in range(10):
        guesser = Client(REMOTE_ADDR=f"10.1.0.{n}")
        guesser.force_login(UserFactory())
        guesser.post(
            reverse("accounts:link"),
            {"number": account.number, "contract_number": f"Д-2026-0{n:03d}"},
        )
    lucky = Client(REMOTE_ADDR="10.2.0.1")
    lucky.force_login(UserFactory())

    response = lucky.post(
        reverse("accounts:link"),
        {"number": account.number, "contract_number": "Д-2026-0777"},
    )

    html = response.content.decode()
    assert "Слишком много неудачных попыток" in html
    assert "через 24 часа" in html  # the account's limit, not the hour of a user's
    assert PersonalAccount.objects.get(pk=account.pk).subscriber is None


def test_one_address_trying_many_logins_is_paused(client, settings):
    settings.PORTAL_SIGNIN_IP_LIMIT = (3, 3600)
    user = UserFactory()
    for n in range(3):
        sign_in(client, f"nobody{n}@example.ru", "guess", ip="203.0.113.9")

    paused = sign_in(client, user.email, ip="203.0.113.9")
    elsewhere = sign_in(Client(), user.email, ip="198.51.100.1")

    assert "Слишком много неудачных попыток входа из этой сети" in (
        paused.content.decode()
    )
    assert elsewhere.status_code == 302

"""The admin of subscribers, their accounts and services, as support uses it."""

import pytest
from django.urls import reverse

from accounts.models import Consent
from accounts.services import ClientInfo, consent_record

from .factories import OrganisationFactory, PersonalAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consent(user):
    return consent_record(
        user=user,
        purpose=Consent.Purpose.PERSONAL_DATA,
        given=True,
        client=ClientInfo(ip_address="10.0.0.1", user_agent="Firefox"),
    )


@pytest.fixture
def subscribers():
    """Three subscribers, each with a user and a personal account, by nickname."""
    maria = UserFactory(
        full_name="Кузнецова Мария Олеговна",
        email="maria.k@example.ru",
        phone="+79031112233",
    )
    oleg = UserFactory(
        full_name="Смирнов Олег Петрович",
        email="oleg.s@example.ru",
        phone="+79164445566",
    )
    romashka = UserFactory(
        full_name="Белова Ирина Михайловна",
        email="office@romashka.ru",
        subscriber=OrganisationFactory(name="ООО «Ромашка»", inn="7814000002"),
    )
    PersonalAccountFactory(number="300000000001", subscriber=maria.subscriber)
    PersonalAccountFactory(number="300000000002", subscriber=oleg.subscriber)
    PersonalAccountFactory(number="300000000003", subscriber=romashka.subscriber)
    # Another organisation, with the INN every OrganisationFactory gets.
    OrganisationFactory(name="ООО «Лютик»")
    return {
        "maria": maria.subscriber,
        "oleg": oleg.subscriber,
        "romashka": romashka.subscriber,
    }


@pytest.mark.parametrize(
    "model",
    [
        "subscriber",
        "personalaccount",
        "service",
        "servicetype",
        "tariff",
        "user",
        "consent",
    ],
)
def test_changelist_opens_with_its_rows(admin_client, user, consent, model):
    response = admin_client.get(f"/admin/accounts/{model}/")

    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("300000000001", "maria"),  # a personal account number
        ("+79031112233", "maria"),  # a user's phone, as stored
        ("maria.k@example.ru", "maria"),  # a user's e-mail
        ("Кузнецова Мария", "maria"),  # the name
        ("Смирнов", "oleg"),
        ("7814000002", "romashka"),  # the INN
        ("office@romashka.ru", "romashka"),
    ],
)
def test_subscriber_search_finds_only_the_matching_subscriber(
    admin_client, subscribers, query, found
):
    response = admin_client.get("/admin/accounts/subscriber/", {"q": query})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [subscribers[found]]


def test_personal_account_search_finds_the_exact_number(admin_client, subscribers):
    found = admin_client.get("/admin/accounts/personalaccount/", {"q": "300000000002"})
    part = admin_client.get("/admin/accounts/personalaccount/", {"q": "30000000000"})

    assert [a.number for a in found.context["cl"].result_list] == ["300000000002"]
    # The number is matched whole (=number), so a part of it finds nothing.
    assert list(part.context["cl"].result_list) == []


def test_subscriber_change_page_shows_its_users_and_accounts_inline(
    admin_client, subscribers
):
    maria = subscribers["maria"]

    response = admin_client.get(f"/admin/accounts/subscriber/{maria.pk}/change/")

    assert response.status_code == 200
    inlines = {
        inline.formset.prefix: list(inline.formset.queryset)
        for inline in response.context["inline_admin_formsets"]
    }
    assert inlines == {
        "users": list(maria.users.all()),
        "accounts": list(maria.accounts.all()),
    }
    html = response.content.decode()
    assert "maria.k@example.ru" in html
    assert "300000000001" in html
    assert "oleg.s@example.ru" not in html
    assert "300000000002" not in html


def test_consent_cannot_be_added(admin_client):
    response = admin_client.get("/admin/accounts/consent/add/")

    assert response.status_code == 403


def test_consent_change_page_is_read_only_and_refuses_a_change(admin_client, consent):
    url = f"/admin/accounts/consent/{consent.pk}/change/"

    shown = admin_client.get(url)
    posted = admin_client.post(
        url,
        {
            "purpose": Consent.Purpose.MARKETING,
            "given": "",
            "text_version": "forged",
            "email": "someone@example.ru",
        },
    )

    assert shown.status_code == 200
    assert 'name="_save"' not in shown.content.decode()
    assert posted.status_code == 403
    consent.refresh_from_db()
    assert consent.purpose == Consent.Purpose.PERSONAL_DATA
    assert consent.given is True
    assert consent.text_version != "forged"


def test_consent_cannot_be_deleted(admin_client, consent):
    response = admin_client.post(
        f"/admin/accounts/consent/{consent.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Consent.objects.filter(pk=consent.pk).exists()


@pytest.mark.parametrize(
    "typed", ["8 903 111-22-33", "89031112233", "+7 (903) 111 22 33"]
)
def test_agents_find_a_subscriber_by_the_phone_as_they_hear_it(admin_client, typed):
    user = UserFactory(phone="+79031112233")
    UserFactory(phone="+79031112234")

    response = admin_client.get(
        reverse("admin:accounts_subscriber_changelist"), {"q": typed}
    )

    assert list(response.context["cl"].result_list) == [user.subscriber]

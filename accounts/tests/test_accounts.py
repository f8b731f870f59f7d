"""The dashboard, a personal account's page, linking an account, and who sees what."""

from decimal import Decimal

import pytest
from django.urls import URLPattern, get_resolver, reverse

from accounts.models import PersonalAccount, Subscriber

from .factories import (
    OrganisationFactory,
    PersonalAccountFactory,
    ServiceFactory,
    TariffFactory,
    UserFactory,
    service_type,
)

pytestmark = pytest.mark.django_db


# The dashboard ----------------------------------------------------------------


def test_dashboard_shows_accounts_with_balance_debt_and_services_with_tariffs(client):
    user = UserFactory()
    account = PersonalAccountFactory(
        subscriber=user.subscriber,
        number="100000000777",
        balance=Decimal("-1250.50"),
        debt=Decimal("1250.50"),
        city="Казань",
    )
    ServiceFactory(
        account=account,
        tariff=TariffFactory(
            name="Гигабит", monthly_fee=Decimal("1200"), speed_mbps=1000
        ),
        number="kazan-home",
    )
    ServiceFactory(
        account=account,
        tariff=TariffFactory(
            service_type=service_type("mobile"), name="Смарт S", speed_mbps=None
        ),
        number="+79161234567",
    )
    client.force_login(user)

    html = client.get(reverse("accounts:home")).content.decode()

    assert "100000000777" in html
    assert "Казань" in html
    assert "-1\xa0250,50 ₽" in html  # Russian grouping and decimal comma
    assert "Задолженность" in html
    assert "Гигабит" in html
    assert "1000 Мбит/с" in html
    assert "kazan-home" in html
    assert "8 (916) 123-45-67" in html  # phone services read as phones
    assert reverse("tickets:feedback") in html  # "write to support"


def test_dashboard_without_accounts_invites_to_link_one(client):
    user = UserFactory()
    client.force_login(user)

    html = client.get(reverse("accounts:home")).content.decode()

    assert reverse("accounts:link") in html
    assert "Задолженность" not in html


def test_dashboard_asks_for_sign_in_first(client):
    response = client.get(reverse("accounts:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_dashboard_shows_no_one_elses_accounts(client, user, other_user):
    client.force_login(user)

    html = client.get(reverse("accounts:home")).content.decode()

    for account in PersonalAccount.objects.filter(subscriber=other_user.subscriber):
        assert account.number not in html
    for account in PersonalAccount.objects.filter(subscriber=user.subscriber):
        assert account.number in html


def test_dashboard_takes_the_same_few_queries_for_many_accounts(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    for _ in range(8):
        account = PersonalAccountFactory(subscriber=user.subscriber)
        ServiceFactory.create_batch(3, account=account)
    client.force_login(user)

    with django_assert_max_num_queries(8):
        client.get(reverse("accounts:home"))


def test_every_user_of_an_organisation_sees_its_accounts(client):
    organisation = OrganisationFactory()
    first = UserFactory(subscriber=organisation)
    second = UserFactory(subscriber=organisation)
    account = PersonalAccountFactory(subscriber=organisation)

    for member in (first, second):
        client.force_login(member)
        assert client.get(account.get_absolute_url()).status_code == 200


# Linking a personal account ------------------------------------------------------


@pytest.fixture
def free_account():
    account = PersonalAccountFactory(
        subscriber=None, number="100000000901", contract_number="Д-2026-0901"
    )
    ServiceFactory(account=account)
    return account


def _link(client, number, contract):
    return client.post(
        reverse("accounts:link"), {"number": number, "contract_number": contract}
    )


def test_a_subscriber_links_an_account_with_its_contract_number(
    client, user, free_account
):
    client.force_login(user)

    response = _link(client, "1000 0000 0901", " д-2026-0901 ")

    free_account.refresh_from_db()
    assert free_account.subscriber == user.subscriber
    assert free_account.linked_at is not None
    assert response["Location"] == free_account.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "привязан" in page


def test_a_wrong_contract_number_links_nothing_and_keeps_what_was_typed(
    client, user, free_account
):
    client.force_login(user)

    response = _link(client, "100000000901", "Д-2026-0902")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Проверьте оба номера" in html
    assert 'value="100000000901"' in html
    assert 'value="Д-2026-0902"' in html
    free_account.refresh_from_db()
    assert free_account.subscriber is None


def test_someone_elses_account_gets_the_same_answer_as_a_missing_one(
    client, user, other_user
):
    taken = PersonalAccount.objects.filter(subscriber=other_user.subscriber).get()
    client.force_login(user)

    foreign = _link(client, taken.number, taken.contract_number)
    missing = _link(client, "199999999999", "Д-0000")

    assert foreign.context["form"].non_field_errors() == (
        missing.context["form"].non_field_errors()
    )
    taken.refresh_from_db()
    assert taken.subscriber == other_user.subscriber


def test_a_malformed_account_number_is_explained_beside_the_field(client, user):
    client.force_login(user)

    response = _link(client, "12345", "Д-1")

    errors = response.context["form"].errors
    assert "number" in errors
    assert "100012345678" in errors["number"][0]  # the example from settings


def test_guessing_contract_numbers_is_stopped_after_five_tries(
    client, user, free_account
):
    client.force_login(user)
    for attempt in range(5):
        _link(client, free_account.number, f"Д-{attempt}")

    response = _link(client, free_account.number, free_account.contract_number)

    assert "Слишком много неудачных попыток" in response.content.decode()
    free_account.refresh_from_db()
    assert free_account.subscriber is None


def test_linking_an_account_that_is_already_yours_says_so(client, user):
    mine = PersonalAccount.objects.get(subscriber=user.subscriber)
    client.force_login(user)

    response = _link(client, mine.number, mine.contract_number)

    assert "уже есть в вашем профиле" in response.content.decode()


def test_a_colleague_joins_the_organisation_by_linking_its_account(client):
    organisation = OrganisationFactory(inn="7704123450")
    account = PersonalAccountFactory(subscriber=organisation)
    colleague = UserFactory(subscriber=OrganisationFactory(inn="7704123450"))
    own_empty = colleague.subscriber
    client.force_login(colleague)

    response = _link(client, account.number, account.contract_number)

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.subscriber == organisation
    assert not Subscriber.objects.filter(pk=own_empty.pk).exists()
    assert client.get(account.get_absolute_url()).status_code == 200


def test_another_organisation_cannot_join_by_an_account_number(client):
    organisation = OrganisationFactory(inn="7704123450")
    account = PersonalAccountFactory(subscriber=organisation)
    stranger = UserFactory(subscriber=OrganisationFactory(inn="5902987659"))
    client.force_login(stranger)

    _link(client, account.number, account.contract_number)

    stranger.refresh_from_db()
    assert stranger.subscriber != organisation


def test_staff_without_a_subscriber_are_sent_to_the_dashboard(client):
    staff = UserFactory(subscriber=None, is_staff=True)
    client.force_login(staff)

    assert client.get(reverse("accounts:link"))["Location"] == reverse("accounts:home")
    html = client.get(reverse("accounts:home")).content.decode()
    assert reverse("admin:index") in html


# Every subscriber URL checks ownership -----------------------------------------------


# How to build each parametrised subscriber URL for the owner's objects. A new
# URL with parameters must be added here (or to PUBLIC_WITH_PARAMETERS), or the
# walk below fails: no page may skip the ownership check unnoticed.
def _own_ticket(owner):
    from tickets.tests.factories import TicketFactory

    return TicketFactory(author=owner, with_attachment=True)


OWNED_OBJECT_KWARGS = {
    "accounts:account": lambda owner: {
        "number": PersonalAccount.objects.filter(subscriber=owner.subscriber)
        .first()
        .number
    },
    "tickets:detail": lambda owner: {"number": _own_ticket(owner).number},
    "tickets:done": lambda owner: {"number": _own_ticket(owner).number},
    "tickets:attachment": lambda owner: {
        "number": (ticket := _own_ticket(owner)).number,
        "pk": ticket.attachments.get().pk,
    },
}
# Parametrised URLs that are not a subscriber's objects: links from e-mails
# and private links of guests, each checked by its own token.
PUBLIC_WITH_PARAMETERS = {
    "accounts:signup_confirm",
    "accounts:email_change_confirm",
    "accounts:password_reset_confirm",
    "tickets:guest",
    "tickets:guest_attachment",
}
# Managers' pages: subscribers get 403 there (tickets/tests/test_reports.py).
STAFF_ONLY_WITH_PARAMETERS = {"tickets:report_export"}
SUBSCRIBER_NAMESPACES = ("accounts", "tickets")


def _parametrised_url_names():
    names = []
    resolver = get_resolver()
    for namespace in SUBSCRIBER_NAMESPACES:
        if namespace not in resolver.namespace_dict:
            continue
        _prefix, sub = resolver.namespace_dict[namespace]
        for pattern in sub.url_patterns:
            if isinstance(pattern, URLPattern) and pattern.pattern.regex.groups:
                names.append(f"{namespace}:{pattern.name}")
    return names


def test_every_parametrised_subscriber_url_is_covered_by_the_ownership_walk():
    names = set(_parametrised_url_names())

    assert names - PUBLIC_WITH_PARAMETERS - STAFF_ONLY_WITH_PARAMETERS == set(
        OWNED_OBJECT_KWARGS
    )


@pytest.mark.parametrize("name", sorted(OWNED_OBJECT_KWARGS))
def test_another_subscriber_gets_404_for_every_subscriber_url(
    client, user, other_user, name
):
    url = reverse(name, kwargs=OWNED_OBJECT_KWARGS[name](user))
    client.force_login(user)
    assert client.get(url).status_code == 200

    client.force_login(other_user)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)
    client.logout()
    anonymous = client.get(url)
    if anonymous.status_code == 302:
        assert anonymous["Location"].startswith(reverse("accounts:login"))
    else:  # pages open to guests too show a stranger nothing
        assert anonymous.status_code == 404


def test_the_admin_checks_a_service_number_against_its_type(admin_client, user):
    account = PersonalAccount.objects.get(subscriber=user.subscriber)
    tariff = TariffFactory(service_type=service_type("mobile"), speed_mbps=None)
    url = reverse("admin:accounts_service_add")
    data = {
        "account": account.pk,
        "service_type": tariff.service_type.pk,
        "tariff": tariff.pk,
        "status": "active",
    }

    refused = admin_client.post(url, {**data, "number": "8 495 123-45-67"})
    accepted = admin_client.post(url, {**data, "number": "8 916 123-45-67"})

    assert "number" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    assert account.services.filter(number="+79161234567").exists()

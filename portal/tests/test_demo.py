import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.demo import SUBSCRIBER_PASSWORD, SUBSCRIBERS, UNLINKED_ACCOUNTS
from accounts.models import PersonalAccount, Service, ServiceType, Subscriber
from portal.demo import DEMO_LOGINS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True  # as under make run


def test_demo_data_refuses_to_run_outside_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("demo_data")

    assert not get_user_model().objects.exists()


def test_demo_data_is_idempotent_and_prints_every_login(capsys):
    call_command("demo_data")
    first = capsys.readouterr().out
    users = sorted(get_user_model().objects.values_list("username", "password"))
    groups = Group.objects.count()

    call_command("demo_data")
    second = capsys.readouterr().out

    assert sorted(get_user_model().objects.values_list("username", "password")) == users
    assert Group.objects.count() == groups
    for login in DEMO_LOGINS:
        assert login.username in first
        assert login.password in first
        assert login.username in second


@pytest.mark.parametrize("login", DEMO_LOGINS, ids=lambda login: login.username)
def test_every_printed_staff_login_signs_in_to_the_support_desk(login):
    call_command("demo_data")
    client = Client()

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": login.username, "password": login.password},
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_every_demo_subscriber_signs_in_and_sees_their_accounts(capsys):
    call_command("demo_data")
    printed = capsys.readouterr().out

    assert SUBSCRIBER_PASSWORD in printed
    for subscriber in SUBSCRIBERS:
        for _name, email, phone in subscriber.users:
            client = Client()
            response = client.post(
                "/account/login/",
                {"username": phone or email, "password": SUBSCRIBER_PASSWORD},
            )
            assert response.status_code == 302, email
            dashboard = client.get("/account/").content.decode()
            for account in subscriber.accounts:
                assert account.number in dashboard


def test_demo_data_covers_every_service_type_debt_and_cities():
    call_command("demo_data")

    services = Service.objects.select_related("service_type")
    assert {s.service_type.code for s in services} == set(
        ServiceType.objects.values_list("code", flat=True)
    )
    assert PersonalAccount.objects.filter(debt__gt=0).count() >= 3
    assert PersonalAccount.objects.values("city").distinct().count() >= 8
    legal = Subscriber.objects.filter(category="legal_entity")
    assert legal.count() == 2
    assert all(org.users.count() == 2 for org in legal)
    assert Subscriber.objects.count() == 10


def test_printed_unlinked_accounts_can_be_linked_after_sign_up(capsys):
    call_command("demo_data")
    assert UNLINKED_ACCOUNTS[0].contract in capsys.readouterr().out
    user = get_user_model().objects.get(email="artem.sokolov@portal.example")
    client = Client()
    client.force_login(user)

    response = client.post(
        "/account/link/",
        {
            "number": UNLINKED_ACCOUNTS[0].number,
            "contract_number": UNLINKED_ACCOUNTS[0].contract,
        },
    )

    assert response.status_code == 302
    assert PersonalAccount.objects.get(number=UNLINKED_ACCOUNTS[0].number).subscriber


def test_demo_manager_can_read_but_not_change_users():
    call_command("demo_data")
    manager = get_user_model().objects.get(username="manager")

    assert manager.has_perm("accounts.view_user")
    assert not manager.has_perm("accounts.change_user")


def test_demo_tickets_went_the_way_real_ones_do(django_capture_on_commit_callbacks):
    from tickets.models import Notification, QueueMembership, Ticket

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_data")

    # The subscribers' demo tickets; the D… ones are history for the reports.
    tickets = Ticket.objects.exclude(number__startswith="D").order_by("created_at")
    assert tickets.count() == 3
    assert all(ticket.queue_id and ticket.first_response_due for ticket in tickets)
    assert [ticket.status for ticket in tickets] == [
        "resolved",
        "in_progress",
        "visit_scheduled",
    ]
    visit = tickets.last()
    assert visit.queue.level == "field"
    assert visit.visit_starts_at is not None
    assert QueueMembership.objects.filter(
        user__username="agent", queue__code="first_line"
    ).exists()
    history = Ticket.objects.filter(number__startswith="D")
    assert history.count() == 400
    assert history.filter(rating__isnull=False).exists()
    assert history.filter(resolved_at__isnull=False).exists()
    # Each subscriber heard of each step, once.
    assert not Notification.objects.exclude(status="sent").exists()

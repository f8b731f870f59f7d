import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

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
def test_every_printed_demo_login_signs_in(login):
    call_command("demo_data")
    client = Client()

    assert client.login(username=login.username, password=login.password)
    admin = client.get("/admin/")
    assert (admin.status_code == 200) == login.is_staff


def test_demo_manager_can_read_but_not_change_users():
    call_command("demo_data")
    manager = get_user_model().objects.get(username="manager")

    assert manager.has_perm("accounts.view_user")
    assert not manager.has_perm("accounts.change_user")

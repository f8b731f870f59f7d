import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from portal.demo import DEMO_LOGINS

pytestmark = pytest.mark.django_db


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

"""A NUL byte typed into an address never reaches the database as a 500
(PostgreSQL refuses it in a string; SQLite takes it)."""

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/offices/?city=%00",
        "/offices/?city=a%00b",
        "/offices/api/?city=%00",
        "/faq/search/?q=%00",
        "/faq/suggest/?q=a%00b",
        "/feedback/?topic=%00",
        "/reports/?city=%00",
        "/admin/tickets/ticket/?q=%00",
        "/admin/tickets/ticket/?queue__id__exact=%00",
        "/admin/tickets/callback/?q=%00",
        "/admin/accounts/user/?q=%00",
        "/admin/accounts/personalaccount/?q=%00",
        "/admin/faq/article/?q=%00",
    ],
)
def test_a_nul_byte_in_the_address_is_no_server_error(reference_data, path):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(subscriber=None, is_staff=True, is_superuser=True))

    assert client.get(path).status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/tickets/t/%00/",
        "/tickets/t/%00/files/1/",
        "/feedback/sent/%00/",
        "/tickets/%00/",
        "/tickets/%00/files/1/",
        "/account/accounts/%00/",
    ],
)
def test_a_nul_byte_in_a_path_is_not_found(reference_data, path):
    from accounts.tests.factories import UserFactory

    client = Client(raise_request_exception=False)
    assert client.get(path).status_code == 404
    client.force_login(UserFactory())
    assert client.get(path).status_code == 404

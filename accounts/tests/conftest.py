import pytest
from django.http import HttpRequest

from .factories import PASSWORD, PersonalAccountFactory, ServiceFactory, UserFactory


@pytest.fixture
def user(db):
    """A signed-up subscriber's user with one personal account and one service."""
    user = UserFactory(phone="+79123456789")
    account = PersonalAccountFactory(subscriber=user.subscriber)
    ServiceFactory(account=account)
    return user


@pytest.fixture
def other_user(db):
    """Another subscriber, with an account of their own."""
    user = UserFactory()
    ServiceFactory(account=PersonalAccountFactory(subscriber=user.subscriber))
    return user


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def sign_in(client, login, password=PASSWORD, ip="10.0.0.1", **extra):
    """Post the sign-in form as a browser at ``ip`` would."""
    return client.post(
        "/account/login/",
        {"username": login, "password": password},
        REMOTE_ADDR=ip,
        **extra,
    )


def axes_request() -> HttpRequest:
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return request

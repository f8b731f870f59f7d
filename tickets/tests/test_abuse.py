"""Limits on filing tickets: per address, per account, and double submits."""

import datetime
import uuid

import pytest
from django.utils.html import escape
from freezegun import freeze_time

from accounts.tests.factories import (
    PersonalAccountFactory,
    ServiceFactory,
    UserFactory,
    service_type,
)
from tickets.models import Ticket, Topic
from tickets.tests.factories import guest_form_data, png_upload

pytestmark = pytest.mark.django_db

FEEDBACK = "/feedback/"
# A window of the fixed-window counter starts here (a multiple of 600 seconds).
WINDOW_START = "2026-03-02 10:00:00"


@pytest.fixture
def user(db):
    user = UserFactory(phone="+79123456789")
    ServiceFactory(account=PersonalAccountFactory(subscriber=user.subscriber))
    return user


@pytest.fixture
def frozen():
    with freeze_time(WINDOW_START) as frozen:
        yield frozen


def guest_data(**overrides) -> dict:
    return guest_form_data(
        **{
            "topic": Topic.objects.get(code="setup").pk,
            "body": "Не могу настроить роутер, подскажите параметры.",
            "contact_email": "ivanov@example.ru",
            **overrides,
        }
    )


def member_data(**overrides) -> dict:
    data = {
        "submission_key": str(uuid.uuid4()),
        "service_type": service_type("internet").pk,
        "topic": Topic.objects.get(code="setup").pk,
        "body": "Не могу настроить роутер, подскажите параметры.",
        "reply_channel": "email",
    }
    data.update(overrides)
    return data


def file_tickets(client, count, data=guest_data, ip="203.0.113.5"):
    for _n in range(count):
        response = client.post(FEEDBACK, data(), REMOTE_ADDR=ip)
        assert response.status_code == 302


def assert_throttled(response):
    assert response.status_code == 200
    form = response.context["form"]
    assert [error.code for error in form.non_field_errors().as_data()] == ["throttled"]
    # The message is shown in the error summary at the top of the form.
    assert escape(form.non_field_errors()[0]) in response.content.decode()


def test_five_tickets_from_one_address_pass_and_the_sixth_is_refused(client, frozen):
    file_tickets(client, 5)
    data = guest_data(body="Шестое обращение: всё ещё не работает, помогите.")

    response = client.post(
        FEEDBACK, {**data, "attachments": [png_upload()]}, REMOTE_ADDR="203.0.113.5"
    )

    assert_throttled(response)
    assert Ticket.objects.count() == 5
    html = response.content.decode()
    for name in ("body", "contact_name", "contact_email", "connection_address"):
        assert escape(data[name]) in html
    assert f'value="{data["submission_key"]}"' in html
    assert response.context["form"].files_dropped is True


def test_another_address_still_passes(client, frozen):
    file_tickets(client, 5)
    assert_throttled(client.post(FEEDBACK, guest_data(), REMOTE_ADDR="203.0.113.5"))

    response = client.post(FEEDBACK, guest_data(), REMOTE_ADDR="198.51.100.20")

    assert response.status_code == 302
    assert Ticket.objects.count() == 6


def test_forged_forwarded_for_header_does_not_escape_the_limit(
    client, frozen, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    file_tickets(client, 5)

    response = client.post(
        FEEDBACK,
        guest_data(),
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )

    assert_throttled(response)


def test_invalid_forms_do_not_count_towards_the_limit(client, frozen):
    for _n in range(10):
        response = client.post(
            FEEDBACK, guest_data(body="short"), REMOTE_ADDR="203.0.113.5"
        )
        assert response.status_code == 200

    file_tickets(client, 5)


def test_signed_in_subscriber_switching_addresses_is_limited_after_five(
    client, user, frozen
):
    client.force_login(user)
    for n in range(5):
        response = client.post(
            FEEDBACK, member_data(), REMOTE_ADDR=f"198.51.100.{n + 1}"
        )
        assert response.status_code == 302

    response = client.post(FEEDBACK, member_data(), REMOTE_ADDR="192.0.2.200")

    assert_throttled(response)
    assert Ticket.objects.filter(subscriber=user.subscriber).count() == 5


def test_subscriber_limit_does_not_stop_a_guest_at_another_address(
    client, user, frozen
):
    client.force_login(user)
    for n in range(5):
        client.post(FEEDBACK, member_data(), REMOTE_ADDR=f"198.51.100.{n + 1}")
    client.logout()

    response = client.post(FEEDBACK, guest_data(), REMOTE_ADDR="192.0.2.200")

    assert response.status_code == 302


def test_limit_resets_after_the_period(client, frozen):
    file_tickets(client, 5)
    assert_throttled(client.post(FEEDBACK, guest_data(), REMOTE_ADDR="203.0.113.5"))

    frozen.tick(datetime.timedelta(minutes=10, seconds=1))
    response = client.post(FEEDBACK, guest_data(), REMOTE_ADDR="203.0.113.5")

    assert response.status_code == 302
    assert Ticket.objects.count() == 6


def test_limit_holds_within_the_period(client, frozen):
    file_tickets(client, 5)

    frozen.tick(datetime.timedelta(minutes=9, seconds=59))
    response = client.post(FEEDBACK, guest_data(), REMOTE_ADDR="203.0.113.5")

    assert_throttled(response)


def test_limit_follows_the_setting(client, frozen, settings):
    settings.PORTAL_TICKET_LIMIT = (2, 600)
    file_tickets(client, 2)

    assert_throttled(client.post(FEEDBACK, guest_data(), REMOTE_ADDR="203.0.113.5"))


# Double submit ------------------------------------------------------------------------


def test_two_posts_with_the_same_submission_key_file_one_ticket(client):
    data = guest_data()

    first = client.post(FEEDBACK, data)
    second = client.post(FEEDBACK, data)

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Ticket.objects.count() == 1


def test_resending_a_filed_ticket_is_not_refused_by_the_limit(client, frozen):
    data = guest_data()
    client.post(FEEDBACK, data, REMOTE_ADDR="203.0.113.5")
    file_tickets(client, 4)

    response = client.post(FEEDBACK, data, REMOTE_ADDR="203.0.113.5")

    assert response.status_code == 302
    assert Ticket.objects.count() == 5


def test_double_submit_counts_once_towards_the_limit(client, frozen):
    data = guest_data()
    for _click in range(3):
        client.post(FEEDBACK, data, REMOTE_ADDR="203.0.113.5")

    file_tickets(client, 4)

    assert Ticket.objects.count() == 5


def test_guest_double_click_with_a_real_captcha_shows_the_confirmation(
    client, monkeypatch
):
    from captcha.conf import settings as captcha_settings
    from captcha.models import CaptchaStore

    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)
    key = CaptchaStore.generate_key()
    answer = CaptchaStore.objects.get(hashkey=key).response
    data = guest_data(captcha_0=key, captcha_1=answer)

    first = client.post(FEEDBACK, data)
    second = client.post(FEEDBACK, data)

    assert first.status_code == 302
    assert Ticket.objects.count() == 1
    assert second.status_code == 302
    assert second.url == first.url


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "portal-test",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }


def test_limits_count_on_redis_as_in_production(client, settings, require_redis):
    settings.CACHES = redis_cache(require_redis)
    from django.core.cache import cache

    cache.clear()
    with freeze_time(WINDOW_START):
        file_tickets(client, 5)
        assert_throttled(client.post(FEEDBACK, guest_data(), REMOTE_ADDR="203.0.113.5"))
        # Another address is still welcome.
        file_tickets(client, 1, ip="203.0.113.6")
    cache.clear()


def test_redis_down_lets_tickets_through_and_says_so_in_the_log(
    client, settings, caplog
):
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")  # nothing listens there

    file_tickets(client, 7)

    assert Ticket.objects.count() == 7
    assert "Redis is unreachable" in caplog.text


def assert_a_form_counts_once_and_a_refused_one_again():
    from django.core.cache import cache

    from tickets.services import ticket_submission_allowed

    def allowed(key):
        return ticket_submission_allowed(ip_address="203.0.113.5", submission_key=key)

    cache.clear()
    with freeze_time(WINDOW_START):
        resent = uuid.uuid4()
        assert all(allowed(resent) for _click in range(3))  # counted once
        assert all(allowed(uuid.uuid4()) for _n in range(4))
        refused = uuid.uuid4()
        assert not allowed(refused)
        assert not allowed(refused)  # a refused form is counted when sent again
        assert allowed(resent)  # the filed one is still not counted
    with freeze_time("2026-03-02 10:10:00"):  # the next window
        assert allowed(refused)
    cache.clear()


def test_a_form_sent_again_counts_once_and_a_refused_one_again(db):
    assert_a_form_counts_once_and_a_refused_one_again()


def test_on_redis_a_form_sent_again_counts_once_and_a_refused_one_again(
    settings, require_redis
):
    settings.CACHES = redis_cache(require_redis)
    assert_a_form_counts_once_and_a_refused_one_again()


def test_on_redis_counters_and_the_mark_expire_with_their_period(
    settings, require_redis
):
    import redis
    from django.core.cache import cache

    from portal.throttle import throttle_counts, throttle_counts_once

    settings.CACHES = redis_cache(require_redis)
    cache.clear()
    keys = [("ticket-ip", "192.0.2.1"), ("ticket-user", "7")]

    assert throttle_counts_once("mark-1", keys, period=600) == [1, 1]
    assert throttle_counts_once("mark-1", keys, period=600) is None  # seen
    assert throttle_counts(keys, period=600) == [2, 2]

    server = redis.Redis.from_url(require_redis)
    names = server.keys("*throttle:*") + server.keys("*mark-1*")
    assert len(names) == 3
    assert all(0 < server.ttl(name) <= 600 for name in names)
    cache.clear()

"""Routing: the queue by the rules, the deadlines by the calendar, once per ticket."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts.tests.factories import (
    OrganisationFactory,
    PersonalAccountFactory,
    UserFactory,
    service_type,
)
from portal.models import SmsMessage
from tickets import services
from tickets.models import (
    Callback,
    Notification,
    RoutingRule,
    SpecialistQueue,
    Ticket,
    TicketEvent,
    Topic,
    WorkCalendarDay,
)
from tickets.tests.factories import TicketFactory, guest_form_data

pytestmark = pytest.mark.django_db

MSK = datetime.timezone(datetime.timedelta(hours=3))


def topic(code):
    return Topic.objects.get(code=code)


def queue(code):
    return SpecialistQueue.objects.get(code=code)


def routed(ticket, capture):
    with capture(execute=True):
        services.ticket_route(ticket_id=ticket.pk)  # it may drain others too
    ticket.refresh_from_db()
    assert ticket.routed_at is not None
    return ticket


@pytest.fixture
def route(django_capture_on_commit_callbacks):
    return lambda ticket: routed(ticket, django_capture_on_commit_callbacks)


# Which queue ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic_code", "type_code", "expected"),
    [
        ("fault", "internet", "first_line"),
        ("fault", "tv", "tv_video"),
        ("slow", "home_phone", "home_phone"),
        ("fault", "mobile", "mobile"),
        ("billing", "internet", "billing"),
        ("tariff", "tv", "billing"),
        ("move", "internet", "connection"),
        ("claim", "internet", "claims"),
    ],
)
def test_starting_rules_send_each_kind_of_ticket_to_its_queue(
    route, topic_code, type_code, expected
):
    ticket = TicketFactory(
        topic=topic(topic_code),
        service_type=service_type(type_code),
        claim_demands="Пересчитать" if topic_code == "claim" else "",
        claim_answer_form="paper" if topic_code == "claim" else "",
    )

    assert route(ticket).queue.code == expected


def test_legal_entities_go_to_business_support_unless_a_rule_names_them(route):
    user = UserFactory(subscriber=OrganisationFactory())
    billing = TicketFactory(author=user, topic=topic("billing"))
    claim = TicketFactory(
        author=user,
        topic=topic("claim"),
        claim_demands="Вернуть деньги",
        claim_answer_form="electronic",
    )

    assert route(billing).queue.code == "business"
    assert route(claim).queue.code == "claims"  # a rule names legal entities


def test_legal_entity_without_any_rule_still_reaches_business_support(route):
    RoutingRule.objects.all().delete()
    user = UserFactory(subscriber=OrganisationFactory())

    assert route(TicketFactory(author=user)).queue.code == "business"


def test_without_rules_the_topic_queue_then_the_default_queue(route, settings):
    RoutingRule.objects.all().delete()
    billing = topic("billing")
    assert route(TicketFactory(topic=billing)).queue == billing.default_queue

    Topic.objects.filter(pk=billing.pk).update(default_queue=None)
    settings.PORTAL_DEFAULT_QUEUE = "connection"
    assert route(TicketFactory(topic=topic("billing"))).queue.code == "connection"


def test_first_matching_rule_wins_in_order(route):
    RoutingRule.objects.create(
        name="Москва: интернет", order=1, city="москва", queue=queue("line")
    )
    RoutingRule.objects.create(
        name="Ниже: не сработает", order=2, queue=queue("mobile")
    )
    user = UserFactory()
    account = PersonalAccountFactory(subscriber=user.subscriber, city="Москва")

    ticket = route(TicketFactory(author=user, account_number=account.number))

    assert ticket.queue.code == "line"


def test_a_rule_on_the_region_of_the_account(route):
    RoutingRule.objects.create(
        name="Татарстан", order=1, region="Татарстан", queue=queue("connection")
    )
    user = UserFactory()
    kazan = PersonalAccountFactory(
        subscriber=user.subscriber, city="Казань", region="Татарстан"
    )
    moscow = PersonalAccountFactory(subscriber=user.subscriber)

    assert route(
        TicketFactory(author=user, account_number=kazan.number)
    ).queue.code == ("connection")
    assert route(
        TicketFactory(author=user, account_number=moscow.number)
    ).queue.code == ("first_line")


def test_keywords_match_whole_words_and_raise_the_priority(route):
    urgent = route(TicketFactory(body="Авария! Во всём доме нет интернета с утра."))
    not_a_word = route(TicketFactory(body="Аварийность роутера высокая, помогите."))

    assert urgent.queue.code == "first_line"
    assert urgent.priority == Ticket.Priority.URGENT
    assert not_a_word.priority == Ticket.Priority.NORMAL


def test_an_inactive_rule_or_a_closed_queue_is_skipped(route):
    rule = RoutingRule.objects.get(name="Телевидение")
    rule.is_active = False
    rule.save()
    assert route(TicketFactory(service_type=service_type("tv"))).queue.code == (
        "first_line"
    )

    rule.is_active = True
    rule.save()
    tv = queue("tv_video")
    tv.is_active = False
    tv.save()
    assert route(TicketFactory(service_type=service_type("tv"))).queue.code == (
        "first_line"
    )


def test_a_rule_edited_in_the_admin_applies_to_the_next_ticket(admin_client, route):
    rule = RoutingRule.objects.get(name="Телевидение")
    response = admin_client.post(
        f"/admin/tickets/routingrule/{rule.pk}/change/",
        {
            "name": rule.name,
            "order": rule.order,
            "is_active": "on",
            "service_type": rule.service_type_id,
            "topic": "",
            "client_category": "",
            "city": "",
            "region": "",
            "keywords": "",
            "queue": queue("line").pk,
            "priority": Ticket.Priority.HIGH,
        },
    )
    assert response.status_code == 302

    ticket = route(TicketFactory(service_type=service_type("tv")))

    assert ticket.queue.code == "line"
    assert ticket.priority == Ticket.Priority.HIGH


# Deadlines ------------------------------------------------------------------------


def file_at(moment, **kwargs):
    with freeze_time(moment):
        return TicketFactory(**kwargs)


def local(ticket_time):
    return timezone.localtime(ticket_time)


def test_friday_ticket_gets_its_first_answer_by_monday_night(route):
    ticket = route(file_at(datetime.datetime(2026, 11, 27, 15, 0, tzinfo=MSK)))

    due = local(ticket.first_response_due)
    assert due.date() == datetime.date(2026, 11, 30)
    assert (due.hour, due.minute) == (23, 59)


def test_public_holidays_are_not_working_days(route):
    # Filed on 30 December: 31 Dec is a moved day off, 1–8 Jan are holidays.
    ticket = route(file_at(datetime.datetime(2026, 12, 30, 12, 0, tzinfo=MSK)))

    assert local(ticket.first_response_due).date() == datetime.date(2027, 1, 11)


def test_resolution_counts_ten_working_days(route):
    ticket = route(file_at(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=MSK)))

    # 4 November (Unity Day) is a holiday: 3, 5, 6, 9–13, 16, 17 November.
    assert local(ticket.resolution_due).date() == datetime.date(2026, 11, 17)
    assert ticket.planned_fix_date == datetime.date(2026, 11, 17)


def test_the_calendar_table_overrides_the_holidays_package(route):
    WorkCalendarDay.objects.create(date=datetime.date(2026, 11, 30), is_working=False)
    WorkCalendarDay.objects.create(date=datetime.date(2026, 11, 28), is_working=True)

    ticket = route(file_at(datetime.datetime(2026, 11, 27, 15, 0, tzinfo=MSK)))

    # Saturday 28 is a working day now, Monday 30 a day off.
    assert local(ticket.first_response_due).date() == datetime.date(2026, 11, 28)


def test_a_claim_is_registered_next_working_day_and_answered_in_30_days(route):
    ticket = route(
        file_at(
            datetime.datetime(2026, 11, 27, 15, 0, tzinfo=MSK),
            topic=topic("claim"),
            claim_demands="Пересчитать абонентскую плату",
            claim_answer_form="paper",
        )
    )

    assert local(ticket.first_response_due).date() == datetime.date(2026, 11, 30)
    assert local(ticket.resolution_due).date() == datetime.date(2026, 12, 27)
    assert ticket.planned_fix_date is None  # no technician for a claim


# What routing records and sends ----------------------------------------------------


def test_routing_records_the_step_and_registers_the_ticket(route):
    ticket = route(TicketFactory())

    assert ticket.status == Ticket.Status.REGISTERED
    assert ticket.routed_at is not None
    event = ticket.events.get(kind=TicketEvent.Kind.ROUTED)
    assert event.to_status == Ticket.Status.REGISTERED
    assert event.note == ticket.queue.name


def test_routing_twice_routes_once_and_acknowledges_once(route, mailoutbox):
    ticket = route(TicketFactory())

    assert services.ticket_route(ticket_id=ticket.pk) == 0
    assert ticket.events.filter(kind=TicketEvent.Kind.ROUTED).count() == 1
    assert len(mailoutbox) == 1
    assert "Expect the first answer by" in mailoutbox[0].body or (
        "Первый ответ ждите до" in mailoutbox[0].body
    )


def test_a_missing_ticket_is_not_routed():
    assert services.ticket_route(ticket_id=987654) == 0


def test_reply_by_phone_puts_the_ticket_on_the_call_back_list(route):
    ticket = route(TicketFactory(reply_channel="phone", contact_phone="+79123450000"))

    callback = Callback.objects.get(ticket=ticket)
    assert callback.queue == ticket.queue
    assert str(callback.phone) == "+79123450000"
    assert callback.status == Callback.Status.PENDING
    sms = SmsMessage.objects.get()
    assert ticket.number in sms.text
    assert f"{timezone.localtime(ticket.first_response_due):%d.%m.%Y}" in sms.text


def test_the_form_hands_the_ticket_to_routing_after_the_commit(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/feedback/", guest_form_data())

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.queue.code == "first_line"
    assert ticket.first_response_due is not None
    assert [n.event for n in Notification.objects.all()] == ["received"]
    assert len(mailoutbox) == 1


def test_nothing_is_routed_before_the_commit(client, mailoutbox):
    client.post("/feedback/", guest_form_data())

    ticket = Ticket.objects.get()
    assert ticket.routed_at is None
    assert ticket.routing_requested_at is not None
    assert [event.kind for event in ticket.history_start()] == [
        "created",
        "routing_pending",
    ]
    assert not ticket.events.exists()


# The sweeper ---------------------------------------------------------------------


def test_sweeper_publishes_again_only_tickets_waiting_too_long(
    django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_ROUTING_RETRY_AFTER = 60
    settings.PORTAL_ROUTING_BATCH = 1  # one ticket per task: see the next test
    start = timezone.now()
    with freeze_time(start):
        waiting = TicketFactory()  # its publish was lost: nothing ran it
    with freeze_time(start + datetime.timedelta(seconds=30)):
        fresh = TicketFactory()

    with freeze_time(start + datetime.timedelta(seconds=61)):
        assert services.ticket_routing_sweep() == 1
        # Published again just now: not again on the next sweep.
        assert services.ticket_routing_sweep() == 0

    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert waiting.routed_at is not None  # tasks run in-process here
    assert fresh.routed_at is None


def test_broker_down_at_submit_saves_the_ticket_and_says_nothing_to_the_user(
    client, django_capture_on_commit_callbacks, broker, caplog
):
    broker("redis://127.0.0.1:1/0")  # nothing listens there

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/feedback/", guest_form_data())

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.routed_at is None
    assert "the sweeper will publish it again" in caplog.text


def test_a_backlog_is_drained_in_batches_each_ticket_told_once(
    django_capture_on_commit_callbacks, mailoutbox, django_assert_max_num_queries
):
    backlog = [TicketFactory(contact_email=f"guest{n}@example.ru") for n in range(12)]

    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_max_num_queries(12):  # not a dozen per ticket
            assert services.ticket_route(ticket_id=backlog[5].pk, batch=50) == 12
        # Their own tasks come later and find nothing to do.
        assert services.ticket_route(ticket_id=backlog[0].pk) == 0

    assert Ticket.objects.filter(routed_at__isnull=True).count() == 0
    assert TicketEvent.objects.filter(kind="routed").count() == 12
    assert Notification.objects.filter(status="sent").count() == 12
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        f"guest{n}@example.ru" for n in range(12)
    )

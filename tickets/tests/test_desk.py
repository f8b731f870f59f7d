"""The support desk in the admin: who sees which tickets, and taking a ticket."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from portal.models import SmsMessage
from tickets import roles, services
from tickets.models import (
    Notification,
    QueueMembership,
    SpecialistQueue,
    Ticket,
    TicketEvent,
)
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

DESK = "/admin/tickets/ticket/"


def employee(role, *queues, supervisor_of=()):
    user = UserFactory(subscriber=None, is_staff=True, email="")
    user.groups.add(Group.objects.get(name=role))
    for code in queues:
        QueueMembership.objects.create(queue=queue(code), user=user)
    for code in supervisor_of:
        QueueMembership.objects.create(queue=queue(code), user=user, role="supervisor")
    return user


def queue(code):
    return SpecialistQueue.objects.get(code=code)


def routed_ticket(code, **kwargs):
    ticket = TicketFactory(with_attachment=True, **kwargs)
    services.ticket_route(ticket_id=ticket.pk, batch=1)
    ticket.refresh_from_db()
    assert ticket.queue.code == code
    return ticket


@pytest.fixture
def tickets():
    from accounts.tests.factories import service_type

    phone = {"reply_channel": "phone", "contact_phone": "+79123450000"}
    return {
        "internet": routed_ticket("first_line", **phone),
        "tv": routed_ticket("tv_video", service_type=service_type("tv"), **phone),
    }


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_roles_exist_with_their_permissions():
    agents = Group.objects.get(name=roles.AGENTS)
    managers = Group.objects.get(name=roles.MANAGERS)
    assert agents.permissions.filter(codename="change_ticket").exists()
    assert not agents.permissions.filter(codename="view_all_tickets").exists()
    assert managers.permissions.filter(codename="view_all_tickets").exists()
    assert not managers.permissions.filter(codename="change_ticket").exists()
    assert Group.objects.filter(name=roles.SUPERVISORS).exists()
    administrators = Group.objects.get(name=roles.ADMINISTRATORS)
    assert administrators.permissions.filter(codename="change_routingrule").exists()


def test_an_agent_reaches_no_ticket_of_another_queue(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    own, foreign = tickets["internet"], tickets["tv"]
    attachment = foreign.attachments.get()

    listing = client.get(DESK).content.decode()
    assert own.number in listing
    assert foreign.number not in listing
    searched = client.get(DESK, {"q": foreign.number}).context["cl"]
    assert searched.result_count == 0
    filtered = client.get(DESK, {"queue__id__exact": foreign.queue_id})
    assert list(filtered.context["cl"].result_list) == []
    for page in ("change", "history", "delete"):
        response = client.get(f"{DESK}{foreign.pk}/{page}/")
        assert response.status_code in (403, 404), page
    assert client.post(f"{DESK}{foreign.pk}/change/", {}).status_code == 404
    download = f"/tickets/{foreign.number}/files/{attachment.pk}/"
    assert client.get(download).status_code == 404
    # Nor its notifications or call-backs.
    for page in ("notification", "callback"):
        rows = client.get(f"/admin/tickets/{page}/").context["cl"].result_list
        assert {row.ticket_id for row in rows} == {own.pk}, page
    # A bulk action naming the foreign ticket does nothing to it.
    client.post(DESK, {"action": "take", "_selected_action": [foreign.pk]})
    foreign.refresh_from_db()
    assert foreign.assignee is None
    assert Notification.objects.filter(ticket=foreign).exists()  # there was one


def test_an_agent_opens_the_tickets_and_files_of_their_queue(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    own = tickets["internet"]

    assert client.get(f"{DESK}{own.pk}/change/").status_code == 200
    attachment = own.attachments.get()
    download = client.get(f"/tickets/{own.number}/files/{attachment.pk}/")
    assert download.status_code == 200


def test_the_queue_filter_offers_only_own_queues(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line", "billing"))

    for path in (DESK, "/admin/tickets/callback/"):
        html = client.get(path).content.decode()
        assert f"queue__id__exact={queue('first_line').pk}" in html, path
        assert f"queue__id__exact={queue('tv_video').pk}" not in html, path


def test_a_supervisor_also_sees_what_left_their_queue_by_escalation(tickets):
    supervisor = employee(roles.SUPERVISORS, supervisor_of=["first_line"])
    client = signed_in(supervisor)
    escalated = tickets["internet"]
    services.ticket_escalate(ticket=escalated, actor=supervisor)
    escalated.refresh_from_db()
    assert escalated.queue.code == "internet_l2"

    listing = client.get(DESK).content.decode()

    assert escalated.number in listing
    assert tickets["tv"].number not in listing


def test_a_manager_reads_every_ticket_and_changes_none(tickets):
    client = signed_in(employee(roles.MANAGERS))

    listing = client.get(DESK).content.decode()
    page = client.get(f"{DESK}{tickets['tv'].pk}/change/")

    assert tickets["internet"].number in listing
    assert tickets["tv"].number in listing
    assert page.status_code == 200
    assert not page.context["has_change_permission"]


def test_staff_outside_any_role_sees_nothing(tickets):
    client = signed_in(UserFactory(subscriber=None, is_staff=True))

    assert client.get(DESK).status_code == 403


# Taking a ticket ------------------------------------------------------------------


def test_taking_assigns_records_and_tells_the_subscriber_once(
    tickets, django_capture_on_commit_callbacks, mailoutbox
):
    agent = employee(roles.AGENTS, "first_line")
    client = signed_in(agent)
    ticket = tickets["internet"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DESK, {"action": "take", "_selected_action": [ticket.pk]}
        )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.status == Ticket.Status.IN_PROGRESS
    assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED, actor=agent).exists()
    assert Notification.objects.filter(ticket=ticket, event="status").count() == 1
    assert ticket.number in client.get(DESK, {"assignee": "mine"}).content.decode()


def test_a_ticket_someone_has_is_not_taken_from_them(tickets):
    first = employee(roles.AGENTS, "first_line")
    second = employee(roles.AGENTS, "first_line")
    ticket = Ticket.objects.filter(pk=tickets["internet"].pk)

    assert services.ticket_take(tickets=ticket, agent=first) == 1
    assert services.ticket_take(tickets=ticket, agent=second) == 0

    assert ticket.get().assignee == first


# Deadlines in the list ------------------------------------------------------------


def test_the_list_is_ordered_by_the_next_deadline_and_shows_its_state(tickets):
    import datetime

    from django.utils import timezone

    client = signed_in(employee(roles.MANAGERS))
    now = timezone.now()
    late, soon, later = tickets["internet"], tickets["tv"], routed_ticket("first_line")
    for ticket, due in (
        (late, now - datetime.timedelta(hours=1)),
        (soon, now + datetime.timedelta(hours=1)),
        (later, now + datetime.timedelta(days=3)),
    ):
        Ticket.objects.filter(pk=ticket.pk).update(due_at=due)
    resolved = routed_ticket("first_line")
    services.ticket_status_change(ticket=resolved, status="resolved", actor=None)

    response = client.get(DESK)

    numbers = [row.number for row in response.context["cl"].result_list]
    assert numbers == [late.number, soon.number, later.number, resolved.number]
    rows = response.content.decode().split("<tr")
    for ticket, label in ((late, "просрочен"), (soon, "скоро срок"), (later, "в срок")):
        row = next(row for row in rows if ticket.number in row)
        assert f">{label}</span>" in row, ticket.number
    breached = client.get(DESK, {"sla": "breached"}).context["cl"].result_list
    assert [row.number for row in breached] == [late.number]
    due_soon = client.get(DESK, {"sla": "soon"}).context["cl"].result_list
    assert [row.number for row in due_soon] == [soon.number]


def test_the_next_deadline_follows_the_ticket(
    tickets, django_capture_on_commit_callbacks
):
    agent = employee(roles.AGENTS, "first_line")
    ticket = tickets["internet"]
    assert ticket.due_at == ticket.first_response_due

    services.ticket_reply_create(ticket=ticket, agent=agent, body="Проверяем линию")
    ticket.refresh_from_db()
    assert ticket.due_at == ticket.resolution_due

    services.ticket_status_change(ticket=ticket, status="resolved", actor=agent)
    ticket.refresh_from_db()
    assert ticket.due_at is None

    services.ticket_message_add(ticket=ticket, author=None, body="Снова не работает")
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    assert ticket.due_at == ticket.resolution_due


# Actions ---------------------------------------------------------------------------


def act(client, action, tickets, **extra):
    return client.post(
        DESK,
        {"action": action, "_selected_action": [t.pk for t in tickets], **extra},
        follow=True,
    )


def test_status_actions_follow_the_allowed_moves(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]

    act(client, "mark_resolved", [ticket])
    ticket.refresh_from_db()
    assert ticket.status == "resolved"

    response = act(client, "mark_waiting_customer", [ticket])
    ticket.refresh_from_db()
    assert ticket.status == "resolved"  # not a move support may make
    assert ticket.number in response.content.decode()  # said why, per ticket

    act(client, "mark_closed", [ticket])
    ticket.refresh_from_db()
    assert ticket.status == "closed"


def test_the_change_form_offers_only_the_allowed_statuses(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]
    services.ticket_status_change(ticket=ticket, status="resolved", actor=None)

    form = client.get(f"{DESK}{ticket.pk}/change/").context["adminform"].form

    assert [value for value, _label in form.fields["status"].choices] == [
        "in_progress",
        "resolved",
        "closed",
    ]


def test_escalation_from_the_list_moves_to_the_profile_queue(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]

    act(client, "escalate", [ticket])

    ticket.refresh_from_db()
    assert ticket.queue.code == "internet_l2"
    assert ticket.status == "escalated"


def test_a_manager_has_no_actions_that_change_tickets(tickets):
    client = signed_in(employee(roles.MANAGERS))

    response = client.get(DESK)

    assert response.context["action_form"] is None  # no action is theirs
    act(client, "mark_closed", [tickets["tv"]])
    tickets["tv"].refresh_from_db()
    assert tickets["tv"].status != "closed"


def test_assigning_offers_the_queue_agents_and_gives_the_tickets(tickets):
    supervisor = employee(roles.SUPERVISORS, supervisor_of=["first_line"])
    colleague = employee(roles.AGENTS, "first_line")
    outsider = employee(roles.AGENTS, "tv_video")
    client = signed_in(supervisor)
    ticket = tickets["internet"]

    page = act(client, "assign", [ticket])
    offered = list(page.context["agents"])
    assert colleague in offered
    assert outsider not in offered

    act(client, "assign", [ticket], agent=outsider.pk, apply="1")
    ticket.refresh_from_db()
    assert ticket.assignee is None  # not an agent of this queue

    act(client, "assign", [ticket], agent=colleague.pk, apply="1")
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    event = ticket.events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert event.actor == supervisor


# Two agents, one ticket -----------------------------------------------------------


def change_data(page, **overrides):
    """What the browser sends back from the change page, with ``overrides``."""
    form = page.context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
    }
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline in formset.formset.initial_forms:  # (a superuser edits them)
            for name in inline.fields:
                value = inline[name].value()
                if value not in (None, False):
                    data[inline.add_prefix(name)] = "on" if value is True else value
    data.update(overrides)
    return data


def test_saving_a_ticket_changed_meanwhile_warns_instead_of_overwriting(tickets):
    first = signed_in(employee(roles.AGENTS, "first_line"))
    second_agent = employee(roles.AGENTS, "first_line")
    ticket = tickets["internet"]
    change = f"{DESK}{ticket.pk}/change/"
    opened = first.get(change)

    # Meanwhile the other agent takes the ticket and raises its priority.
    services.ticket_take(
        tickets=Ticket.objects.filter(pk=ticket.pk), agent=second_agent
    )
    Ticket.objects.filter(pk=ticket.pk).update(priority=Ticket.Priority.URGENT)
    ticket.refresh_from_db()
    services.ticket_reply_create(ticket=ticket, agent=second_agent, body="Смотрю")

    response = first.post(change, change_data(opened, priority=Ticket.Priority.LOW))

    assert response.status_code == 200
    assert "changed_meanwhile" in [
        error.code
        for error in response.context["adminform"].form.non_field_errors().as_data()
    ]
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.URGENT  # nothing overwritten
    # Saving again, knowingly, keeps this agent's change.
    # (The status moved meanwhile: the form shows it; the agent keeps the new one.)
    again = first.post(
        change,
        change_data(response, priority=Ticket.Priority.LOW, status="in_progress"),
    )
    assert again.status_code == 302, again.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.LOW


def test_an_unchanged_ticket_saves_at_once(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]
    change = f"{DESK}{ticket.pk}/change/"

    response = client.post(
        change, change_data(client.get(change), priority=Ticket.Priority.HIGH)
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.HIGH


# The ticket page: card, conversation, reply -------------------------------------


def test_the_ticket_page_shows_the_subscriber_card_and_the_whole_conversation(
    django_capture_on_commit_callbacks,
):
    from accounts.tests.factories import (
        PersonalAccountFactory,
        ServiceFactory,
        UserFactory,
    )

    user = UserFactory()
    account = PersonalAccountFactory(subscriber=user.subscriber, city="Казань")
    ServiceFactory(account=account, number="kazan-login")
    earlier = TicketFactory(author=user, account_number=account.number)
    ticket = TicketFactory(author=user, account_number=account.number)
    services.ticket_route(ticket_id=ticket.pk)
    agent = employee(roles.AGENTS, "first_line")
    services.ticket_reply_create(ticket=ticket, agent=agent, body="Публичный ответ")
    services.ticket_reply_create(
        ticket=ticket, agent=agent, body="Заметка для своих", internal=True
    )

    html = signed_in(agent).get(f"{DESK}{ticket.pk}/change/").content.decode()

    assert user.subscriber.name in html
    assert account.number in html
    assert "kazan-login" in html
    assert earlier.number in html
    history = html.split('id="desk-history"')[1].split("</ol>")[0]
    assert ticket.body in history
    assert history.index("Публичный ответ") < history.index("Заметка для своих")
    assert 'class="desk-note"' in history
    # Received (from its author) and handed to routing: read from the ticket,
    # first; then the stored events.
    with translation.override("ru"):
        labels = [str(kind.label) for kind in TicketEvent.Kind]
    kinds = dict(zip(TicketEvent.Kind, labels, strict=True))
    received = history.index(kinds[TicketEvent.Kind.CREATED])
    waiting = history.index(kinds[TicketEvent.Kind.ROUTING_PENDING])
    routed = history.index(kinds[TicketEvent.Kind.ROUTED])
    assert received < waiting < routed
    assert f"({user})" in history[received:waiting]


def test_a_reply_from_the_desk_reaches_the_subscriber_once(
    tickets, django_capture_on_commit_callbacks, mailoutbox
):
    agent = employee(roles.AGENTS, "first_line")
    client = signed_in(agent)
    ticket = tickets["internet"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{DESK}{ticket.pk}/reply/", {"body": "Мастер придёт завтра"}
        )

    assert response.status_code == 302
    assert ticket.messages.get().kind == "reply"
    assert SmsMessage.objects.filter(text__contains=ticket.number).count() == 1
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


def test_an_internal_note_from_the_desk_tells_nobody(
    tickets, django_capture_on_commit_callbacks, mailoutbox
):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]
    before = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{DESK}{ticket.pk}/reply/", {"body": "Порт 12 мигает", "internal": "on"}
        )

    assert ticket.messages.get().kind == "note"
    assert Notification.objects.count() == before
    assert mailoutbox == []


def test_nobody_replies_to_a_ticket_they_cannot_change(tickets):
    other_queue = signed_in(employee(roles.AGENTS, "tv_video"))
    manager = signed_in(employee(roles.MANAGERS))
    ticket = tickets["internet"]
    reply = f"{DESK}{ticket.pk}/reply/"

    assert other_queue.post(reply, {"body": "Чужое"}).status_code == 404
    assert manager.post(reply, {"body": "Руководитель"}).status_code == 403
    assert not ticket.messages.exists()


def test_canned_replies_are_offered_with_the_placeholders_filled(tickets):
    from tickets.models import CannedReply

    CannedReply.objects.create(
        title="Выезд", body="Здравствуйте, {name}! По обращению {number} — {agent}."
    )
    agent = employee(roles.AGENTS, "first_line")
    ticket = tickets["internet"]

    html = signed_in(agent).get(f"{DESK}{ticket.pk}/change/").content.decode()

    expected = f"Здравствуйте, {ticket.contact_name}! По обращению {ticket.number}"
    assert expected in html
    assert "{name}" not in html.split('id="desk-canned"')[1]


def test_the_list_costs_the_same_queries_for_3_or_30_tickets(
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(employee(roles.AGENTS, "first_line"))
    for _n in range(3):
        routed_ticket("first_line")
    client.get(DESK)  # builds the kept reference snapshot (topics, queues...)
    with CaptureQueriesContext(connection) as few:
        assert client.get(DESK).status_code == 200
    for _n in range(27):
        routed_ticket("first_line")

    with django_assert_num_queries(len(few)):
        response = client.get(DESK)

    assert len(response.context["cl"].result_list) == 30


def test_a_large_list_is_not_counted_row_by_row(require_postgres, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.pagination import EstimatedCountPaginator

    client = signed_in(employee(roles.MANAGERS))
    for _n in range(3):
        routed_ticket("first_line")
    # What a million rows does: the planner's estimate is above the threshold.
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(DESK)

    assert response.status_code == 200
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert any(q["sql"].startswith("EXPLAIN") for q in queries)
    assert response.context["cl"].result_count >= 1


# Sample data at scale -------------------------------------------------------------


def test_sample_data_spreads_tickets_the_way_a_desk_has_them():
    import io

    from django.core.management import CommandError, call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("desk_sample_data", tickets=10)
        return
    call_command("desk_sample_data", tickets=2000, stdout=io.StringIO())

    tickets = Ticket.objects.filter(number__startswith="S")
    assert tickets.count() == 2000
    assert tickets.values("queue").distinct().count() >= 5
    assert tickets.values("status").distinct().count() >= 5
    assert not tickets.filter(status__in=["resolved", "closed"], due_at__isnull=False)
    assert not tickets.exclude(status__in=["resolved", "closed"]).filter(due_at=None)
    # One "routed" event each; "received" is read from the ticket.
    routed = TicketEvent.objects.filter(ticket__in=tickets)
    assert routed.filter(kind=TicketEvent.Kind.ROUTED).count() == routed.count() == 2000
    assert tickets.filter(subscriber__isnull=False).count() == 1400


@pytest.mark.parametrize(
    "typed",
    ["number", "account", "email", "phone", "name", "text"],
)
def test_search_finds_a_ticket_by_what_the_agent_has(typed):
    from accounts.tests.factories import PersonalAccountFactory

    account = PersonalAccountFactory(number="123456789012")
    ticket = routed_ticket(
        "first_line",
        account_number=account.number,
        contact_name="Кузнецова Ольга",
        contact_email="olga.k@example.ru",
        contact_phone="+79161234567",
        body="Мигает лампочка PON на роутере",
    )
    routed_ticket("first_line")  # another ticket that must not be found
    term = {
        "number": ticket.number,
        "account": "1234 5678 9012",
        "email": "OLGA.K@example.ru",
        "phone": "8 (916) 123-45-67",
        "name": "кузнецова",
        "text": "лампочка PON",
    }[typed]
    client = signed_in(employee(roles.AGENTS, "first_line"))

    found = client.get(DESK, {"q": term}).context["cl"].result_list

    assert [row.pk for row in found] == [ticket.pk]


# The call-back list ----------------------------------------------------------------


def test_three_unanswered_calls_close_the_call_back_and_tell_the_subscriber(
    tickets, django_capture_on_commit_callbacks
):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]  # answered by phone: it is on the list
    callback = ticket.callbacks.get()
    SmsMessage.objects.all().delete()

    for attempt in (1, 2, 3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/admin/tickets/callback/",
                {"action": "not_reached", "_selected_action": [callback.pk]},
            )
        assert response.status_code == 302
        callback.refresh_from_db()
        assert callback.attempts == attempt

    assert callback.status == "not_reached"
    ticket.refresh_from_db()
    assert ticket.status == "waiting_customer"
    assert ticket.events.filter(kind=TicketEvent.Kind.CALLBACK).count() == 3
    [sms] = SmsMessage.objects.all()
    assert ticket.number in sms.text
    # A fourth press does nothing: the call-back is done.
    client.post(
        "/admin/tickets/callback/",
        {"action": "not_reached", "_selected_action": [callback.pk]},
    )
    callback.refresh_from_db()
    assert callback.attempts == 3


def test_a_reached_call_is_the_first_response(tickets):
    agent = employee(roles.AGENTS, "first_line")
    ticket = tickets["internet"]
    callback = ticket.callbacks.get()

    assert services.callback_record(
        callback_id=callback.pk, agent=agent, reached=True, note="Договорились"
    )

    callback.refresh_from_db()
    ticket.refresh_from_db()
    assert callback.status == "reached"
    assert callback.note == "Договорились"
    assert ticket.first_response_at is not None
    assert ticket.due_at == ticket.resolution_due


def test_another_queue_call_backs_stay_out_of_reach(tickets):
    client = signed_in(employee(roles.AGENTS, "tv_video"))
    foreign = tickets["internet"].callbacks.get()

    client.post(
        "/admin/tickets/callback/",
        {"action": "reached", "_selected_action": [foreign.pk]},
    )

    foreign.refresh_from_db()
    assert foreign.status == "pending"
    assert (
        client.get(f"/admin/tickets/callback/{foreign.pk}/change/").status_code == 404
    )
    notification = Notification.objects.filter(ticket=tickets["internet"]).first()
    page = f"/admin/tickets/notification/{notification.pk}/change/"
    assert client.get(page).status_code == 404


# The ticket page's visit and call-back forms ---------------------------------------


def visit_form(day, starts="10:00", ends="12:00", **extra):
    return {
        "visit-day": day.isoformat(),
        "visit-starts": starts,
        "visit-ends": ends,
        **extra,
    }


@pytest.fixture
def kazan_ticket():
    from accounts.tests.factories import PersonalAccountFactory

    user = UserFactory()
    account = PersonalAccountFactory(subscriber=user.subscriber, city="Казань")
    return routed_ticket(
        "first_line",
        author=user,
        account_number=account.number,
        reply_channel="phone",
        contact_phone="+79123450000",
        callback_time="evening",
    )


def test_a_visit_scheduled_from_the_ticket_page_goes_to_the_city_technicians(
    kazan_ticket, django_capture_on_commit_callbacks
):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    SmsMessage.objects.all().delete()

    page = client.get(f"{DESK}{kazan_ticket.pk}/change/").content.decode()
    assert 'id="desk-visit"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{DESK}{kazan_ticket.pk}/visit/",
            visit_form(tomorrow, **{"visit-note": "Домофон 12"}),
        )

    assert response.status_code == 302
    kazan_ticket.refresh_from_db()
    assert kazan_ticket.queue.code == "field_kzn"
    assert kazan_ticket.status == Ticket.Status.VISIT_SCHEDULED
    starts = timezone.localtime(kazan_ticket.visit_starts_at)
    assert (starts.date(), starts.hour) == (tomorrow, 10)
    assert kazan_ticket.visit_address == kazan_ticket.connection_address
    assert kazan_ticket.planned_fix_date == tomorrow
    event = kazan_ticket.events.get(kind=TicketEvent.Kind.ESCALATED)
    assert "Домофон 12" in event.note
    [sms] = SmsMessage.objects.all()
    assert tomorrow.strftime("%d.%m.%Y") in sms.text
    assert "10:00" in sms.text


def test_a_technician_moves_the_visit_and_the_subscriber_hears_of_it(
    kazan_ticket, django_capture_on_commit_callbacks
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = tomorrow + datetime.timedelta(days=2)
    dispatcher = signed_in(employee(roles.AGENTS, "first_line"))
    dispatcher.post(f"{DESK}{kazan_ticket.pk}/visit/", visit_form(tomorrow))
    technician = signed_in(employee(roles.AGENTS, "field_kzn"))
    SmsMessage.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        response = technician.post(
            f"{DESK}{kazan_ticket.pk}/visit/",
            visit_form(later, "14:00", "16:00", **{"visit-address": "ул. Баумана, 5"}),
        )

    assert response.status_code == 302
    kazan_ticket.refresh_from_db()
    assert kazan_ticket.queue.code == "field_kzn"
    assert timezone.localtime(kazan_ticket.visit_starts_at).date() == later
    assert kazan_ticket.visit_address == "ул. Баумана, 5"
    moved = kazan_ticket.events.get(kind=TicketEvent.Kind.VISIT_SCHEDULED)
    assert tomorrow.strftime("%d.%m.%Y") in moved.note
    assert later.strftime("%d.%m.%Y") in moved.note
    [sms] = SmsMessage.objects.all()
    assert "14:00" in sms.text


@pytest.mark.parametrize(
    ("days", "starts", "ends", "message"),
    [
        (-1, "10:00", "12:00", "в прошлом"),
        (1, "12:00", "10:00", "закончиться позже"),
        (90, "10:00", "12:00", "не дальше чем"),
    ],
)
def test_a_wrong_visit_slot_comes_back_with_the_message_and_what_was_typed(
    kazan_ticket, days, starts, ends, message
):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    day = timezone.localdate() + datetime.timedelta(days=days)

    response = client.post(
        f"{DESK}{kazan_ticket.pk}/visit/",
        visit_form(day, starts, ends, **{"visit-note": "Собака во дворе"}),
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Собака во дворе" in html
    kazan_ticket.refresh_from_db()
    assert kazan_ticket.queue.code == "first_line"


def test_a_visit_nobody_can_make_is_explained(kazan_ticket):
    SpecialistQueue.objects.filter(level="field").update(is_active=False)
    client = signed_in(employee(roles.AGENTS, "first_line"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        f"{DESK}{kazan_ticket.pk}/visit/",
        visit_form(tomorrow),
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 200
    assert "Нет работающей очереди" in response.content.decode()


def test_visits_and_calls_are_out_of_reach_of_other_queues_and_managers(kazan_ticket):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    other = signed_in(employee(roles.AGENTS, "tv_video"))
    manager = signed_in(employee(roles.MANAGERS))

    for path, data in (
        ("visit", visit_form(tomorrow)),
        ("callback", {"callback-reached": "True"}),
    ):
        url = f"{DESK}{kazan_ticket.pk}/{path}/"
        assert other.post(url, data).status_code == 404
        assert manager.post(url, data).status_code == 403
    kazan_ticket.refresh_from_db()
    assert kazan_ticket.queue.code == "first_line"
    assert kazan_ticket.callbacks.get().attempts == 0


def test_the_call_back_is_recorded_from_the_ticket_page(
    kazan_ticket, django_capture_on_commit_callbacks
):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    callback = kazan_ticket.callbacks.get()
    assert callback.preferred_time == "evening"

    page = client.get(f"{DESK}{kazan_ticket.pk}/change/").content.decode()
    assert "+7 912 345-00-00" in page or "8 (912) 345-00-00" in page
    assert "17:00–21:00" in page.split('id="desk-callback"')[1]
    assert 'name="callback_time"' not in page  # the subscriber's choice, read only

    missing = client.post(
        f"{DESK}{kazan_ticket.pk}/callback/",
        {"callback-note": "Занято"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert missing.status_code == 200
    assert "Занято" in missing.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{DESK}{kazan_ticket.pk}/callback/",
            {"callback-reached": "True", "callback-note": "Договорились на завтра"},
        )

    assert response.status_code == 302
    callback.refresh_from_db()
    assert (callback.status, callback.attempts) == ("reached", 1)
    assert callback.note == "Договорились на завтра"
    page = client.get(f"{DESK}{kazan_ticket.pk}/change/").content.decode()
    assert 'id="desk-callback"' not in page
    again = client.post(
        f"{DESK}{kazan_ticket.pk}/callback/",
        {"callback-reached": "False"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert "больше не нужно" in again.content.decode()


def test_a_failed_reply_keeps_the_text(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]

    response = client.post(
        f"{DESK}{ticket.pk}/reply/", {"body": "x" * 10001}, HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response.status_code == 200
    assert "x" * 10001 in response.content.decode()
    assert not ticket.messages.exists()


def test_a_visit_slot_is_in_the_subscriber_city_time(
    reference_data, django_capture_on_commit_callbacks
):
    import zoneinfo

    from accounts.tests.factories import PersonalAccountFactory

    user = UserFactory()
    account = PersonalAccountFactory(subscriber=user.subscriber, city="Владивосток")
    ticket = routed_ticket(
        "first_line",
        author=user,
        account_number=account.number,
        reply_channel="phone",
        contact_phone="+79123450000",
    )
    client = signed_in(employee(roles.AGENTS, "first_line"))
    zone = zoneinfo.ZoneInfo("Asia/Vladivostok")
    tomorrow = timezone.localdate(timezone=zone) + datetime.timedelta(days=1)
    page = client.get(f"{DESK}{ticket.pk}/change/").content.decode()
    assert "Asia/Vladivostok" in page.split('id="desk-visit"')[1]
    SmsMessage.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{DESK}{ticket.pk}/visit/", visit_form(tomorrow))

    ticket.refresh_from_db()
    starts = ticket.visit_starts_at.astimezone(zone)
    assert (starts.date(), starts.hour) == (tomorrow, 10)
    assert timezone.localtime(ticket.visit_starts_at).hour == 3  # in Moscow
    [sms] = SmsMessage.objects.all()
    assert "с 10:00 до 12:00" in sms.text


@pytest.mark.parametrize(
    "path",
    [
        "abc/change/",
        "409/change/widgets.css/change/",
        "abc/visit/",
        "abc/reply/",
        "abc/callback/",
    ],
)
def test_a_malformed_ticket_address_is_404_not_500(tickets, path):
    client = signed_in(employee(roles.AGENTS, "first_line"))

    assert client.get(f"{DESK}{path}").status_code == 404
    assert client.post(f"{DESK}{path}").status_code == 404


# Moving a ticket, and what the desk refuses ---------------------------------------


def test_a_ticket_cannot_be_left_without_a_queue(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]
    change = f"{DESK}{ticket.pk}/change/"

    response = client.post(change, change_data(client.get(change), queue=""))

    assert response.status_code == 200
    assert "queue" in response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.queue.code == "first_line"


def test_moving_a_ticket_is_recorded_and_leads_back_to_the_list(tickets):
    agent = employee(roles.AGENTS, "first_line")
    client = signed_in(agent)
    ticket = tickets["internet"]
    services.ticket_take(tickets=Ticket.objects.filter(pk=ticket.pk), agent=agent)
    change = f"{DESK}{ticket.pk}/change/"
    billing = queue("billing")

    response = client.post(
        change,
        {**change_data(client.get(change), queue=billing.pk), "_continue": "1"},
    )

    # The ticket left the agent's queues: the list, not a 404.
    assert response.status_code == 302
    assert response.url == DESK
    ticket.refresh_from_db()
    assert ticket.queue == billing
    assert ticket.assignee is None  # not a member of the billing queue
    event = ticket.events.get(kind=TicketEvent.Kind.MOVED)
    assert (event.actor, event.from_queue.code) == (agent, "first_line")
    assert ticket.callbacks.get(status="pending").queue == billing


def test_the_main_form_still_saves_after_a_desk_form_error(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = client.post(f"{DESK}{ticket.pk}/visit/", visit_form(yesterday))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{DESK}{ticket.pk}/change/"' in html
    saved = client.post(
        f"{DESK}{ticket.pk}/change/",
        change_data(response, priority=Ticket.Priority.HIGH),
    )
    assert saved.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.HIGH


@pytest.mark.parametrize("day", ["0001-01-01", "2999-01-01"])
def test_a_planned_fix_date_far_from_today_is_refused(tickets, day):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]
    change = f"{DESK}{ticket.pk}/change/"

    response = client.post(
        change, change_data(client.get(change), planned_fix_date=day)
    )

    assert response.status_code == 200
    assert "planned_fix_date" in response.context["adminform"].form.errors


def test_an_agent_sends_a_failed_notification_again(tickets):
    failed = Notification.objects.filter(ticket=tickets["internet"]).first()
    Notification.objects.filter(pk=failed.pk).update(status="failed")
    client = signed_in(employee(roles.AGENTS, "first_line"))

    client.post(
        "/admin/tickets/notification/",
        {"action": "resend", "_selected_action": [failed.pk]},
    )

    failed.refresh_from_db()
    assert failed.status != "failed"


def test_a_ticket_waiting_for_routing_gets_its_queue_from_routing(tickets):
    client = signed_in(UserFactory(subscriber=None, is_staff=True, is_superuser=True))
    waiting = TicketFactory()
    change = f"{DESK}{waiting.pk}/change/"
    page = client.get(change)

    assert page.context["adminform"].form.fields["queue"].disabled
    saved = client.post(
        change,
        change_data(page, priority=Ticket.Priority.HIGH, queue=queue("billing").pk),
    )

    assert saved.status_code == 302, saved.context["errors"]
    waiting.refresh_from_db()
    assert (waiting.queue, waiting.priority) == (None, Ticket.Priority.HIGH)
    assert not waiting.events.filter(kind=TicketEvent.Kind.MOVED).exists()


def test_a_manager_cannot_send_notifications_again(tickets):
    failed = Notification.objects.filter(ticket=tickets["internet"]).first()
    Notification.objects.filter(pk=failed.pk).update(status="failed")
    client = signed_in(employee(roles.MANAGERS))

    client.post(
        "/admin/tickets/notification/",
        {"action": "resend", "_selected_action": [failed.pk]},
    )

    failed.refresh_from_db()
    assert failed.status == "failed"


def test_a_call_back_outcome_is_not_typed_into_its_form(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    callback = tickets["internet"].callbacks.get()
    change = f"/admin/tickets/callback/{callback.pk}/change/"

    client.post(change, {"status": "not_reached", "attempts": "0", "note": "x"})

    callback.refresh_from_db()
    assert (callback.status, callback.attempts, callback.note) == ("pending", 0, "")


@pytest.mark.parametrize("agent", ["²", "9" * 5000, "-1", ""])
def test_assigning_to_an_odd_agent_id_assigns_nobody(tickets, agent):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]

    response = client.post(
        DESK,
        {"action": "assign", "_selected_action": [ticket.pk], "apply": "1",
         "agent": agent},
    )  # fmt: skip

    assert response.status_code in (200, 302)
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_a_status_action_counts_only_the_tickets_it_changed(tickets):
    client = signed_in(employee(roles.AGENTS, "first_line"))
    ticket = tickets["internet"]
    other = routed_ticket("first_line")
    services.ticket_status_change(
        ticket=ticket, status=Ticket.Status.IN_PROGRESS, actor=None
    )

    response = client.post(
        DESK,
        {"action": "mark_in_progress", "_selected_action": [ticket.pk, other.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "1 обращение теперь в статусе «в работе»."
    ]


@pytest.mark.parametrize(
    "query",
    [
        "created_at__year=9999",
        "created_at__year=1&created_at__month=1&created_at__day=1",
        "created_at__year=²",
        "created_at__year=2026&created_at__month=" + "9" * 30,
        "created_at__year=2026&created_at__month=2&created_at__day=" + "9" * 30,
    ],
)
def test_a_date_drill_down_out_of_range_is_an_invalid_filter(query):
    client = signed_in(UserFactory(subscriber=None, is_staff=True, is_superuser=True))

    for path in ("/admin/tickets/notification/", "/admin/faq/deflectionevent/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 302
        assert response.url.endswith("?e=1")
    for path in ("/admin/tickets/workcalendarday/", "/admin/offices/specialday/"):
        response = client.get(f"{path}?{query.replace('created_at', 'date')}")
        assert response.status_code == 302
        assert response.url.endswith("?e=1")


def test_an_account_number_not_of_the_subscriber_is_flagged_on_the_desk():
    from accounts.tests.factories import PersonalAccountFactory

    subscriber = UserFactory()
    own = PersonalAccountFactory(subscriber=subscriber.subscriber)
    foreign = PersonalAccountFactory(subscriber=UserFactory().subscriber)
    mine = routed_ticket("first_line", author=subscriber, account_number=own.number)
    Ticket.objects.filter(pk=mine.pk).update(account=own)
    theirs = routed_ticket(
        "first_line", author=subscriber, account_number=foreign.number
    )
    client = signed_in(employee(roles.AGENTS, "first_line"))

    flagged = client.get(f"{DESK}{theirs.pk}/change/").content.decode()
    plain = client.get(f"{DESK}{mine.pk}/change/").content.decode()

    assert foreign.number in flagged
    assert "не из лицевых счетов этого абонента" in flagged
    assert "не из лицевых счетов этого абонента" not in plain

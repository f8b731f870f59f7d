"""The desk list's rows (portal.admin_rows) say what Django's stock rows say."""

import re

import pytest
from django.contrib.admin.templatetags.admin_list import results
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.utils import translation

from accounts.tests.factories import UserFactory
from portal.admin_rows import fast_rows, local_datetime
from tickets import roles, services
from tickets.models import QueueMembership, SpecialistQueue, Ticket, Topic
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

DESK = "/admin/tickets/ticket/"


@pytest.fixture
def agent():
    user = UserFactory(subscriber=None, is_staff=True, email="")
    user.groups.add(Group.objects.get(name=roles.AGENTS))
    QueueMembership.objects.create(
        queue=SpecialistQueue.objects.get(code="first_line"), user=user
    )
    return user


@pytest.fixture
def desk_tickets(agent):
    tickets = [TicketFactory() for _ in range(3)]
    for ticket in tickets:
        services.ticket_route(ticket_id=ticket.pk, batch=1)
    services.ticket_take(tickets=Ticket.objects.filter(pk=tickets[0].pk), agent=agent)
    return tickets


def changelist(agent, query=""):
    from django.contrib import admin

    model_admin = admin.site._registry[Ticket]
    request = RequestFactory().get(DESK + query)
    request.user = agent
    cl = model_admin.get_changelist_instance(request)
    cl.formset = None  # as changelist_view sets it without editable cells
    return cl


def cells(html: str) -> list[str]:
    return re.findall(r"<t[dh][^>]*>.*?</t[dh]>", html)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_each_cell_is_what_the_stock_changelist_writes(agent, desk_tickets, language):
    with translation.override(language):
        cl = changelist(agent, "?status__exact=registered")
        stock = ["".join(row) for row in results(cl)]
        fast = [row[0] for row in fast_rows(cl)]

    assert len(fast) == len(stock) == 2  # the taken ticket is in progress
    for stock_row, fast_row in zip(stock, fast, strict=True):
        stock_cells, fast_cells = cells(stock_row), cells(fast_row)
        assert len(fast_cells) == len(stock_cells) == 12
        created = 2  # the checkbox, the number, then the time of creation
        for index, (expected, written) in enumerate(
            zip(stock_cells, fast_cells, strict=True)
        ):
            if index != created:
                assert written == expected
        # The time: the short format of the language, not the long one.
        ticket = Ticket.objects.get(number=re.search(r">(\d{4}-\d+)<", fast_row)[1])
        with translation.override(language):
            assert local_datetime(ticket.created_at) in fast_cells[created]


def test_the_number_links_to_the_ticket_keeping_the_list_filters(agent, desk_tickets):
    client = Client()
    client.force_login(agent)

    html = client.get(DESK + "?status__exact=registered").content.decode()

    ticket = desk_tickets[1]
    assert (
        f'<th class="field-number"><a href="/admin/tickets/ticket/{ticket.pk}/change/'
        '?_changelist_filters=status__exact%3Dregistered">'
        f"{ticket.number}</a></th>"
    ) in html
    assert f'name="_selected_action" value="{ticket.pk}"' in html


def test_names_are_escaped_and_follow_renaming(agent, desk_tickets):
    client = Client()
    client.force_login(agent)
    topic = desk_tickets[0].topic
    client.get(DESK)

    Topic.objects.filter(pk=topic.pk).update(name="<b>Нет связи</b>")
    Topic.objects.get(pk=topic.pk).save()  # an admin edit: the snapshot is stale
    html = client.get(DESK).content.decode()

    assert "&lt;b&gt;Нет связи&lt;/b&gt;" in html
    assert "<b>Нет связи</b>" not in html

"""Demo tickets for ``make run``: a few for the demo subscribers, in several states,
and the demo staff in their queues.

Idempotent: each demo ticket carries a fixed submission key. Tickets go the
way real ones do: routed, answered, escalated through the services.
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceType, User
from accounts.services import ClientInfo

from .models import QueueMembership, SpecialistQueue, Ticket, Topic
from .services import (
    ticket_create,
    ticket_escalate,
    ticket_reply_create,
    ticket_route,
    ticket_status_change,
)

# Demo staff (portal/demo.py) in their queues: username → [(queue, role)].
DEMO_MEMBERSHIPS = {
    "agent": [("first_line", "agent"), ("internet_l2", "agent"), ("business", "agent")],
    "manager": [("first_line", "supervisor"), ("business", "supervisor")],
}


@transaction.atomic
def demo_queues_load() -> None:
    """Put the demo agent and manager into their queues (once)."""
    for username, memberships in DEMO_MEMBERSHIPS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        for code, role in memberships:
            queue = SpecialistQueue.objects.filter(code=code).first()
            if queue is not None:
                QueueMembership.objects.get_or_create(
                    queue=queue, user=user, defaults={"role": role}
                )


# (key, e-mail of the author, topic, service type, body, status, support's reply)
DEMO_TICKETS = [
    (
        "2a6f0d8e-0001-4a61-9b0e-000000000001",
        "anna.smirnova@portal.example",
        "slow",
        "internet",
        "Вечером скорость падает до 5 Мбит/с, по кабелю тоже. Роутер перезагружала.",
        Ticket.Status.RESOLVED,
        "Мы заменили порт на коммутаторе в вашем доме. Проверьте, пожалуйста, "
        "скорость ещё раз.",
    ),
    (
        "2a6f0d8e-0001-4a61-9b0e-000000000002",
        "anna.smirnova@portal.example",
        "billing",
        "mobile",
        "Номер заблокирован, хотя я оплатила счёт 20 ноября. Прошу проверить платёж.",
        Ticket.Status.IN_PROGRESS,
        "",
    ),
    (
        "2a6f0d8e-0001-4a61-9b0e-000000000003",
        "it@uzpt.example",
        "fault",
        "internet",
        "С 9:00 нет интернета в офисе на Ленина, 64. Горит красный LOS.",
        Ticket.Status.VISIT_SCHEDULED,
        "Выезд мастера согласован на завтра, 10:00–12:00.",
    ),
]


@transaction.atomic
def demo_tickets_load() -> int:
    """Create the missing demo tickets; return how many are new."""
    created = 0
    for key, email, topic, service_type, body, status, reply in DEMO_TICKETS:
        if Ticket.objects.filter(submission_key=uuid.UUID(key)).exists():
            continue
        author = User.objects.filter(email=email).first()
        if author is None:
            continue
        account = author.subscriber.accounts.first()
        ticket, _new = ticket_create(
            author=author,
            submission_key=uuid.UUID(key),
            client=ClientInfo(),
            client_category=author.subscriber.category,
            service_type=ServiceType.objects.get(code=service_type),
            account_number=account.number if account else "",
            connection_address=account.address if account else "",
            topic=Topic.objects.get(code=topic),
            body=body,
            reply_channel=author.reply_channel,
            contact_name=author.get_full_name(),
            contact_email=author.email,
            contact_phone=str(author.phone or ""),
        )
        ticket_route(ticket_id=ticket.pk)
        agent = User.objects.filter(username="agent").first()
        if reply:
            ticket_reply_create(ticket=ticket, agent=agent, body=reply)
        if status == Ticket.Status.VISIT_SCHEDULED:
            tomorrow = timezone.localdate() + datetime.timedelta(days=1)
            starts = timezone.make_aware(
                datetime.datetime.combine(tomorrow, datetime.time(10))
            )
            ticket_escalate(
                ticket=ticket,
                actor=agent,
                level=SpecialistQueue.Level.FIELD,
                note="LOS горит: нужен выезд",
                visit_starts_at=starts,
                visit_ends_at=starts + datetime.timedelta(hours=2),
            )
        else:
            ticket_status_change(ticket=ticket, status=status, actor=agent)
        created += 1
    return created

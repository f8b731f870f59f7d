"""Demo tickets for ``make run``: a few for the demo subscribers, in several states,
and the demo staff in their queues.

Idempotent: each demo ticket carries a fixed submission key. Tickets go the
way real ones do: routed, answered, escalated through the services.
"""

import datetime
import random
import uuid

from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceType, User
from accounts.services import ClientInfo
from offices.reference import CITIES

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


HISTORY_TICKETS = 400
HISTORY_DAYS = 45


@transaction.atomic
def demo_history_load() -> int:
    """Six weeks of past tickets (guests', numbered D…), so that the reports
    and the measured wait times have something to show in ``make run``."""
    if Ticket.objects.filter(number__startswith="D").exists():
        return 0
    chance = random.Random(2026)  # noqa: S311 - the same demo every time
    now = timezone.now()
    topics = list(Topic.objects.filter(is_active=True))
    kinds = list(ServiceType.objects.filter(is_active=True))
    queues = list(SpecialistQueue.objects.filter(is_active=True, city=""))
    agents = list(User.objects.filter(username__in=["agent", "manager"]))
    made = []
    for number in range(1, HISTORY_TICKETS + 1):
        day = now - datetime.timedelta(days=chance.uniform(0, HISTORY_DAYS))
        # Most tickets come in the working day, fewest late at night.
        hour = chance.choices(range(24), weights=[1] * 7 + [4] * 12 + [2] * 5)[0]
        created = day.replace(hour=hour, minute=chance.randrange(60))
        if created > now:
            created -= datetime.timedelta(days=1)
        answered = created + datetime.timedelta(hours=chance.uniform(0.3, 30))
        finished = answered + datetime.timedelta(hours=chance.uniform(1, 120))
        resolved = finished if finished < now and chance.random() < 0.8 else None
        topic = chance.choice(topics)
        made.append(
            Ticket(
                number=f"D{created:%Y}-{number:07d}",
                client_category="legal_entity" if number % 9 == 0 else "individual",
                service_type=chance.choice(kinds),
                topic=topic,
                body="Демонстрационное обращение для отчётов.",
                reply_channel="phone" if number % 4 == 0 else "email",
                contact_name=f"Абонент {number}",
                contact_email=f"demo{number}@example.ru",
                contact_phone="+79120000000" if number % 4 == 0 else "",
                city=CITIES[number % len(CITIES)][1],
                queue=topic.default_queue or chance.choice(queues),
                assignee=chance.choice(agents) if agents else None,
                status=Ticket.Status.RESOLVED
                if resolved
                else Ticket.Status.IN_PROGRESS,
                routed_at=created,
                first_response_due=created + datetime.timedelta(hours=24),
                resolution_due=created + datetime.timedelta(days=3),
                first_response_at=answered if answered < now else None,
                resolved_at=resolved,
                rating=chance.choice([2, 3, 4, 4, 5, 5, 5])
                if resolved and number % 3
                else None,
                reopen_count=1 if resolved and number % 23 == 0 else 0,
            )
        )
    for ticket in made:
        ticket.due_at = ticket.next_due()
    tickets = Ticket.objects.bulk_create(made)
    # auto_now_add wrote "now": give each ticket the moment it was filed.
    for ticket in tickets:
        ticket.created_at = ticket.updated_at = ticket.routed_at
    Ticket.objects.bulk_update(tickets, ["created_at", "updated_at"])
    return len(tickets)

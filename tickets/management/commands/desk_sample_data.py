"""Generate a realistic support desk at scale, for benchmarks (PostgreSQL only).

    python manage.py desk_sample_data --tickets 1000000

Tickets are spread over the last twelve months, every queue, topic, service
type, client category and channel; old ones mostly resolved or closed,
recent ones open with their deadlines; about 70 % belong to subscribers
(one for every eight tickets), the rest to guests. Each ticket gets its
"routed" event ("received" is read from the ticket itself). They are written in the order they were
filed, as a real table grows; resolved ones took from four hours to six
days, a third of them are rated, one in twenty was reopened, most are
assigned to one of 40 sample agents, and they spread over the 14 starting
cities. Rows are made by the database itself (INSERT … SELECT over
generate_series), a million in about a minute.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import ServiceType, Subscriber
from offices.reference import CITIES
from tickets.models import SpecialistQueue, Ticket, TicketEvent, Topic

BATCH = 100_000
AGENTS = 40


class Command(BaseCommand):
    help = "Generate sample tickets at scale (PostgreSQL only), for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=1_000_000)

    def handle(self, *args, tickets, **options):
        if connection.vendor != "postgresql":
            raise CommandError("desk_sample_data needs PostgreSQL (DATABASE_URL).")
        queues = list(
            SpecialistQueue.objects.filter(is_active=True).values_list("pk", flat=True)
        )
        topics = list(Topic.objects.values_list("pk", flat=True))
        types = list(ServiceType.objects.values_list("pk", flat=True))
        if not (queues and topics and types):
            raise CommandError(
                "Run the migrations first: queues and topics are missing."
            )
        subscribers = max(1, tickets // 8)
        first_subscriber = self._subscribers(subscribers)
        agents = self._agents(AGENTS)
        start = Ticket.objects.count()
        for offset in range(0, tickets, BATCH):
            size = min(BATCH, tickets - offset)
            with transaction.atomic():
                self._tickets(
                    start + offset,
                    size,
                    queues,
                    topics,
                    types,
                    first_subscriber,
                    subscribers,
                    agents=agents,
                    first=start,
                    total=tickets,
                )
            self.stdout.write(f"{offset + size} tickets")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket")
            cursor.execute("ANALYZE tickets_ticketevent")
        self.stdout.write(self.style.SUCCESS(f"{tickets} tickets generated."))

    def _subscribers(self, count: int) -> int:
        table = Subscriber._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table}
                    (category, name, inn, kpp, ogrn, contact_person, created_at)
                SELECT CASE WHEN i %% 10 = 0 THEN 'legal_entity' ELSE 'individual' END,
                       'Абонент ' || i, '', '', '', '', now()
                FROM generate_series(1, %s) AS g(i)
                RETURNING id
                """,  # noqa: S608 - the table name is ours
                [count],
            )
            return min(row[0] for row in cursor.fetchall())

    def _agents(self, count: int) -> list[int]:
        """Support agents the sample tickets are assigned to (no password)."""
        User = get_user_model()
        made = [
            User.objects.get_or_create(
                username=f"sample.agent.{number}",
                defaults={
                    "first_name": "Агент",
                    "last_name": f"№{number}",
                    "is_staff": True,
                    "password": "!",  # unusable: nobody signs in as them
                },
            )[0].pk
            for number in range(1, count + 1)
        ]
        return made

    def _tickets(
        self,
        start,
        size,
        queues,
        topics,
        types,
        first_subscriber,
        count,
        *,
        agents,
        first,
        total,
    ):
        table = Ticket._meta.db_table
        events = TicketEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH drawn AS (
                  SELECT i,
                         -- In the order they were filed, as a real table
                         -- grows: a year, oldest first.
                         now() - interval '365 days' * (1 - (i - %(base)s)::float / %(total)s)
                           - random() * interval '30 minutes' AS created,
                         random() AS r2,
                         (%(queues)s::bigint[])[1 + (i %% cardinality(%(queues)s::bigint[]))] AS queue,
                         (%(topics)s::bigint[])[1 + ((i / 7) %% cardinality(%(topics)s::bigint[]))] AS topic,
                         (%(types)s::bigint[])[1 + ((i / 3) %% cardinality(%(types)s::bigint[]))] AS stype,
                         random() AS r
                  FROM generate_series(%(first_i)s, %(last)s) AS g(i)
                ),
                made AS (
                  SELECT *,
                    CASE
                      WHEN created < now() - interval '30 days' THEN
                        CASE WHEN r < 0.6 THEN 'closed' WHEN r < 0.97 THEN 'resolved' ELSE 'in_progress' END
                      ELSE
                        CASE WHEN r < 0.2 THEN 'registered' WHEN r < 0.5 THEN 'in_progress'
                             WHEN r < 0.6 THEN 'waiting_customer' WHEN r < 0.7 THEN 'escalated'
                             WHEN r < 0.75 THEN 'visit_scheduled' ELSE 'resolved' END
                    END AS status,
                    CASE WHEN r < 0.9 THEN created + (r * interval '30 hours') END AS answered,
                    created + interval '4 hours' + (r2 * interval '6 days') AS finished
                  FROM drawn
                ),
                inserted AS (
                  INSERT INTO {table} (
                    number, client_category, service_number, account_number,
                    connection_address, body, claim_demands, claim_answer_form,
                    reply_channel, contact_name, contact_email, contact_phone, status,
                    priority, created_at, updated_at, access_token, submission_key,
                    rating_comment, service_type_id, topic_id, language,
                    visit_address, subscriber_id, queue_id, routed_at,
                    first_response_due, resolution_due, first_response_at,
                    resolved_at, closed_at, due_at, city, assignee_id, rating,
                    rated_at, reopen_count
                  )
                  SELECT
                    'S' || to_char(created, 'YYYY') || '-' || lpad(i::text, 8, '0'),
                    CASE WHEN i %% 10 = 0 THEN 'legal_entity' ELSE 'individual' END,
                    'login' || i, lpad((100000000000 + i %% 9000000)::text, 12, '0'),
                    'Москва, ул. Тестовая, д. ' || (i %% 200),
                    'Нет интернета с утра, роутер перезагружал, не помогло. Обращение ' || i,
                    '', '',
                    CASE WHEN i %% 4 = 0 THEN 'phone' ELSE 'email' END,
                    'Абонент ' || i, 'user' || i || '@example.ru',
                    CASE WHEN i %% 4 = 0 THEN '+7912' || lpad((i %% 10000000)::text, 7, '0') ELSE '' END,
                    status,
                    (ARRAY[10, 20, 20, 20, 30, 40])[1 + (i %% 6)],
                    created, created, md5(random()::text || i) || md5(i::text),
                    gen_random_uuid(), '', stype, topic, 'ru', '',
                    CASE WHEN i %% 10 < 7 THEN %(subscriber)s + (i %% %(subscribers)s) END,
                    queue, created + interval '3 seconds',
                    created + interval '1 day', created + interval '14 days', answered,
                    CASE WHEN status IN ('resolved', 'closed') THEN LEAST(finished, now()) END,
                    CASE WHEN status = 'closed' THEN LEAST(finished + interval '3 days', now()) END,
                    CASE WHEN status IN ('resolved', 'closed') THEN NULL
                         WHEN answered IS NULL THEN created + interval '1 day'
                         ELSE created + interval '14 days' END,
                    (%(cities)s::text[])[1 + (i %% cardinality(%(cities)s::text[]))],
                    CASE WHEN r < 0.85 THEN (%(agents)s::bigint[])[1 + ((i / 5) %% cardinality(%(agents)s::bigint[]))] END,
                    CASE WHEN status IN ('resolved', 'closed') AND r2 < 0.35
                         THEN (ARRAY[1, 2, 3, 4, 4, 5, 5, 5, 5, 5])[1 + (i %% 10)] END,
                    CASE WHEN status IN ('resolved', 'closed') AND r2 < 0.35
                         THEN LEAST(finished + interval '1 hour', now()) END,
                    CASE WHEN status IN ('resolved', 'closed') AND r2 > 0.95 THEN 1 ELSE 0 END
                  FROM made
                  ORDER BY i
                  RETURNING id, created_at
                )
                INSERT INTO {events}
                    (ticket_id, kind, from_status, to_status, note, created_at)
                SELECT id, 'routed', '', 'registered', '', created_at
                FROM inserted
                """,  # noqa: S608 - the table names are ours
                {
                    "queues": queues,
                    "topics": topics,
                    "types": types,
                    "first_i": start + 1,
                    "last": start + size,
                    "subscriber": first_subscriber,
                    "subscribers": count,
                    "agents": agents,
                    "cities": [name for _slug, name, *_rest in CITIES],
                    "total": total,
                    "base": first,
                },
            )

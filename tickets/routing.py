"""Routing rules and deadlines: pure decisions, no writes (services.py writes).

Rules are matched in order and the first match wins. For the queue, in turn:

1. the first active rule whose conditions all hold (an empty condition holds
   for any ticket; a rule that names no client category is for individuals);
2. for a legal entity, the business support queue;
3. the topic's default queue;
4. the default queue (``PORTAL_DEFAULT_QUEUE``).
"""

import re
from dataclasses import dataclass

from django.conf import settings

from accounts.models import ClientCategory
from portal.refcache import reference

from .models import Priority, RoutingRule, SpecialistQueue, Topic
from .workdays import calendar_days_after, working_days_after

BUSINESS_QUEUE = "business"


@dataclass(frozen=True)
class Rule:
    pk: int
    name: str
    service_type_id: int | None
    topic_id: int | None
    client_category: str
    city: str
    region: str
    keywords: tuple[re.Pattern, ...]
    queue: SpecialistQueue
    priority: int

    def matches(self, ticket, *, city: str, region: str, text: str) -> bool:
        category = self.client_category or ClientCategory.INDIVIDUAL
        return (
            ticket.client_category == category
            and self.service_type_id in (None, ticket.service_type_id)
            and self.topic_id in (None, ticket.topic_id)
            and (not self.city or self.city == city)
            and (not self.region or self.region == region)
            and (not self.keywords or any(word.search(text) for word in self.keywords))
        )


def _keyword_patterns(keywords: str) -> tuple[re.Pattern, ...]:
    words = [word.strip().casefold() for word in keywords.split(",")]
    # Whole words: "нет" must not match "интернет".
    return tuple(
        re.compile(rf"(?<!\w){re.escape(word)}(?!\w)") for word in words if word
    )


@reference(watch=(RoutingRule, SpecialistQueue))
def routing_table() -> dict:
    """The active rules in order, and the queues by code (kept in memory)."""
    queues = {queue.code: queue for queue in SpecialistQueue.objects.all()}
    by_pk = {queue.pk: queue for queue in queues.values()}
    rules = [
        Rule(
            pk=rule.pk,
            name=rule.name,
            service_type_id=rule.service_type_id,
            topic_id=rule.topic_id,
            client_category=rule.client_category,
            city=rule.city.strip().casefold(),
            region=rule.region.strip().casefold(),
            keywords=_keyword_patterns(rule.keywords),
            queue=by_pk[rule.queue_id],
            priority=rule.priority,
        )
        for rule in RoutingRule.objects.filter(is_active=True).order_by("order", "pk")
        if by_pk[rule.queue_id].is_active
    ]
    return {"rules": rules, "queues": queues, "by_pk": by_pk}


@dataclass(frozen=True)
class Route:
    queue: SpecialistQueue
    priority: int


def route_choose(ticket, topic: Topic) -> Route:
    """Choose the queue and priority of a ticket (its account is loaded)."""
    table = routing_table()
    account = ticket.account
    city = account.city.strip().casefold() if account else ""
    region = account.region.strip().casefold() if account else ""
    text = f"{ticket.body}\n{ticket.claim_demands}".casefold()
    for rule in table["rules"]:
        if rule.matches(ticket, city=city, region=region, text=text):
            return Route(rule.queue, rule.priority)
    queues = table["queues"]
    business = queues.get(BUSINESS_QUEUE)
    legal = ticket.client_category == ClientCategory.LEGAL_ENTITY
    if legal and business is not None and business.is_active:
        return Route(business, Priority.NORMAL)
    default = table["by_pk"].get(topic.default_queue_id)
    if default is not None and default.is_active:
        return Route(default, Priority.NORMAL)
    fallback = queues.get(settings.PORTAL_DEFAULT_QUEUE)
    if fallback is None:
        raise SpecialistQueue.DoesNotExist(
            f"PORTAL_DEFAULT_QUEUE {settings.PORTAL_DEFAULT_QUEUE!r} does not exist"
        )
    return Route(fallback, Priority.NORMAL)


def deadlines(ticket, topic: Topic) -> tuple:
    """First response and resolution deadlines, counted from the ticket's filing.

    A claim is registered by the next working day and answered within its
    calendar days; other topics count working days.
    """
    start = ticket.created_at
    first = working_days_after(start, topic.sla_first_response_days)
    if topic.sla_calendar_days:
        resolution = calendar_days_after(start, topic.sla_resolution_days)
    else:
        resolution = working_days_after(start, topic.sla_resolution_days)
    return first, max(first, resolution)

"""Ticket reports for managers, aggregated in the database.

Every figure is computed from the tickets of the chosen period (by the day
they were filed, in the portal's time zone) and filters. On PostgreSQL the
breakdowns, the days, the hours and the agents come from ONE pass over the
period's tickets (``GROUP BY GROUPING SETS``), medians and percentiles from
``percentile_cont``; the tickets done by day, the backlog and the breaches
are a few indexed queries more. SQLite, for development, runs the same
figures group by group and computes percentiles in Python; the results are
the same (tests run both).
"""

import dataclasses
import datetime
import math
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, ExtractHour, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from accounts.models import ClientCategory, ReplyChannel

from .models import Ticket
from .services import desk_reference

DAY = datetime.timedelta(days=1)
AGE_BUCKETS = [  # (label, lower bound in days)
    (pgettext_lazy("age", "under 1 day"), 0),
    (pgettext_lazy("age", "1–3 days"), 1),
    (pgettext_lazy("age", "3–7 days"), 3),
    (pgettext_lazy("age", "7–14 days"), 7),
    (pgettext_lazy("age", "14–30 days"), 14),
    (pgettext_lazy("age", "over 30 days"), 30),
]
BREACHES_SHOWN = 50
WORK_MEM = "64MB"  # PostgreSQL's memory for the report's grouping and sorting


@dataclasses.dataclass
class Filters:
    start: datetime.date
    end: datetime.date  # inclusive
    queue: int | None = None
    service_type: int | None = None
    topic: int | None = None
    client_category: str = ""
    channel: str = ""
    city: str = ""

    def q(self) -> Q:
        """The filters, without the period."""
        q = Q()
        for field in ("queue", "service_type", "topic"):
            if getattr(self, field):
                q &= Q(**{f"{field}_id": getattr(self, field)})
        if self.client_category:
            q &= Q(client_category=self.client_category)
        if self.channel:
            q &= Q(reply_channel=self.channel)
        if self.city:
            q &= Q(city=self.city)
        return q

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time(), tzinfo=zone)
        end = datetime.datetime.combine(self.end + DAY, datetime.time(), tzinfo=zone)
        return start, end


@dataclasses.dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: str = ""  # "line", "bar", "heatmap" or none
    note: str = ""
    levels: list[list[int]] | None = None  # the heat map's shades, 0–5
    chart_columns: tuple[int, ...] = (1,)  # the columns the chart draws
    chart_rows: int | None = None  # the leading rows it draws (None: all)

    def cells(self):
        """Rows of (value, CSS class): the heat map's cells are shaded."""
        for index, row in enumerate(self.rows):
            levels = self.levels[index] if self.levels else None
            yield [
                (value, f"heat-{levels[column - 1]}" if levels and column else "")
                for column, value in enumerate(row)
            ]


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between ranks, as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# The pass over the period's tickets ---------------------------------------------------

GROUPS = {
    "queue": ["queue_id"],
    "topic": ["topic_id"],
    "service_type": ["service_type_id"],
    "channel": ["reply_channel"],
    "category": ["client_category"],
    "city": ["city"],
    "day": ["day"],
    "heat": ["dow", "hour"],
    "agent": ["assignee_id"],
}


def _period_rows(filters: Filters, now) -> dict[str, list[dict]]:
    """For each group of GROUPS and for the whole period (key "all"): the
    tickets filed, done, answered, rated, and their times, per group value."""
    start, end = filters.bounds()
    base = Ticket.objects.filter(filters.q(), created_at__gte=start, created_at__lt=end)
    if connection.vendor == "postgresql":
        return _period_rows_postgresql(base, now)
    return _period_rows_python(base, now)


RATING_COUNTS = ", ".join(
    f"count(*) FILTER (WHERE rating = {n}) AS rating_{n}" for n in range(1, 6)
)


# A deadline's clock stops at what it waits for, or when the ticket ends
# without it (a subscriber who closes their ticket stops both clocks).
FR_STOP = "COALESCE(first_response_at, resolved_at, closed_at)"
RES_STOP = "COALESCE(resolved_at, closed_at)"

COUNTS_SQL = f"""
    count(*) AS created,
    count(*) FILTER (WHERE resolved_at IS NOT NULL OR closed_at IS NOT NULL) AS done,
    count(rating) AS rated,
    avg(rating) AS csat,
    {RATING_COUNTS},
    count(*) FILTER (WHERE reopen_count > 0) AS reopened,
    count(*) FILTER (WHERE resolved_at IS NOT NULL OR reopen_count > 0)
        AS ever_resolved,
    count(first_response_due)
        FILTER (WHERE {FR_STOP} <= first_response_due) AS fr_met,
    count(first_response_due) FILTER (
        WHERE {FR_STOP} > first_response_due
           OR ({FR_STOP} IS NULL AND first_response_due < report_now))
        AS fr_breached,
    count(resolution_due) FILTER (WHERE {RES_STOP} <= resolution_due) AS res_met,
    count(resolution_due) FILTER (
        WHERE {RES_STOP} > resolution_due
           OR ({RES_STOP} IS NULL AND resolution_due < report_now))
        AS res_breached
"""
TIMES_SQL = """
    count(fr) AS answered,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY fr) AS fr_median,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY fr) AS fr_p90,
    count(res) AS resolved,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY res) AS res_median,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY res) AS res_p90
"""
LIGHT_SQL = """
    count(*) AS created,
    count(*) FILTER (WHERE resolved_at IS NOT NULL OR closed_at IS NOT NULL) AS done
"""
# The breakdowns, days and hours need counts only: hashed in one pass. The
# agents and the whole period (the empty grouping set) get every figure,
# medians included (those sort their group's tickets).
FULL_GROUPS = ("agent",)
LIGHT_GROUPS = tuple(name for name in GROUPS if name not in FULL_GROUPS)


# What the period's figures read of each ticket (both databases).
PERIOD_FIELDS = (
    "queue_id",
    "topic_id",
    "service_type_id",
    "reply_channel",
    "client_category",
    "city",
    "assignee_id",
    "created_at",
    "first_response_at",
    "first_response_due",
    "resolved_at",
    "closed_at",
    "resolution_due",
    "rating",
    "reopen_count",
)


def _period_rows_postgresql(base, now) -> dict[str, list[dict]]:
    zone = timezone.get_current_timezone_name()
    columns = base.values("id", *PERIOD_FIELDS)
    inner, params = columns.order_by().query.sql_with_params()
    source = f"""
        WITH t AS (
            SELECT *,
                   (created_at AT TIME ZONE %s)::date AS day,
                   EXTRACT(isodow FROM created_at AT TIME ZONE %s)::int AS dow,
                   EXTRACT(hour FROM created_at AT TIME ZONE %s)::int AS hour,
                   EXTRACT(epoch FROM first_response_at - created_at) AS fr,
                   EXTRACT(epoch FROM resolved_at - created_at) AS res,
                   %s::timestamptz AS report_now
            FROM ({inner}) AS base
        )
    """  # noqa: S608 - the inner query is Django's, with its parameters
    found: dict[tuple, dict] = {}
    # Counts of every group in one pass (hashed); times where they are shown
    # (sorted per group, so only for a few groups).
    for groups, aggregates in (
        ({name: GROUPS[name] for name in LIGHT_GROUPS}, LIGHT_SQL),
        ({name: GROUPS[name] for name in FULL_GROUPS}, f"{COUNTS_SQL}, {TIMES_SQL}"),
    ):
        keys = [column for names in groups.values() for column in names]
        sets = ", ".join(f"({', '.join(names)})" for names in groups.values())
        if groups.keys() & set(FULL_GROUPS):
            sets += ", ()"  # the whole period
        sql = f"""{source}
            SELECT {", ".join(keys)},
                   {", ".join(f"GROUPING({key}) AS g_{key}" for key in keys)},
                   {aggregates}
            FROM t
            GROUP BY GROUPING SETS ({sets})
        """  # noqa: S608 - column names are ours
        with transaction.atomic(), connection.cursor() as cursor:
            # Group and sort the period's tickets in memory, not on disk.
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            cursor.execute(sql, [zone, zone, zone, now, *params])
            names = [column.name for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        for row in rows:
            grouped = [key for key in keys if row[f"g_{key}"] == 0]
            group = next(
                (name for name, columns in groups.items() if columns == grouped), "all"
            )
            columns = GROUPS.get(group, [])
            if group != "all" and group not in FULL_GROUPS:
                row = {**row, **dict.fromkeys(FULL_ONLY, None)}
            identity = (group, *(row[column] for column in columns))
            entry = found.setdefault(
                identity,
                {
                    **{column: row[column] for column in columns},
                    "answered": 0,
                    "resolved": 0,
                    "fr_median": None,
                    "fr_p90": None,
                    "res_median": None,
                    "res_p90": None,
                },
            )
            entry.update(_numbers(row))
    result: dict[str, list[dict]] = defaultdict(list)
    for (group, *_identity), entry in found.items():
        result[group].append(entry)
    return result


def _numbers(row: dict) -> dict:
    values = {key: value for key, value in row.items() if key in METRICS}
    for key in ("fr_median", "fr_p90", "res_median", "res_p90", "csat"):
        if values.get(key) is not None:
            values[key] = float(values[key])
    return values


def _period_rows_python(base, now) -> dict[str, list[dict]]:
    zone = timezone.get_current_timezone()
    groups: dict[str, dict[tuple, list]] = {name: defaultdict(list) for name in GROUPS}
    everything = []
    for ticket in base.values(*PERIOD_FIELDS).iterator():
        local = timezone.localtime(ticket["created_at"], zone)
        ticket.update(
            day=local.date(), dow=local.isoweekday(), hour=local.hour, now=now
        )
        everything.append(ticket)
        for name, columns in GROUPS.items():
            groups[name][tuple(ticket[column] for column in columns)].append(ticket)
    result = {"all": [_python_metrics(everything, {})]}
    for name, columns in GROUPS.items():
        result[name] = [
            _python_metrics(tickets, dict(zip(columns, key, strict=True)))
            for key, tickets in groups[name].items()
        ]
    return result


def _python_metrics(tickets: list[dict], keys: dict) -> dict:
    def seconds(later, earlier):
        return (later - earlier).total_seconds()

    fr = [seconds(t["first_response_at"], t["created_at"]) for t in tickets
          if t["first_response_at"]]  # fmt: skip
    res = [seconds(t["resolved_at"], t["created_at"]) for t in tickets
           if t["resolved_at"]]  # fmt: skip
    ratings = [t["rating"] for t in tickets if t["rating"] is not None]
    row = {
        **keys,
        "created": len(tickets),
        "done": sum(1 for t in tickets if t["resolved_at"] or t["closed_at"]),
        "answered": len(fr),
        "fr_median": percentile(fr, 0.5),
        "fr_p90": percentile(fr, 0.9),
        "resolved": len(res),
        "res_median": percentile(res, 0.5),
        "res_p90": percentile(res, 0.9),
        "rated": len(ratings),
        "csat": sum(ratings) / len(ratings) if ratings else None,
        **{f"rating_{n}": ratings.count(n) for n in range(1, 6)},
        "reopened": sum(1 for t in tickets if t["reopen_count"]),
        "ever_resolved": sum(
            1 for t in tickets if t["resolved_at"] or t["reopen_count"]
        ),
        "fr_met": 0,
        "fr_breached": 0,
        "res_met": 0,
        "res_breached": 0,
    }
    for t in tickets:
        for prefix, stop, due in _clocks(t):
            if due is None:
                continue
            if stop is not None and stop <= due:
                row[f"{prefix}_met"] += 1
            elif stop is not None or due < t["now"]:
                row[f"{prefix}_breached"] += 1
    return row


def _clocks(ticket: dict):
    """(figure, when its clock stopped or None, deadline): FR_STOP and RES_STOP."""
    ended = ticket["resolved_at"] or ticket["closed_at"]
    return (
        ("fr", ticket["first_response_at"] or ended, ticket["first_response_due"]),
        ("res", ended, ticket["resolution_due"]),
    )


# Figures only the agents and the whole period have (None elsewhere on
# PostgreSQL; SQLite computes them for every group, and no table shows them).
FULL_ONLY = (
    "rated", "csat", "rating_1", "rating_2", "rating_3", "rating_4", "rating_5",
    "reopened", "ever_resolved", "fr_met", "fr_breached", "res_met",
    "res_breached",
)  # fmt: skip
METRICS = (
    "created", "done", "answered", "fr_median", "fr_p90", "resolved",
    "res_median", "res_p90", "rated", "csat", "rating_1", "rating_2",
    "rating_3", "rating_4", "rating_5", "reopened", "ever_resolved",
    "fr_met", "fr_breached", "res_met", "res_breached",
)  # fmt: skip


# The report -------------------------------------------------------------------------


def report_build(filters: Filters, now: datetime.datetime | None = None) -> dict:
    """Every table of the report: a summary, then the tables in page order."""
    now = now or timezone.now()
    rows = _period_rows(filters, now)
    whole = rows["all"][0] if rows.get("all") else _python_metrics([], {})
    names = _names()
    tables = [
        _daily(filters, rows.get("day", []), now),
        _times(whole),
        _sla(whole),
        _breaches(filters, now, names),
        _age(filters, now),
        _reopen_csat(whole),
        _csat_distribution(whole),
        *(
            _breakdown(key, title, rows.get(key, []), column, labels, whole)
            for key, title, column, labels in (
                ("queue", _("By queue"), "queue_id", names["queue"]),
                ("topic", _("By topic"), "topic_id", names["topic"]),
                (
                    "service_type",
                    _("By service type"),
                    "service_type_id",
                    names["service_type"],
                ),
                (
                    "channel",
                    _("By reply channel"),
                    "reply_channel",
                    dict(ReplyChannel.choices),
                ),
                (
                    "category",
                    _("By client category"),
                    "client_category",
                    dict(ClientCategory.choices),
                ),
                ("city", _("By city"), "city", {}),
            )
        ),
        _agents(rows.get("agent", [])),
        _heatmap(rows.get("heat", [])),
        _deflection(filters),
    ]
    return {
        "summary": {
            "created": whole["created"],
            "done": whole["done"],
            "fr_median_hours": hours(whole["fr_median"]),
            "csat": round(whole["csat"], 2) if whole["csat"] is not None else None,
        },
        "tables": tables,
    }


def _names() -> dict[str, dict]:
    reference = desk_reference()
    return {
        key: {pk: str(item) for pk, item in items.items()}
        for key, items in reference.items()
    }


def _daily(filters: Filters, day_rows: list[dict], now) -> Table:
    start, end = filters.bounds()
    zone = timezone.get_current_timezone()
    scope = Ticket.objects.filter(filters.q()).annotate(
        done_at=Coalesce("resolved_at", "closed_at")  # indexed: ticket_done_at
    )
    done_by_day = {
        row["day"]: row["n"]
        for row in scope.filter(done_at__gte=start, done_at__lt=end)
        .annotate(day=TruncDate("done_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    }
    created_by_day = {row["day"]: row["created"] for row in day_rows}
    # Open at a moment t = open now − filed after t + done after t; three
    # counts through their indexes, not a pass over every ticket.
    backlog_at_end = (
        scope.filter(done_at__isnull=True).count()
        - scope.filter(created_at__gte=end).count()
        + scope.filter(done_at__gte=end).count()
    )
    days = []
    day = filters.end
    backlog = backlog_at_end
    while day >= filters.start:
        days.append([day.isoformat(), created_by_day.get(day, 0),
                     done_by_day.get(day, 0), backlog])  # fmt: skip
        backlog = backlog - created_by_day.get(day, 0) + done_by_day.get(day, 0)
        day -= DAY
    days.reverse()
    return Table(
        "daily",
        _("Filed, done and open by day"),
        [_("Day"), _("Filed"), _("Done"), _("Open at the end of the day")],
        days,
        chart="line",
        chart_columns=(1, 2, 3),
        note=_("Done: resolved, or closed without a resolution."),
    )


def _times(whole: dict) -> Table:
    return Table(
        "times",
        _("Time to first response and to resolution, hours"),
        [_("Measure"), _("Tickets"), _("Median"), _("90th percentile")],
        [
            [
                _("First response"),
                whole["answered"],
                hours(whole["fr_median"]),
                hours(whole["fr_p90"]),
            ],
            [
                _("Resolution"),
                whole["resolved"],
                hours(whole["res_median"]),
                hours(whole["res_p90"]),
            ],
        ],
        chart="bar",
        chart_columns=(2, 3),
    )


def _sla(whole: dict) -> Table:
    rows = []
    for label, prefix in ((_("First response"), "fr"), (_("Resolution"), "res")):
        met, breached = whole[f"{prefix}_met"], whole[f"{prefix}_breached"]
        rows.append([label, met, breached, percent(met, met + breached)])
    return Table(
        "sla",
        _("Deadlines kept"),
        [_("Deadline"), _("Kept"), _("Missed"), _("Kept, %")],
        rows,
        chart="bar",
        chart_columns=(3,),
        note=_("Tickets still within their deadline are not counted yet."),
    )


def _breaches(filters: Filters, now, names: dict) -> Table:
    start, end = filters.bounds()
    late = (
        Ticket.objects.filter(filters.q(), created_at__gte=start, created_at__lt=end)
        .alias(
            fr_stop=Coalesce("first_response_at", "resolved_at", "closed_at"),
            res_stop=Coalesce("resolved_at", "closed_at"),
        )
        .filter(
            Q(fr_stop__gt=F("first_response_due"))
            | Q(fr_stop__isnull=True, first_response_due__lt=now)
            | Q(res_stop__gt=F("resolution_due"))
            | Q(res_stop__isnull=True, resolution_due__lt=now)
        )
        .order_by("-created_at")
        .values(
            "number", "topic_id", "queue_id", "created_at", "first_response_due",
            "first_response_at", "resolution_due", "resolved_at", "closed_at",
        )[:BREACHES_SHOWN]
    )  # fmt: skip
    rows = []
    labels = {"fr": _("first response"), "res": _("resolution")}
    for ticket in late:
        missed = [
            labels[prefix]
            for prefix, stop, due in _clocks(ticket)
            if due is not None and (stop > due if stop is not None else due < now)
        ]
        rows.append([
            ticket["number"],
            names["topic"].get(ticket["topic_id"], "—"),
            names["queue"].get(ticket["queue_id"], "—"),
            timezone.localtime(ticket["created_at"]).strftime("%Y-%m-%d %H:%M"),
            ", ".join(missed),
        ])  # fmt: skip
    return Table(
        "breaches",
        _("Missed deadlines: the latest tickets"),
        [_("Ticket"), _("Topic"), _("Queue"), _("Filed"), _("Missed")],
        rows,
        note=_("At most %(count)d, newest first.") % {"count": BREACHES_SHOWN},
    )


def _age(filters: Filters, now) -> Table:
    open_now = (
        Ticket.objects.filter(filters.q())
        .annotate(done_at=Coalesce("resolved_at", "closed_at"))
        .filter(done_at__isnull=True)  # through the index ticket_done_at
    )
    bounds = [now - datetime.timedelta(days=days) for _label, days in AGE_BUCKETS]
    aggregates = {}
    for index, (_label, _days) in enumerate(AGE_BUCKETS):
        condition = Q(created_at__lte=bounds[index])
        if index + 1 < len(AGE_BUCKETS):
            condition &= Q(created_at__gt=bounds[index + 1])
        aggregates[f"b{index}"] = Count("id", filter=condition)
    counts = open_now.aggregate(**aggregates)
    return Table(
        "age",
        _("Open tickets by age"),
        [_("Age"), _("Open tickets")],
        [
            [str(label), counts[f"b{index}"]]
            for index, (label, _d) in enumerate(AGE_BUCKETS)
        ],
        chart="bar",
        note=_("Tickets open now, with the filters but whatever the period."),
    )


def _reopen_csat(whole: dict) -> Table:
    return Table(
        "quality",
        _("Reopened tickets and satisfaction"),
        [_("Measure"), _("Value")],
        [
            [_("Tickets resolved at least once"), whole["ever_resolved"]],
            [_("Reopened after a resolution"), whole["reopened"]],
            [_("Reopen rate, %"), percent(whole["reopened"], whole["ever_resolved"])],
            [_("Rated answers"), whole["rated"]],
            [
                _("Average rating (1–5)"),
                round(whole["csat"], 2) if whole["csat"] is not None else None,
            ],
        ],
    )


def _csat_distribution(whole: dict) -> Table:
    return Table(
        "csat",
        _("Ratings of the answers"),
        [_("Rating"), _("Answers")],
        [[str(n), whole[f"rating_{n}"]] for n in range(1, 6)],
        chart="bar",
    )


def _breakdown(key, title, rows, column, labels, whole) -> Table:
    named = [
        [
            str(labels.get(row[column], row[column]) or "—"),
            row["created"],
            percent(row["created"], whole["created"]),
            row["done"],
        ]
        for row in rows
    ]
    return Table(
        key,
        title,
        [_("Name"), _("Filed"), _("Share, %"), _("Done")],
        sorted(named, key=lambda row: (-row[1], str(row[0]))),
        chart="bar",
    )


def _agents(rows: list[dict]) -> Table:
    people = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(
            pk__in=[row["assignee_id"] for row in rows if row["assignee_id"]]
        )
    }
    ordered = sorted(
        (row for row in rows if row["assignee_id"]),
        key=lambda row: (-row["created"], people.get(row["assignee_id"], "")),
    )
    return Table(
        "agents",
        _("Agents"),
        [
            _("Agent"),
            _("Tickets handled"),
            _("First response, median h"),
            _("Average rating"),
            _("Rated"),
        ],
        [
            [
                people.get(row["assignee_id"], "—"),
                row["created"],
                hours(row["fr_median"]),
                round(row["csat"], 2) if row["csat"] is not None else None,
                row["rated"],
            ]
            for row in ordered
        ],
        note=_("Tickets of the period assigned to each agent."),
    )


def _heatmap(rows: list[dict]) -> Table:
    grid = {(row["dow"], row["hour"]): row["created"] for row in rows}
    days = [
        pgettext("weekday", "Mon"), pgettext("weekday", "Tue"),
        pgettext("weekday", "Wed"), pgettext("weekday", "Thu"),
        pgettext("weekday", "Fri"), pgettext("weekday", "Sat"),
        pgettext("weekday", "Sun"),
    ]  # fmt: skip
    rows = [
        [days[dow - 1], *(grid.get((dow, hour), 0) for hour in range(24))]
        for dow in range(1, 8)
    ]
    busiest = max((max(row[1:]) for row in rows), default=0)
    return Table(
        "heatmap",
        _("Tickets filed by weekday and hour"),
        [_("Day"), *(f"{hour:02d}" for hour in range(24))],
        rows,
        chart="heatmap",
        levels=[
            [math.ceil(5 * count / busiest) if busiest else 0 for count in row[1:]]
            for row in rows
        ],
    )


def _deflection(filters: Filters) -> Table:
    from faq.models import DeflectionEvent

    start, end = filters.bounds()
    events = DeflectionEvent.objects.filter(created_at__gte=start, created_at__lt=end)
    if filters.topic:
        events = events.filter(topic_id=filters.topic)
    counts = events.aggregate(
        shown=Count("id", filter=Q(kind=DeflectionEvent.Kind.SHOWN)),
        opened=Count("id", filter=Q(kind=DeflectionEvent.Kind.OPENED)),
        solved=Count("id", filter=Q(kind=DeflectionEvent.Kind.SOLVED)),
        visits=Count("flow", distinct=True),
    )
    return Table(
        "deflection",
        _("Answers offered beside the feedback form"),
        [_("Measure"), _("Value")],
        [
            [_("Form visits with suggestions"), counts["visits"]],
            [_("Suggestions shown"), counts["shown"]],
            [_("Opened"), counts["opened"]],
            [_("Solved without a ticket"), counts["solved"]],
            [
                _("Visits solved without a ticket, %"),
                percent(counts["solved"], counts["visits"]),
            ],
        ],
        chart="bar",
        chart_rows=4,  # the counts; the share is no bar beside them
        note=_(
            "Counted for the period and the topic; the other filters do not "
            "apply, as no ticket is filed."
        ),
    )


# What subscribers see: how long an answer takes --------------------------------------

WAIT_DAYS = 3
QUIET_DAYS = 28
QUIET_FROM, QUIET_UNTIL = 8, 22  # the hours advice is given for
WAIT_CACHE_SECONDS = 600


WAIT_CHANNELS = {
    ReplyChannel.EMAIL: pgettext_lazy("wait", "Web form, answer by e-mail"),
    ReplyChannel.PHONE: pgettext_lazy("wait", "Call-back"),
    "chat": pgettext_lazy("wait", "Chat and social networks"),
}


@dataclasses.dataclass
class Wait:
    channel: str
    tickets: int
    average_minutes: int | None
    median_minutes: int | None

    @property
    def label(self) -> str:
        """In the reader's language (the figures are kept for everybody)."""
        return str(WAIT_CHANNELS[self.channel])


def wait_times(now: datetime.datetime | None = None) -> dict:
    """The time to the first answer over the last three days, per channel, and
    the quietest hours of the last four weeks; measured from the tickets and
    kept for ten minutes."""
    from django.core.cache import cache

    return cache.get_or_set(
        "tickets:wait-times", lambda: _wait_times(now or timezone.now()),
        WAIT_CACHE_SECONDS,
    )  # fmt: skip


def _wait_times(now: datetime.datetime) -> dict:
    since = now - datetime.timedelta(days=WAIT_DAYS)
    answered = Ticket.objects.filter(
        created_at__gte=since, first_response_at__isnull=False
    ).values_list("reply_channel", "created_at", "first_response_at")
    minutes: dict[str, list[float]] = defaultdict(list)
    for channel, created, first in answered.iterator():
        minutes[channel].append((first - created).total_seconds() / 60)
    waits = []
    for channel in WAIT_CHANNELS:
        values = minutes.get(channel, [])
        waits.append(
            Wait(
                channel=str(channel),
                tickets=len(values),
                average_minutes=round(sum(values) / len(values)) if values else None,
                median_minutes=round(percentile(values, 0.5)) if values else None,
            )
        )
    return {
        "waits": waits,
        "measured": any(wait.tickets for wait in waits),
        "quiet": _quiet_hours(now),
        "days": WAIT_DAYS,
    }


def _quiet_hours(now: datetime.datetime) -> list[tuple[int, int]]:
    """Up to two two-hour windows between 08:00 and 22:00 with the fewest
    tickets filed over the last four weeks (local time), earliest first."""
    zone = timezone.get_current_timezone()
    counts = defaultdict(int)
    filed = Ticket.objects.filter(
        created_at__gte=now - datetime.timedelta(days=QUIET_DAYS)
    )
    for row in (
        filed.annotate(hour=ExtractHour("created_at", tzinfo=zone))
        .values("hour")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[row["hour"]] = row["n"]
    if sum(counts.values()) < 50:  # too few to say anything honest
        return []
    windows = sorted(
        (counts[hour] + counts[hour + 1], hour)
        for hour in range(QUIET_FROM, QUIET_UNTIL - 1)
    )
    chosen = [windows[0][1]]
    for _load, hour in windows[1:]:
        if all(abs(hour - taken) >= 2 for taken in chosen):
            chosen.append(hour)
            break
    return sorted((hour, hour + 2) for hour in chosen)

"""Pagination that does not count a million rows on every page view."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


def planner_rows(queryset) -> int | None:
    """PostgreSQL's estimate of the rows a queryset returns (None elsewhere)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Count exactly when the result is small; beyond, trust the planner.

    ``COUNT(*)`` over a large table costs more than the page itself. When
    the planner expects at least ``exact_below`` rows, its estimate is the
    count (pages are then "about"); smaller results, and every result on
    SQLite, are counted.
    """

    exact_below = 10_000

    @cached_property
    def count(self):
        estimate = planner_rows(self.object_list)
        if estimate is not None and estimate >= self.exact_below:
            return estimate
        return super().count

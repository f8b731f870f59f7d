"""The server the HTTP benchmarks run: the portal plus floor views."""

from django.contrib import admin
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from faq.models import Article
from portal.pagination import EstimatedCountPaginator
from tickets.models import Ticket


def insert_row(request):
    """The floor of bench/submit.py: one row inserted per POST."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_row (body) VALUES (%s)", [request.POST["body"]]
        )
    return HttpResponse("ok")


NEWEST = engines["django"].from_string(
    "<table>{% for t in tickets %}<tr><td>{{ t.number }}</td><td>{{ t.status }}</td>"
    "<td>{{ t.created_at }}</td></tr>{% endfor %}</table>"
)


def newest_tickets(request):
    """A floor of bench/agent_list.py: the 50 newest rows through a plain template."""
    tickets = Ticket.objects.order_by("-created_at")[:50]
    return HttpResponse(NEWEST.render({"tickets": tickets}))


def article_by_pk(request, pk):
    """The floor of bench/faq_search.py: one article by its primary key."""
    article = Article.objects.get(pk=pk)
    return HttpResponse(f"<h1>{article.title}</h1>{article.answer_html}")


class BareTicketAdmin(admin.ModelAdmin):
    """The other floor: a stock changelist, no filters, an estimated count."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False


bare_site = admin.AdminSite(name="bare")
bare_site.register(Ticket, BareTicketAdmin)

urlpatterns = [
    path("bench-insert/", insert_row),
    path("bench-newest/", newest_tickets),
    path("bench-article/<int:pk>/", article_by_pk),
    path("bench-admin/", bare_site.urls),
    path("", include("portal.urls")),
]

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path


def insert_row(request):
    """The floor: one row inserted per POST, behind the portal's middleware."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_row (body) VALUES (%s)", [request.POST["body"]]
        )
    return HttpResponse("ok")


urlpatterns = [
    path("bench-insert/", insert_row),
    path("", include("portal.urls")),
]

import logging

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import server_error as django_server_error
from django.views.generic import TemplateView

from .services import health_check

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"


@never_cache
@require_safe
def healthz(request):
    """Answer 200 when the database and the broker answer, else 503 naming them."""
    result = health_check()
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)


def server_error(request):
    """Render the 500 page in the portal's style, falling back to Django's own.

    The styled page needs the request context (language, contacts); if even
    that fails, the plain page is better than a second error.
    """
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("The styled 500 page could not be rendered")
        try:
            return django_server_error(request)
        except Exception:
            return HttpResponseServerError("Server Error (500)")


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """Explain an expired form in plain words instead of Django's CSRF page."""
    return render(request, "403_csrf.html", status=403)

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .views import healthz


class HealthCheckMiddleware:
    """Answer /healthz before the host check.

    Balancers and orchestrators probe each backend by its IP address, which is
    not in ALLOWED_HOSTS; the answer reveals nothing a probe should not see.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)


class LanguageMiddleware:
    """Speak Russian unless the visitor chose another language with the switch.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored:
    the operator's portal is Russian first, whatever the device's settings.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ["Cookie"])
        return response

"""SMS through a pluggable gateway, chosen by ``SMS_BACKEND``.

A gateway is a class with ``send(phone, text)``; it raises an exception for
a failure worth retrying. The default one records the message in the
database and the log, which is what a portal without a contract with an SMS
provider can honestly do.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class DatabaseSmsBackend:
    """Record the SMS (admin: Portal operations → SMS messages) and log it."""

    def send(self, phone: str, text: str) -> None:
        from .models import SmsMessage

        SmsMessage.objects.create(
            phone=phone, text=text, backend=f"{__name__}.{type(self).__name__}"
        )
        logger.info("SMS to %s: %s", phone[:-4] + "****", text)


class SmsGatewayError(OSError):
    """The gateway refused or failed a message; worth trying again later."""


class HttpSmsBackend:
    """Send through an HTTP gateway: POST JSON, success is any 2xx answer.

    ``SMS_HTTP_URL`` receives ``{"to": "+7…", "text": "…", "sender": "…"}``
    with ``Authorization: Bearer SMS_HTTP_TOKEN``; most Russian SMS providers
    take this shape directly or through a small adapter. Timeouts and
    non-2xx answers raise SmsGatewayError, which the senders retry.
    """

    def send(self, phone: str, text: str) -> None:
        body = json.dumps(
            {"to": phone, "text": text, "sender": settings.SMS_HTTP_SENDER}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is a setting
            settings.SMS_HTTP_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.SMS_HTTP_TIMEOUT
            ) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise SmsGatewayError(f"SMS gateway answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError) as exc:
            raise SmsGatewayError(f"SMS gateway unreachable: {exc}") from exc
        logger.info("SMS to %s sent through the HTTP gateway", phone[:-4] + "****")


def sms_send(*, phone: str, text: str) -> None:
    """Send one SMS through the configured gateway."""
    import_string(settings.SMS_BACKEND)().send(phone, text)

"""SMS through a pluggable gateway, chosen by ``SMS_BACKEND``.

A gateway is a class with ``send(phone, text)``; it raises an exception for
a failure worth retrying. The default one records the message in the
database and the log, which is what a portal without a contract with an SMS
provider can honestly do.
"""

import logging

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


def sms_send(*, phone: str, text: str) -> None:
    """Send one SMS through the configured gateway."""
    import_string(settings.SMS_BACKEND)().send(phone, text)

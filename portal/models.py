from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeatQuerySet(models.QuerySet):
    def seen_since(self, moment):
        return self.filter(last_seen__gte=moment)


class WorkerHeartbeat(models.Model):
    """The last sign of life of one Celery worker, written by a beat-scheduled task.

    It lets operations see from the admin and /healthz whether the background
    work (routing, SLA watch, notifications) is being done at all.
    """

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    last_seen = models.DateTimeField(_("last seen"))
    beats = models.PositiveBigIntegerField(_("heartbeats received"), default=0)

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-last_seen"]

    def __str__(self):
        return self.hostname


class SmsMessage(models.Model):
    """An SMS as handed to the gateway: the record of what subscribers were told.

    The default gateway only records the message (and logs it); a real one
    sends it and records the result here too.
    """

    phone = models.CharField(_("phone"), max_length=20)
    text = models.CharField(_("text"), max_length=480)
    backend = models.CharField(_("gateway"), max_length=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.phone}: {self.text[:40]}"

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

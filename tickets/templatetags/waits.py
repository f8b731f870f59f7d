"""How long a wait is, in words: "45 min", "3 h 20 min", "2 d 4 h"."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def wait_duration(minutes) -> str:
    if minutes is None:
        return "—"
    minutes = int(minutes)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": max(minutes, 1)}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes:
            return _("%(hours)d h %(minutes)d min") % {
                "hours": hours,
                "minutes": minutes,
            }
        return _("%(hours)d h") % {"hours": hours}
    days, hours = divmod(hours, 24)
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}

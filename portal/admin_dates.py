"""The admin's date drill-down (``date_hierarchy``) without its 500s."""

from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect

from .params import ascii_int

# Years the drill-down may open: Django adds a year to the last one, and
# converts the first day of the first one to UTC.
YEARS = range(2, 9999)
PARTS = {"year": (YEARS, 4), "month": (range(1, 13), 2), "day": (range(1, 32), 2)}


class DateHierarchyGuardMixin:
    """Send a drill-down to a year, month or day out of range (typed into the
    address) to the admin's "invalid filter" page instead of a server error."""

    def changelist_view(self, request, extra_context=None):
        field = self.date_hierarchy
        for part, (allowed, digits) in PARTS.items():
            value = request.GET.get(f"{field}__{part}") if field else None
            if value is not None and ascii_int(value, digits=digits) not in allowed:
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

"""The admin's date drill-down (``date_hierarchy``) without its 500s."""

from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect

from .params import ascii_int

# Years the drill-down may open: Django adds a year to the last one, and
# converts the first day of the first one to UTC.
YEARS = range(2, 9999)


class DateHierarchyGuardMixin:
    """Send a drill-down to a year outside ``YEARS`` (typed into the address)
    to the admin's "invalid filter" page instead of a server error."""

    def changelist_view(self, request, extra_context=None):
        field = self.date_hierarchy
        if field:
            year = request.GET.get(f"{field}__year")
            if year is not None and ascii_int(year, digits=4) not in YEARS:
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

"""The managers' ticket report and its exports: thin views over tickets.reports."""

import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from .exports import table_csv, tables_xlsx
from .forms import ReportFilterForm
from .reports import report_build

REPORT_PERMISSION = "tickets.view_all_tickets"


class ReportAccessMixin(LoginRequiredMixin):
    """Managers (and administrators) only; anyone else signed in gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            REPORT_PERMISSION
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _default_period() -> dict:
    """The form as first shown: the last 30 days, dates filled in."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=ReportFilterForm.DEFAULT_DAYS - 1)
    return {"start": start.isoformat(), "end": today.isoformat()}


class ReportView(ReportAccessMixin, View):
    def get(self, request):
        form = ReportFilterForm(request.GET or _default_period())
        report = report_build(form.filters()) if form.is_valid() else None
        return render(
            request,
            "tickets/report.html",
            {
                "form": form,
                "report": report,
                "query": request.GET.urlencode(),
                "generated": timezone.now(),
            },
        )


class ReportExportView(ReportAccessMixin, View):
    """One table (or ``all``) of the report as CSV or XLSX, same filters."""

    def get(self, request, key, file_format):
        if file_format not in ("csv", "xlsx"):
            raise Http404
        form = ReportFilterForm(request.GET or {})
        if not form.is_valid():
            raise Http404
        filters = form.filters()
        tables = report_build(filters)["tables"]
        if key != "all":
            tables = [table for table in tables if table.key == key]
            if not tables:
                raise Http404
        name = f"report-{key}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
        if file_format == "csv":
            if len(tables) != 1:
                raise Http404
            # With a byte order mark, Excel reads the UTF-8 Cyrillic right.
            response = HttpResponse(
                "\ufeff" + table_csv(tables[0]), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                tables_xlsx(tables),
                content_type=(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                ),
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
        return response

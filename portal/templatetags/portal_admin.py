"""Template tags of the admin's fast change lists (see ``portal.admin_rows``)."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, result_list

from portal.admin_rows import fast_rows

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def fast_result_list(cl):
    """``{% result_list %}`` with the rows written by ``fast_rows``."""
    if cl.formset:  # editable cells: the stock rows render the forms
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],  # only a formset has them
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": fast_rows(cl),
    }

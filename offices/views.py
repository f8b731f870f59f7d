from django.views.generic import TemplateView


class OfficeListView(TemplateView):
    template_name = "offices/office_list.html"

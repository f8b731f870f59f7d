from django.urls import path

from . import report_views, views

app_name = "tickets"

urlpatterns = [
    path("feedback/", views.TicketCreateView.as_view(), name="feedback"),
    path("feedback/sent/<slug:number>/", views.TicketDoneView.as_view(), name="done"),
    path("hotline/", views.HotlineView.as_view(), name="hotline"),
    path("reports/", report_views.ReportView.as_view(), name="reports"),
    path(
        "reports/export/<slug:key>.<str:file_format>",
        report_views.ReportExportView.as_view(),
        name="report_export",
    ),
    path("tickets/", views.MyTicketsView.as_view(), name="list"),
    path("tickets/find/", views.GuestLookupView.as_view(), name="guest_lookup"),
    path("tickets/find/code/", views.GuestCodeView.as_view(), name="guest_code"),
    path("tickets/t/<slug:token>/", views.GuestTicketView.as_view(), name="guest"),
    path(
        "tickets/t/<slug:token>/files/<int:pk>/",
        views.GuestAttachmentView.as_view(),
        name="guest_attachment",
    ),
    path("tickets/<slug:number>/", views.TicketDetailView.as_view(), name="detail"),
    path(
        "tickets/<slug:number>/files/<int:pk>/",
        views.AttachmentView.as_view(),
        name="attachment",
    ),
]

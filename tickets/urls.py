from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("feedback/", views.FeedbackView.as_view(), name="feedback"),
    path("hotline/", views.HotlineView.as_view(), name="hotline"),
]

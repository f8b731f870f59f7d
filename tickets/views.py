from django.views.generic import TemplateView


class FeedbackView(TemplateView):
    template_name = "tickets/feedback.html"


class HotlineView(TemplateView):
    template_name = "tickets/hotline.html"

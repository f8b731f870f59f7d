from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = _("Frequently asked questions")

    def ready(self):
        from .models import Article, FaqCategory
        from .services import faq_changed

        # Kept search results go as soon as the FAQ is edited.
        for model in (Article, FaqCategory):
            post_save.connect(faq_changed, sender=model, dispatch_uid=f"faq-{model}")
            post_delete.connect(
                faq_changed, sender=model, dispatch_uid=f"faq-del-{model}"
            )
        m2m_changed.connect(
            faq_changed,
            sender=Article.service_types.through,
            dispatch_uid="faq-m2m",
        )

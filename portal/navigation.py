"""The main sections of the portal: the header menu and the home page list them."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    url_name: str
    label: str
    description: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


SECTIONS = [
    Section(
        "accounts",
        "accounts:home",
        _("Personal account"),
        _(
            "Personal accounts, balance and debt, connected services and tariffs, "
            "your tickets."
        ),
    ),
    Section(
        "feedback",
        "tickets:feedback",
        _("Feedback"),
        _("Report a fault, ask about a bill, change a tariff or file a claim."),
    ),
    Section(
        "hotline",
        "tickets:hotline",
        _("Hotline"),
        _(
            "Phone numbers for individuals and business, and what to prepare "
            "before you call."
        ),
    ),
    Section(
        "offices",
        "offices:list",
        _("Offices"),
        _("Customer service offices, their addresses and opening hours."),
    ),
    Section(
        "faq",
        "faq:list",
        _("FAQ"),
        _(
            "Answers to common questions: no internet, slow speed, payments, "
            "moving house."
        ),
    ),
]

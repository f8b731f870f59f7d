"""The feedback form and the ticket page's forms. They validate; views call services."""

import datetime
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import (
    ClientCategory,
    PersonalAccount,
    ReplyChannel,
    Service,
    ServiceType,
)
from accounts.services import service_types_offered
from accounts.validators import (
    account_number_normalise,
    russian_phone_normalise,
    service_number_normalise,
)
from offices.models import City
from portal.forms import (
    PortalCaptchaField,
    PortalFormMixin,
    ReferenceChoiceField,
    TextField,
)

from .files import attachments_inspect
from .models import CallTime, SpecialistQueue, Ticket, Topic
from .reports import Filters
from .services import ticket_zone, topics_offered

BODY_MAX = 5000


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by its content."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [super(MultipleFileField, self).clean(item, initial) for item in files]
        return attachments_inspect(files)


def _attachments_help():
    return _(
        "Screenshots, photos, PDF, office documents, text or log files: up to "
        "%(count)d files, %(size)s each, %(total)s together."
    ) % {
        "count": settings.PORTAL_ATTACHMENT_MAX_FILES,
        "size": filesizeformat(settings.PORTAL_ATTACHMENT_MAX_SIZE),
        "total": filesizeformat(settings.PORTAL_ATTACHMENT_MAX_TOTAL),
    }


def _attachments_field():
    return MultipleFileField(
        label=_("Files"),
        help_text=lazy(_attachments_help, str)(),
        widget=MultipleFileInput(attrs={"data-attachments": "1"}),
    )


class ServiceSelect(forms.Select):
    """Each service says its type (``data-service-type``): the answers offered
    beside the form follow the service chosen."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-service-type"] = instance.service_type_id
        return option


class ServiceChoiceField(forms.ModelChoiceField):
    widget = ServiceSelect

    def label_from_instance(self, obj):
        return _("%(type)s, %(number)s (account %(account)s)") % {
            "type": obj.service_type.display_name,
            "number": obj.number_display,
            "account": obj.account.number,
        }


class TicketForm(PortalFormMixin, forms.Form):
    """The feedback form, in the order of the operator's paper form.

    A signed-in subscriber picks a service and an account of their own, and the
    contact part is left out when the profile already has what the chosen
    reply channel needs; a guest types everything and solves the captcha.
    """

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    service = ServiceChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Another service, or not about a service"),
    )
    service_type = ReferenceChoiceField(
        label=_("Service type"),
        rows=service_types_offered,
        label_from_row=lambda row: row.display_name,
        required=False,
        empty_label=_("Choose the service"),
    )
    service_number = TextField(
        label=_("Service number"),
        max_length=64,
        required=False,
        help_text=_(
            "The phone number for phone services, otherwise the login from the "
            "contract or the set-top box ID."
        ),
    )
    account = forms.ModelChoiceField(
        label=pgettext_lazy("personal account in billing", "Account"),
        queryset=PersonalAccount.objects.none(),
        required=False,
        empty_label=_("Not about one of my accounts"),
    )
    account_number = TextField(
        label=_("Personal account number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("On your bill and in the contract."),
    )
    client_category = forms.ChoiceField(
        label=_("You are"),
        choices=ClientCategory.choices,
        initial=ClientCategory.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    topic = ReferenceChoiceField(
        label=_("Topic"),
        rows=topics_offered,
        label_from_row=lambda row: row.display_name,
        empty_label=_("Choose the topic"),
    )
    connection_address = TextField(
        label=_("Connection address"),
        max_length=255,
        required=False,
        help_text=_("City, street, house and flat where the service is connected."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    body = TextField(
        label=_("What happened"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": BODY_MAX}),
        help_text=_(
            "When it started, what you already tried, what you see on the "
            "equipment. Up to 5000 characters."
        ),
    )
    claim_demands = TextField(
        label=_("Your demands"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 3000}),
        help_text=_("For example: recalculate the bill for the days without service."),
    )
    claim_answer_form = forms.ChoiceField(
        label=_("How to send the answer to the claim"),
        choices=Ticket.ClaimAnswerForm.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    attachments = _attachments_field()
    reply_channel = forms.ChoiceField(
        label=_("How to answer you"),
        choices=ReplyChannel.choices,
        initial=ReplyChannel.EMAIL,
        widget=forms.RadioSelect,
        help_text=_(
            "By phone: a specialist calls you back, and SMS tell you the status."
        ),
    )
    callback_time = forms.ChoiceField(
        label=_("When to call you"),
        choices=CallTime.choices,
        required=False,
        help_text=_("Your local time. We try to call within this time."),
    )
    contact_name = TextField(
        label=_("Your name"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = TextField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("For example 8 912 345-67-89."),
    )
    consent = forms.BooleanField(
        label=_("I consent to the processing of my personal data"),
        error_messages={
            "required": _("We cannot accept the ticket without this consent.")
        },
    )
    captcha = PortalCaptchaField()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        # Only the fields this visitor is asked are copied into the form.
        skipped = self.fields_not_asked()
        self.base_fields = {
            name: field
            for name, field in type(self).base_fields.items()
            if name not in skipped
        }
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        elif not _is_uuid(self.data.get("submission_key")):
            # A lost or damaged key must not trap the visitor in the form.
            self.data = self.data.copy()
            self.data["submission_key"] = str(uuid.uuid4())

    @property
    def signed_in(self) -> bool:
        return self.user.is_authenticated and self.user.subscriber_id is not None

    def fields_not_asked(self) -> set[str]:
        """The fields this visitor is not asked: what their profile knows."""
        if not self.signed_in:
            return {"service", "account"}
        skipped = {"client_category", "consent", "captcha"}
        # The profile knows the name and contacts; they are asked only if missing.
        if self.user.get_full_name():
            skipped.add("contact_name")
        if self.user.email:
            skipped.add("contact_email")
        if self.user.phone:
            skipped.add("contact_phone")
        return skipped

    def setup_fields(self):
        fields = self.fields
        for name in (
            "service",
            "service_type",
            "contact_name",
            "contact_email",
            "contact_phone",
        ):
            if name in fields:
                fields[name].required_when = "depends"
        fields["claim_demands"].required_when = "claim"
        fields["claim_answer_form"].required_when = "claim"
        if not self.signed_in:
            fields["consent"].help_text = format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                reverse("accounts:consent"),
                _("Read the consent (opens in a new tab)"),
            )
            return
        fields["reply_channel"].initial = self.user.reply_channel
        if not self.is_bound:
            self.holdings_layout()
            return
        # A sent form looks up only what was chosen; the lists themselves are
        # made if the form is shown again (holdings_layout).
        self._holdings_querysets(
            name for name in ("service", "account") if self.data.get(name)
        )

    def _holdings_querysets(self, names=("service", "account")):
        """Offer the subscriber's own services and accounts (nobody else's)."""
        owned = {"service": Service.objects, "account": PersonalAccount.objects}
        for name in names:
            if name in self.fields:
                self.fields[name].queryset = owned[name].for_user(self.user)

    def holdings_layout(self):
        """Show a signed-in subscriber the lists of their services and accounts.

        Without services the service type is chosen from all; without
        accounts the number is typed. A sent form is checked with both ways
        open (the choices are only the subscriber's own either way), and this
        query is made only when the form is shown: on a blank form, and again
        with errors. Errors of a field not shown move to the one that is.
        """
        if not self.signed_in or getattr(self, "_holdings_done", False):
            return
        self._holdings_done = True
        self._holdings_querysets()
        fields = self.fields
        counts = list(
            PersonalAccount.objects.for_user(self.user).annotate(
                services_count=Count("services")
            )
        )
        if any(account.services_count for account in counts):
            fields["service_type"].label = _("Service type, if it is not in the list")
        else:
            self._field_drop("service", into="service_type")
        if counts:
            self._field_drop("account_number", into="account")
        else:
            self._field_drop("account", into="account_number")

    def _field_drop(self, name, *, into=NON_FIELD_ERRORS):
        errors = self._errors.pop(name, None) if self._errors else None
        del self.fields[name]
        if errors:
            self._errors.setdefault(into, self.error_class()).extend(errors)

    # Checks of single fields -------------------------------------------------------

    def clean_account_number(self):
        value = self.cleaned_data.get("account_number", "")
        return account_number_normalise(value) if value.strip() else ""

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "")
        return russian_phone_normalise(value) if value.strip() else ""

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) < 10:
            raise ValidationError(
                _("Describe the problem in a few words: at least 10 characters."),
                code="body_too_short",
            )
        return body

    # Checks of the whole form -----------------------------------------------------

    def clean(self):
        data = super().clean()
        self._clean_service(data)
        self._clean_topic_rules(data)
        self._clean_contacts(data)
        return data

    def _clean_service(self, data):
        service = data.get("service")
        if service is not None:
            data["service_type"] = service.service_type
            data["service_number"] = service.number
            if not data.get("account"):
                data["account"] = service.account
            elif data["account"] != service.account:
                self.add_error(
                    "account",
                    ValidationError(
                        _(
                            "The chosen service is on personal account "
                            "%(number)s: choose that account."
                        ),
                        code="service_on_other_account",
                        params={"number": service.account.number},
                    ),
                )
        elif not data.get("service_type") and "service_type" not in self.errors:
            self.add_error(
                "service_type",
                ValidationError(_("Choose the service."), code="required"),
            )
        number = data.get("service_number", "")
        service_type = data.get("service_type")
        if service is None and number and service_type:
            try:
                data["service_number"] = service_number_normalise(
                    service_type.number_kind, number
                )
            except ValidationError as exc:
                self.add_error("service_number", exc)
        account = data.get("account")
        if account is not None:
            data["account_number"] = account.number
            if not data.get("connection_address"):
                data["connection_address"] = account.address

    def _clean_topic_rules(self, data):
        topic = data.get("topic")
        if topic is None:
            return
        service_type = data.get("service_type")
        allowed = topic.service_type_ids
        if service_type and allowed and service_type.pk not in allowed:
            self.add_error(
                "topic",
                ValidationError(
                    _("This topic is not about %(service)s: choose another topic."),
                    code="topic_not_for_service",
                    params={"service": service_type.display_name},
                ),
            )
        if (
            topic.needs_account_or_address
            and not data.get("account_number")
            and not data.get("connection_address")
            and not self.has_error("account_number")
        ):
            field = "account" if "account" in self.fields else "account_number"
            self.add_error(
                field,
                ValidationError(
                    _(
                        "For this topic we need the personal account number or "
                        "the connection address: fill in one of them."
                    ),
                    code="account_or_address_required",
                ),
            )
        if topic.is_claim:
            if not data.get("claim_demands"):
                self.add_error(
                    "claim_demands",
                    ValidationError(
                        _("A claim states what you demand."), code="claim_demands"
                    ),
                )
            if not data.get("claim_answer_form"):
                self.add_error(
                    "claim_answer_form",
                    ValidationError(
                        _("Choose how to send you the answer to the claim."),
                        code="claim_answer_form",
                    ),
                )
        else:
            data["claim_demands"] = ""
            data["claim_answer_form"] = ""

    def _clean_contacts(self, data):
        if self.signed_in:
            data["client_category"] = self.user.subscriber.category
            data["contact_name"] = data.get("contact_name") or self.user.get_full_name()
            data["contact_email"] = data.get("contact_email") or self.user.email
            data["contact_phone"] = data.get("contact_phone") or (
                str(self.user.phone) if self.user.phone else ""
            )
        if (
            "contact_name" in self.fields
            and not data.get("contact_name")
            and not self.has_error("contact_name")
        ):
            self.add_error(
                "contact_name",
                ValidationError(_("Tell us how to address you."), code="required"),
            )
        channel = data.get("reply_channel")
        if (
            channel == ReplyChannel.EMAIL
            and not data.get("contact_email")
            and not self.has_error("contact_email")
        ):
            self.add_error(
                "contact_email",
                ValidationError(
                    _("Enter the e-mail to get the answer by e-mail."),
                    code="email_required_for_channel",
                ),
            )
        if (
            channel == ReplyChannel.PHONE
            and not data.get("contact_phone")
            and not self.has_error("contact_phone")
        ):
            self.add_error(
                "contact_phone",
                ValidationError(
                    _("Enter a phone number so that we can call you back."),
                    code="phone_required_for_channel",
                ),
            )

    def ticket_data(self) -> dict:
        """Return the cleaned values that the ticket stores."""
        data = self.cleaned_data
        return {
            "client_category": data["client_category"],
            "service_type": data["service_type"],
            "service_number": data.get("service_number", ""),
            "account_number": data.get("account_number", ""),
            "connection_address": data.get("connection_address", ""),
            "topic": data["topic"],
            "body": data["body"],
            "claim_demands": data.get("claim_demands", ""),
            "claim_answer_form": data.get("claim_answer_form", ""),
            "reply_channel": data["reply_channel"],
            "callback_time": (
                data.get("callback_time", "")
                if data["reply_channel"] == ReplyChannel.PHONE
                else ""
            ),
            "contact_name": data["contact_name"],
            "contact_email": data.get("contact_email", ""),
            "contact_phone": data.get("contact_phone", ""),
        }


class MessageForm(PortalFormMixin, forms.Form):
    body = TextField(
        label=_("Your message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": BODY_MAX}),
    )
    attachments = _attachments_field()


class RatingForm(PortalFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How do you rate the answer"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is the best."),
    )
    comment = TextField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("all tickets")),
            ("open", _("open")),
            ("closed", _("resolved and closed")),
        ],
    )


class GuestLookupForm(PortalFormMixin, forms.Form):
    number = TextField(
        label=_("Ticket number"),
        max_length=20,
        help_text=_("For example 2026-0001234."),
    )
    contact = TextField(label=_("E-mail or phone given in the ticket"), max_length=254)
    captcha = PortalCaptchaField()


class GuestCodeForm(PortalFormMixin, forms.Form):
    number = TextField(label=_("Ticket number"), max_length=20)
    code = TextField(
        label=_("Code from the message"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class DeskForm(forms.Form):
    """A form of the desk's ticket page; it is given the ticket it acts on."""

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket


class DeskReplyForm(DeskForm):
    """Support's answer on the desk's ticket page: public, or an internal note."""

    body = TextField(
        label=_("Reply"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 10000}),
    )
    internal = forms.BooleanField(
        label=_("Internal note (the subscriber does not see it)"), required=False
    )


class DeskVisitForm(forms.Form):
    """A technician visit's slot, in the desk's time zone."""

    prefix = "visit"

    day = forms.DateField(
        label=_("Day of the visit"), widget=forms.DateInput(attrs={"type": "date"})
    )
    starts = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    address = TextField(
        label=_("Address"),
        max_length=255,
        required=False,
        help_text=_("Leave empty for the connection address of the ticket."),
    )
    note = TextField(label=_("Note for the technician"), max_length=200, required=False)

    HORIZON_DAYS = 60

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        # The slot is in the subscriber's city's time zone.
        self.zone = ticket_zone(ticket)
        self.fields["address"].initial = (
            ticket.visit_address or ticket.connection_address
        )

    def clean(self):
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if not (day and starts and ends):
            return data
        zone = self.zone
        data["starts_at"] = datetime.datetime.combine(day, starts, tzinfo=zone)
        data["ends_at"] = datetime.datetime.combine(day, ends, tzinfo=zone)
        if ends <= starts:
            self.add_error(
                "ends",
                ValidationError(
                    _("The slot must end after it starts."), code="visit_slot"
                ),
            )
        elif data["starts_at"] < timezone.now():
            self.add_error(
                "day",
                ValidationError(
                    _("The visit cannot start in the past."), code="visit_past"
                ),
            )
        elif day > timezone.localdate(timezone=zone) + datetime.timedelta(
            days=self.HORIZON_DAYS
        ):
            self.add_error(
                "day",
                ValidationError(
                    _("A visit is scheduled at most %(days)d days ahead.")
                    % {"days": self.HORIZON_DAYS},
                    code="visit_far",
                ),
            )
        return data


class DeskCallbackForm(DeskForm):
    """The outcome of one call to a subscriber who asked to be called."""

    prefix = "callback"

    reached = forms.TypedChoiceField(
        label=_("Outcome of the call"),
        choices=((True, _("reached")), (False, _("not reached"))),
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )
    note = TextField(label=_("Note"), max_length=200, required=False)


class ReportFilterForm(forms.Form):
    """The report's period and filters; by default the last 30 days."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    queue = forms.ModelChoiceField(
        label=_("Queue"), queryset=None, required=False, empty_label=_("all")
    )
    service_type = forms.ModelChoiceField(
        label=_("Service type"), queryset=None, required=False, empty_label=_("all")
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=None, required=False, empty_label=_("all")
    )
    client_category = forms.ChoiceField(
        label=_("Client category"),
        choices=[("", _("all")), *ClientCategory.choices],
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Reply channel"),
        choices=[("", _("all")), *ReplyChannel.choices],
        required=False,
    )
    city = forms.ChoiceField(label=_("City"), required=False)

    DEFAULT_DAYS = 30
    LONGEST_DAYS = 366
    # Dates a report may cover: the portal's tickets, with room on both sides.
    EARLIEST = datetime.date(2000, 1, 1)
    LATEST = datetime.date(2099, 12, 31)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update(
                min=self.EARLIEST.isoformat(), max=self.LATEST.isoformat()
            )
        self.fields["queue"].queryset = SpecialistQueue.objects.all()
        self.fields["service_type"].queryset = ServiceType.objects.all()
        self.fields["topic"].queryset = Topic.objects.all()
        self.fields["city"].choices = [
            ("", _("all")),
            *((city.name, str(city)) for city in City.objects.all()),
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-control"
            )

    def _clean_date(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not self.EARLIEST <= value <= self.LATEST:
            raise ValidationError(
                _("Choose a date from %(earliest)s to %(latest)s."),
                code="date_range",
                params={
                    "earliest": date_format(self.EARLIEST, "SHORT_DATE_FORMAT"),
                    "latest": date_format(self.LATEST, "SHORT_DATE_FORMAT"),
                },
            )
        return value

    def clean_start(self):
        return self._clean_date("start")

    def clean_end(self):
        return self._clean_date("end")

    def clean(self):
        data = super().clean()
        if self.has_error("start") or self.has_error("end"):
            return data
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - datetime.timedelta(
            days=self.DEFAULT_DAYS - 1
        )
        if start > end:
            self.add_error(
                "end",
                ValidationError(
                    _("The end of the period must not come before its start."),
                    code="period_order",
                ),
            )
        elif (end - start).days >= self.LONGEST_DAYS:
            self.add_error(
                "start",
                ValidationError(
                    _("A report covers at most %(days)d days.")
                    % {"days": self.LONGEST_DAYS},
                    code="period_long",
                ),
            )
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            start=data["start"],
            end=data["end"],
            queue=data["queue"].pk if data.get("queue") else None,
            service_type=data["service_type"].pk if data.get("service_type") else None,
            topic=data["topic"].pk if data.get("topic") else None,
            client_category=data.get("client_category", ""),
            channel=data.get("channel", ""),
            city=data.get("city", ""),
        )

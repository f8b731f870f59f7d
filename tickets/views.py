"""Feedback, the hotline, and following a ticket: thin views that call services."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.services import ClientInfo
from portal.params import ascii_int
from portal.throttle import client_ip, period_display

from . import services
from .forms import (
    GuestCodeForm,
    GuestLookupForm,
    MessageForm,
    RatingForm,
    TicketFilterForm,
    TicketForm,
)
from .models import Attachment, Message, Ticket, TicketEvent
from .reports import wait_times

GUEST_SESSION_KEY = "guest_tickets"


class HotlineView(TemplateView):
    template_name = "tickets/hotline.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "wait": wait_times()}


# Filing a ticket -----------------------------------------------------------------


class TicketCreateView(FormView):
    """The feedback form: anyone may write; signed-in subscribers type less."""

    template_name = "tickets/ticket_form.html"
    form_class = TicketForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        for name in ("topic", "service_type"):
            if ascii_int(self.request.GET.get(name)) is not None:
                initial[name] = self.request.GET[name]
        return initial

    def get_context_data(self, **kwargs):
        rules = {
            topic.pk: {
                "claim": topic.is_claim,
                "needsAccountOrAddress": topic.needs_account_or_address,
            }
            for topic in services.topics_offered().values()
        }
        return super().get_context_data(topic_rules=rules, wait=wait_times(), **kwargs)

    def form_invalid(self, form):
        # The browser never sends the chosen files back: say so plainly.
        form.files_dropped = bool(self.request.FILES)
        form.holdings_layout()
        return super().form_invalid(form)

    def form_valid(self, form):
        user = self.request.user
        if not services.ticket_submission_allowed(
            ip_address=client_ip(self.request),
            user=user,
            submission_key=form.cleaned_data["submission_key"],
        ):
            form.add_error(
                None,
                ValidationError(
                    _(
                        "Too many tickets in a short time. Please wait %(period)s "
                        "and send again: everything you typed is kept."
                    ),
                    code="throttled",
                    params={"period": period_display(settings.PORTAL_TICKET_LIMIT[1])},
                ),
            )
            return self.form_invalid(form)
        ticket, created = services.ticket_create(
            author=user,
            submission_key=form.cleaned_data["submission_key"],
            client=ClientInfo.from_request(self.request),
            files=form.cleaned_data["attachments"],
            language=user.language if form.signed_in else self.request.LANGUAGE_CODE,
            **form.ticket_data(),
        )
        if not created and not _visitor_owns(self.request, ticket):
            # Somebody else's key: never show them that ticket; a fresh key
            # lets this visitor send their own.
            form.data = form.data.copy()
            form.data["submission_key"] = str(uuid.uuid4())
            form.add_error(
                None,
                ValidationError(
                    _("The form has expired. Please send it again."), code="stale"
                ),
            )
            return self.form_invalid(form)
        return self._done(ticket, guest=not form.signed_in)

    def post(self, request, *args, **kwargs):
        # A guest's second click of a double click, or a resend after a lost
        # answer: the ticket exists, so show its confirmation instead of the
        # form, whose one-time captcha the first click has used up. (A
        # subscriber's form has no captcha: ticket_create finds the ticket.)
        if request.user.is_authenticated and request.user.subscriber_id:
            return super().post(request, *args, **kwargs)
        try:
            key = uuid.UUID(request.POST.get("submission_key", ""))
        except ValueError:
            key = None
        ticket = Ticket.objects.filter(submission_key=key).first() if key else None
        if ticket is not None and _visitor_owns(self.request, ticket):
            return redirect("tickets:done", number=ticket.number)
        return super().post(request, *args, **kwargs)

    def _done(self, ticket, *, guest):
        if guest:
            # The guest may see the confirmation of what this browser filed.
            tickets = self.request.session.get(GUEST_SESSION_KEY, [])
            if ticket.pk not in tickets:
                self.request.session[GUEST_SESSION_KEY] = [*tickets, ticket.pk][-20:]
        return redirect("tickets:done", number=ticket.number)


class TicketDoneView(TemplateView):
    """The confirmation: the number, when to expect the answer, how it comes."""

    template_name = "tickets/ticket_done.html"

    def get_context_data(self, **kwargs):
        ticket = _ticket_for_request(self.request, self.kwargs["number"])
        return super().get_context_data(ticket=ticket, **kwargs)


def _visitor_owns(request, ticket) -> bool:
    """Say whether the visitor filed the ticket (subscriber's, or this browser's)."""
    user = request.user
    if user.is_authenticated and user.subscriber_id:
        return ticket.subscriber_id == user.subscriber_id
    return ticket.subscriber_id is None and ticket.pk in request.session.get(
        GUEST_SESSION_KEY, []
    )


def _ticket_for_request(request, number):
    """Return the ticket the visitor may see, or raise Http404."""
    ticket = get_object_or_404(
        Ticket.objects.select_related("topic", "service_type"), number=number
    )
    if not _visitor_owns(request, ticket):
        raise Http404
    return ticket


# My tickets --------------------------------------------------------------------------


class MyTicketsView(LoginRequiredMixin, ListView):
    template_name = "tickets/ticket_list.html"
    context_object_name = "tickets"
    paginate_by = 20

    def get_queryset(self):
        tickets = Ticket.objects.for_user(self.request.user).with_list_data()
        self.filter_form = TicketFilterForm(self.request.GET or None)
        if self.filter_form.is_valid():
            status = self.filter_form.cleaned_data["status"]
            if status == "open":
                tickets = tickets.open()
            elif status == "closed":
                tickets = tickets.filter(status__in=Ticket.CLOSED_STATUSES)
        return tickets

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class TicketPageMixin:
    """The ticket page and its actions, for a subscriber or a guest with the link.

    A view using it defines ``get_ticket()``, which finds the ticket the visitor
    may see or raises Http404.
    """

    template_name = "tickets/ticket_detail.html"

    def page_url(self, ticket):
        return ticket.get_absolute_url()

    def dispatch(self, request, *args, **kwargs):
        self.ticket = self.get_ticket()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render(MessageForm(), RatingForm())

    def render(self, message_form, rating_form, status=200):
        ticket = self.ticket
        conversation = list(
            ticket.messages.exclude(kind=Message.Kind.NOTE).prefetch_related(
                "attachments"
            )
        )
        ticket_files = list(ticket.attachments.filter(message=None))
        for attachment in ticket_files + [
            a for message in conversation for a in message.attachments.all()
        ]:
            attachment.ticket = ticket
            attachment.download_url = self.attachment_url(attachment)
        return render(
            self.request,
            self.template_name,
            {
                "ticket": ticket,
                "conversation": conversation,
                "ticket_files": ticket_files,
                # Missed deadlines are support's business, not the subscriber's.
                "events": ticket.history(
                    leave_out=[TicketEvent.Kind.MESSAGE, TicketEvent.Kind.SLA_BREACHED]
                ),
                "message_form": message_form,
                "rating_form": rating_form,
                "page_url": self.page_url(ticket),
            },
            status=status,
        )

    def attachment_url(self, attachment):
        return attachment.get_absolute_url()

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        user = request.user
        message_form, rating_form = MessageForm(), RatingForm()
        try:
            if action == "message":
                message_form = MessageForm(request.POST, request.FILES)
                if message_form.is_valid() and not services.ticket_message_allowed(
                    ticket=self.ticket
                ):
                    message_form.add_error(
                        None,
                        ValidationError(
                            _(
                                "Too many messages in a short time. Please wait "
                                "%(period)s and send again."
                            ),
                            code="throttled",
                            params={
                                "period": period_display(
                                    settings.PORTAL_TICKET_MESSAGE_LIMIT[1]
                                )
                            },
                        ),
                    )
                if not message_form.is_valid():
                    message_form.files_dropped = bool(request.FILES)
                    return self.render(message_form, rating_form, status=200)
                reopened = not self.ticket.is_open
                services.ticket_message_add(
                    ticket=self.ticket,
                    author=user,
                    body=message_form.cleaned_data["body"],
                    files=message_form.cleaned_data["attachments"],
                )
                messages.success(
                    request,
                    _("Your message is added; the ticket is open again.")
                    if reopened
                    else _("Your message is added."),
                )
            elif action == "close":
                services.ticket_close(ticket=self.ticket, author=user)
                messages.success(request, _("The ticket is closed. Thank you!"))
            elif action == "rate":
                rating_form = RatingForm(request.POST)
                if not rating_form.is_valid():
                    return self.render(message_form, rating_form, status=200)
                services.ticket_rate(
                    ticket=self.ticket,
                    author=user,
                    rating=rating_form.cleaned_data["rating"],
                    comment=rating_form.cleaned_data["comment"],
                )
                messages.success(request, _("Thank you for the rating!"))
            else:
                return redirect(self.page_url(self.ticket))
        except services.TicketError as exc:
            messages.error(request, exc.message)
        return redirect(self.page_url(self.ticket))


class TicketDetailView(LoginRequiredMixin, TicketPageMixin, View):
    def get_ticket(self):
        return get_object_or_404(
            Ticket.objects.for_user(self.request.user).select_related(
                "topic", "service_type"
            ),
            number=self.kwargs["number"],
        )


class GuestTicketView(TicketPageMixin, View):
    """A guest's ticket opened through its private link."""

    def get_ticket(self):
        return get_object_or_404(
            Ticket.objects.select_related("topic", "service_type"),
            access_token=self.kwargs["token"],
            subscriber=None,
        )

    def page_url(self, ticket):
        return ticket.get_private_url()

    def attachment_url(self, attachment):
        return reverse(
            "tickets:guest_attachment",
            kwargs={"token": self.ticket.access_token, "pk": attachment.pk},
        )


# Files --------------------------------------------------------------------------------


def _download(attachment):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class AttachmentView(LoginRequiredMixin, View):
    """A file of a ticket, to its subscriber or to staff allowed to see tickets."""

    def get(self, request, number, pk):
        user = request.user
        attachments = Attachment.objects.select_related("ticket")
        if user.is_staff and user.has_perm("tickets.view_ticket"):
            # Staff: the tickets of their queues (managers: all), notes included.
            attachment = get_object_or_404(
                attachments,
                pk=pk,
                ticket__number=number,
                ticket__in=Ticket.objects.for_staff(user),
            )
        else:
            attachment = get_object_or_404(
                attachments.exclude(message__kind=Message.Kind.NOTE),
                pk=pk,
                ticket__number=number,
                ticket__in=Ticket.objects.for_user(user),
            )
        return _download(attachment)


class GuestAttachmentView(View):
    def get(self, request, token, pk):
        attachment = get_object_or_404(
            Attachment.objects.exclude(message__kind=Message.Kind.NOTE),
            pk=pk,
            ticket__access_token=token,
            ticket__subscriber=None,
        )
        return _download(attachment)


# Guests without the link ----------------------------------------------------------


class GuestLookupView(FormView):
    """A guest asks for a one-time code by ticket number and the contact they gave."""

    template_name = "tickets/guest_lookup.html"
    form_class = GuestLookupForm

    def form_valid(self, form):
        services.guest_code_request(
            number=form.cleaned_data["number"], contact=form.cleaned_data["contact"]
        )
        # The same answer whether the ticket and contact matched or not.
        self.request.session["guest_lookup_number"] = form.cleaned_data["number"]
        return redirect("tickets:guest_code")


class GuestCodeView(FormView):
    template_name = "tickets/guest_code.html"
    form_class = GuestCodeForm

    def get_initial(self):
        return {"number": self.request.session.get("guest_lookup_number", "")}

    def form_valid(self, form):
        ticket = services.guest_code_check(
            number=form.cleaned_data["number"], code=form.cleaned_data["code"]
        )
        if ticket is None:
            form.add_error(
                "code",
                ValidationError(
                    _(
                        "The code is wrong or has expired. Check the number and "
                        "the code, or ask for a new code."
                    ),
                    code="bad_code",
                ),
            )
            return self.form_invalid(form)
        return redirect(ticket.get_private_url())

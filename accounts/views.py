"""Pages of the personal account: thin views that validate, call a service, redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView

from portal.throttle import client_ip, period_display

from . import services
from .dashboard import dashboard_panels
from .forms import (
    AccountLinkForm,
    EmailChangeForm,
    PasswordChangeForm,
    PasswordResetForm,
    PhoneCodeForm,
    ProfileForm,
    SetPasswordForm,
    SignInForm,
    SignUpForm,
)
from .models import PersonalAccount, Service, User


def _remember_language(response, language):
    """Make the portal speak the user's language from now on (the switch's cookie)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


class SubscriberRequiredMixin(LoginRequiredMixin):
    """Pages of a subscriber's own data; staff without a subscriber are sent home."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.subscriber_id is None:
            return redirect("accounts:home")
        return super().dispatch(request, *args, **kwargs)


# Sign-in -----------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.get_user().subscriber_id:
            _remember_language(response, form.get_user().language)
        return response


def locked_out(request, credentials=None, *args, **kwargs):
    """Answer a sign-in while django-axes holds it: the form, the login kept, a reason.

    The answer is the same whether the login exists or not.
    """
    form = SignInForm(request, initial={"username": request.POST.get("username", "")})
    period = period_display(int(settings.AXES_COOLOFF_TIME * 3600))
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.POST.get("next", ""),
            "locked_out": True,
            "period": period,
        },
        status=429,
    )


class LogoutView(auth_views.LogoutView):
    pass


# Sign-up -----------------------------------------------------------------------


class SignUpView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignUpForm
    success_url = reverse_lazy("accounts:signup_done")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if not services.signup_allowed(ip_address=client_ip(self.request)):
            form.add_error(
                None,
                ValidationError(
                    _(
                        "Too many sign-ups from this address. Please try again "
                        "in %(period)s."
                    ),
                    code="throttled",
                    params={"period": period_display(settings.PORTAL_SIGNUP_LIMIT[1])},
                ),
            )
            return self.form_invalid(form)
        data = form.cleaned_data
        # The same answer whether the e-mail is new or already registered.
        user = services.subscriber_sign_up(
            category=data["category"],
            full_name=data["full_name"],
            email=data["email"],
            password=data["password1"],
            client=services.ClientInfo.from_request(self.request),
            marketing=data["marketing"],
            language=self.request.LANGUAGE_CODE,
            organisation=data["organisation"],
        )
        self.request.session["signup_email"] = data["email"]
        # Only the browser that made this very sign-up (same profile, same
        # password) confirms with the button alone; see SignUpConfirmView.
        self.request.session["signup_user_id"] = user.pk if user else None
        self.request.session["signup_auth_hash"] = (
            user.get_session_auth_hash() if user else ""
        )
        return super().form_valid(form)


class SignUpDoneView(TemplateView):
    template_name = "accounts/signup_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            email=self.request.session.get("signup_email", ""),
            valid_days=settings.PASSWORD_RESET_TIMEOUT // 86400,
            **kwargs,
        )


class SignUpConfirmView(TemplateView):
    """Confirm the e-mail of a sign-up: a button, so that mail scanners that open
    links do not confirm on their own."""

    template_name = "accounts/signup_confirm.html"

    def get_user(self):
        try:
            pk = urlsafe_base64_decode(self.kwargs["uidb64"]).decode()
            user = User.objects.get(pk=pk)
        except (TypeError, ValueError, OverflowError, User.DoesNotExist):
            return None
        if services.email_confirmation_token.check_token(user, self.kwargs["token"]):
            return user
        return None

    def signed_up_here(self, user) -> bool:
        """Whether this browser made the sign-up the link confirms.

        A later sign-up with the same address (somebody else's, perhaps)
        replaces the password: the earlier browser no longer counts.
        """
        session = self.request.session
        return session.get("signup_user_id") == user.pk and constant_time_compare(
            session.get("signup_auth_hash", ""), user.get_session_auth_hash()
        )

    def get(self, request, *args, **kwargs):
        user = self.get_user()
        return self.render_to_response(
            self.get_context_data(
                valid=user is not None,
                ask_password=user is not None and not self.signed_up_here(user),
            )
        )

    def post(self, request, *args, **kwargs):
        user = self.get_user()
        if user is None:
            return self.render_to_response(self.get_context_data(valid=False))
        if not self.signed_up_here(user):
            # A link opened elsewhere (another browser, a mail scanner, or the
            # letter of a sign-up somebody else made with this address): it
            # confirms only with the password of that sign-up.
            error = None
            if not services.signup_confirm_allowed(user=user):
                error = _("Too many attempts. Please try again in an hour.")
            elif not user.check_password(request.POST.get("password", "")):
                error = _(
                    "The password does not match the sign-up this letter confirms. "
                    "If you signed up more than once, use the latest letter; if "
                    "you did not sign up with this address, sign up again."
                )
            if error:
                return self.render_to_response(
                    self.get_context_data(valid=True, ask_password=True, error=error)
                )
        # Confirm the password just checked (or this browser's), not one that
        # a sign-up made in the meantime put in its place.
        if not services.user_email_confirm(user=user, password_hash=user.password):
            return self.render_to_response(self.get_context_data(valid=False))
        user.refresh_from_db()
        login(request, user, backend="accounts.backends.EmailOrPhoneBackend")
        messages.success(
            request,
            _(
                "Your e-mail is confirmed. Welcome! Link your personal account "
                "to see its balance and services."
            ),
        )
        return _remember_language(redirect("accounts:home"), user.language)


# Password reset and change ---------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_reset_done(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(SubscriberRequiredMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("The password is changed."))
        return super().form_valid(form)


# The personal account ------------------------------------------------------------


class AccountHomeView(LoginRequiredMixin, TemplateView):
    """The dashboard: personal accounts with balance and debt, services, tickets."""

    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.subscriber_id is None:
            return context
        accounts = PersonalAccount.objects.for_user(user).prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.select_related("service_type", "tariff"),
            )
        )
        totals = accounts.aggregate(balance=Sum("balance"), debt=Sum("debt"))
        context.update(
            subscriber=user.subscriber,
            accounts=accounts,
            total_debt=totals["debt"] or 0,
            panels=dashboard_panels(user),
        )
        return context


class AccountDetailView(SubscriberRequiredMixin, DetailView):
    template_name = "accounts/account_detail.html"
    context_object_name = "account"

    def get_object(self, queryset=None):
        return get_object_or_404(
            PersonalAccount.objects.for_user(self.request.user).prefetch_related(
                Prefetch(
                    "services",
                    queryset=Service.objects.select_related("service_type", "tariff"),
                )
            ),
            number=self.kwargs["number"],
        )


class AccountLinkView(SubscriberRequiredMixin, FormView):
    template_name = "accounts/account_link.html"
    form_class = AccountLinkForm

    def form_valid(self, form):
        try:
            account = services.account_link(
                user=self.request.user,
                number=form.cleaned_data["number"],
                contract_number=form.cleaned_data["contract_number"],
                ip_address=client_ip(self.request),
            )
        except services.AccountLinkError as exc:
            form.add_error(None, ValidationError(exc.message, code=exc.code))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Personal account %(number)s is linked to your profile.")
            % {"number": account.number},
        )
        return redirect(account)


class ProfileView(SubscriberRequiredMixin, FormView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        user = self.request.user
        subscriber = user.subscriber
        return {
            "full_name": user.full_name,
            "phone": user.phone.as_national if user.phone else "",
            "reply_channel": user.reply_channel,
            "language": user.language,
            "marketing": services.marketing_consent_given(user=user),
            "organisation_name": subscriber.name,
            "inn": subscriber.inn,
            "kpp": subscriber.kpp,
            "ogrn": subscriber.ogrn,
            "contact_person": subscriber.contact_person,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user, code_sent = services.profile_update(
                user=self.request.user,
                client=services.ClientInfo.from_request(self.request),
                full_name=data["full_name"],
                phone=data["phone"],
                reply_channel=data["reply_channel"],
                language=data["language"],
                marketing=data["marketing"],
                organisation=data.get("organisation"),
            )
        except (IntegrityError, ValidationError):
            # The database refused the phone (it stays as it was).
            self.request.user.refresh_from_db()
            form.add_error("phone", form.phone_taken_error())
            return self.form_invalid(form)
        messages.success(self.request, _("The profile is saved."))
        if user.phone and user.phone_confirmed_at is None:
            if code_sent is False:
                messages.warning(
                    self.request,
                    _(
                        "Several codes were sent already: no new one now. Ask "
                        "for one a little later."
                    ),
                )
            response = redirect("accounts:phone_confirm")
        else:
            response = super().form_valid(form)
        return _remember_language(response, user.language)


class EmailChangeView(SubscriberRequiredMixin, FormView):
    template_name = "accounts/email_change.html"
    form_class = EmailChangeForm
    success_url = reverse_lazy("accounts:profile")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not services.email_change_request(user=self.request.user, new_email=email):
            form.add_error(
                None,
                ValidationError(
                    _("Several letters were sent already. Please wait a little."),
                    code="throttled",
                ),
            )
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "We have sent a link to %(email)s. Your e-mail changes when you "
                "follow it."
            )
            % {"email": email},
        )
        return super().form_valid(form)


class EmailChangeConfirmView(LoginRequiredMixin, TemplateView):
    """Apply a new e-mail from its link: a button, as mail scanners open links."""

    template_name = "accounts/email_change_confirm.html"

    def post(self, request, *args, **kwargs):
        try:
            user = services.email_change_confirm(
                user=request.user, token=self.kwargs["token"]
            )
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(error=exc.messages[0]))
        messages.success(
            request,
            _("Your e-mail is now %(email)s.") % {"email": user.email},
        )
        return redirect("accounts:profile")


class PhoneConfirmView(SubscriberRequiredMixin, FormView):
    """Confirm the profile's phone with the code sent by SMS, or ask for a new one."""

    template_name = "accounts/phone_confirm.html"
    form_class = PhoneCodeForm
    success_url = reverse_lazy("accounts:profile")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and (not user.phone or user.phone_confirmed_at):
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "resend":
            if services.phone_code_queue(user=request.user):
                messages.success(request, _("A new code is on its way."))
            else:
                messages.error(
                    request,
                    _("Several codes were sent already. Please wait a little."),
                )
            return redirect("accounts:phone_confirm")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.phone_confirm(
                user=self.request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form.add_error("code", exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The phone is confirmed: you can sign in with it.")
        )
        return super().form_valid(form)


# Legal texts -------------------------------------------------------------------------


class LegalTextView(TemplateView):
    """A legal text that names the operator and carries its version."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            operator_name=settings.PORTAL_OPERATOR_NAME,
            operator_address=settings.PORTAL_OPERATOR_ADDRESS,
            version=settings.PORTAL_CONSENT_VERSION,
            **kwargs,
        )


class ConsentView(LegalTextView):
    template_name = "accounts/consent.html"


class PrivacyPolicyView(LegalTextView):
    template_name = "accounts/privacy.html"

"""Forms of the personal account. They validate and never save: views call services."""

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalCaptchaField, PortalFormMixin, TextField
from portal.throttle import (
    client_ip,
    period_display,
    throttle_count,
    throttle_exceeded,
)

from .models import ClientCategory, Language, ReplyChannel, User
from .validators import (
    account_number_normalise,
    inn_normalise,
    kpp_normalise,
    ogrn_normalise,
    russian_phone_normalise,
)

NAME_MAX = 255


class SignInForm(PortalFormMixin, auth_forms.AuthenticationForm):
    """Sign-in with an e-mail or phone number and the password."""

    username = auth_forms.UsernameField(
        label=_("E-mail or mobile phone"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail, phone or password is wrong. Check them and try again, "
            "or reset the password."
        ),
        "inactive": _(
            "This profile is blocked. Please call the hotline to find out why."
        ),
        "unconfirmed": _(
            "Your e-mail is not confirmed yet. We have sent the link once more: "
            "open the letter and follow the link."
        ),
        "unconfirmed_recently": _(
            "Your e-mail is not confirmed yet. We have already sent the link "
            "several times: open the latest letter (look in the spam folder too)."
        ),
        "address_paused": _(
            "Too many unsuccessful sign-ins from this network. Please try again "
            "in %(period)s."
        ),
    }

    def clean(self):
        """Refuse an address that tries many logins (password spraying).

        django-axes counts failures per login and address, so that nobody can
        lock a subscriber out; this counts them per address alone, with a
        limit high enough for a carrier's shared (NAT) address.
        """
        ip = client_ip(self.request) or "unknown"
        limit, period = settings.PORTAL_SIGNIN_IP_LIMIT
        if throttle_exceeded(scope="signin-ip", who=ip, limit=limit, period=period):
            raise ValidationError(
                self.error_messages["address_paused"],
                code="address_paused",
                params={"period": period_display(period)},
            )
        try:
            return super().clean()
        except ValidationError as exc:
            if any(error.code == "invalid_login" for error in exc.error_list):
                throttle_count(scope="signin-ip", who=ip, period=period)
            raise

    def confirm_login_allowed(self, user):
        if user.awaits_email_confirmation:
            from .services import account_email_queue

            sent = account_email_queue(user=user, kind="confirm")
            raise ValidationError(
                self.error_messages["unconfirmed" if sent else "unconfirmed_recently"],
                code="unconfirmed",
            )
        super().confirm_login_allowed(user)


class OrganisationForm(forms.Form):
    """An organisation's name, INN, KPP and OGRN, each checked, and checked together."""

    organisation_name = TextField(
        label=_("Organisation name"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("As in the contract, for example Romashka LLC."),
    )
    inn = TextField(
        label=_("INN"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("10 digits for an organisation, 12 for an entrepreneur."),
    )
    kpp = TextField(
        label=_("KPP"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("9 characters; entrepreneurs have none."),
    )
    ogrn = TextField(
        label=_("OGRN or OGRNIP"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def clean_inn(self):
        value = self.cleaned_data.get("inn", "")
        if not self.organisation_expected():
            return ""
        return inn_normalise(value) if value.strip() else ""

    def clean_kpp(self):
        value = self.cleaned_data.get("kpp", "")
        if not self.organisation_expected():
            return ""
        return kpp_normalise(value) if value.strip() else ""

    def clean_ogrn(self):
        value = self.cleaned_data.get("ogrn", "")
        if not self.organisation_expected():
            return ""
        return ogrn_normalise(value) if value.strip() else ""

    def organisation_expected(self) -> bool:
        """Say whether the organisation fields apply to what was submitted."""
        return True

    def clean_organisation(self, *, required: bool):
        """Check the organisation fields together; return them as a dict."""
        data = self.cleaned_data
        if not required:
            return None
        for field in ("organisation_name", "inn"):
            if (
                field in self.fields
                and not data.get(field)
                and field not in self.errors
            ):
                self.add_error(
                    field,
                    ValidationError(
                        _("Required for a legal entity."), code="required_for_legal"
                    ),
                )
        inn, kpp, ogrn = data.get("inn"), data.get("kpp"), data.get("ogrn")
        if inn and len(inn) == 10 and not kpp and "kpp" not in self.errors:
            self.add_error(
                "kpp",
                ValidationError(
                    _("An organisation with a 10-digit INN has a KPP."),
                    code="kpp_required",
                ),
            )
        if inn and len(inn) == 12 and kpp:
            self.add_error(
                "kpp",
                ValidationError(
                    _("An individual entrepreneur (12-digit INN) has no KPP."),
                    code="kpp_for_entrepreneur",
                ),
            )
        if inn and ogrn and (len(inn), len(ogrn)) not in ((10, 13), (12, 15)):
            self.add_error(
                "ogrn",
                ValidationError(
                    _(
                        "An organisation has a 13-digit OGRN; an individual "
                        "entrepreneur a 15-digit OGRNIP."
                    ),
                    code="ogrn_mismatch",
                ),
            )
        return {
            "name": data.get("organisation_name", ""),
            "inn": inn or "",
            "kpp": kpp or "",
            "ogrn": ogrn or "",
        }


class SignUpForm(PortalFormMixin, OrganisationForm):
    """Sign-up of an individual or a legal entity, with the 152-FZ consent."""

    field_order = [
        "category",
        "full_name",
        "organisation_name",
        "inn",
        "kpp",
        "ogrn",
        "email",
        "password1",
        "password2",
        "consent",
        "marketing",
        "captcha",
    ]

    category = forms.ChoiceField(
        label=_("Who is the contract holder"),
        choices=ClientCategory.choices,
        initial=ClientCategory.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    full_name = TextField(
        label=_("Your full name"),
        max_length=NAME_MAX,
        help_text=_(
            "Surname, first name and patronymic. For an organisation: the person "
            "who will use the personal account."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We will send a link to confirm it. You will sign in with it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 8 characters; not only digits, not a common password, "
            "not like your name or e-mail."
        ),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_("I consent to the processing of my personal data"),
        error_messages={
            "required": _("We cannot create a personal account without this consent.")
        },
    )
    marketing = forms.BooleanField(
        label=_("Send me news and offers"),
        required=False,
    )
    captcha = PortalCaptchaField()

    def setup_fields(self):
        self.fields["consent"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("accounts:consent"),
            _("Read the consent (opens in a new tab)"),
        )
        for name in ("organisation_name", "inn", "kpp", "ogrn"):
            self.fields[name].widget.attrs["data-legal-only"] = "1"
        for name in ("organisation_name", "inn", "kpp"):
            self.fields[name].required_when = "legal_entity"

    def organisation_expected(self) -> bool:
        # An individual's form ignores whatever stayed in the organisation fields.
        return self.cleaned_data.get("category") == ClientCategory.LEGAL_ENTITY

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        data["organisation"] = self.clean_organisation(
            required=self.organisation_expected()
        )
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                ValidationError(
                    _("The two passwords differ. Type the same password twice."),
                    code="password_mismatch",
                ),
            )
        elif password1:
            probe = User(
                email=data.get("email", ""), full_name=data.get("full_name", "")
            )
            try:
                password_validation.validate_password(password1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class AccountLinkForm(PortalFormMixin, forms.Form):
    number = TextField(
        label=_("Personal account number"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("On your bill and on the first page of the contract."),
    )
    contract_number = TextField(
        label=_("Contract number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "On the first page of the contract. It proves that the account is yours."
        ),
    )

    def clean_number(self):
        return account_number_normalise(self.cleaned_data["number"])


class ProfileForm(PortalFormMixin, OrganisationForm):
    """The profile of a subscriber's user; organisation details for legal entities."""

    field_order = [
        "full_name",
        "phone",
        "reply_channel",
        "language",
        "organisation_name",
        "inn",
        "kpp",
        "ogrn",
        "contact_person",
        "marketing",
    ]

    full_name = TextField(label=_("Full name"), max_length=NAME_MAX)
    phone = TextField(
        label=_("Mobile phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_(
            "For example 8 912 345-67-89. You can sign in with it and get SMS "
            "about your tickets."
        ),
    )
    reply_channel = forms.ChoiceField(
        label=_("How support should answer you"),
        choices=ReplyChannel.choices,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language of the portal and the letters"), choices=Language.choices
    )
    marketing = forms.BooleanField(label=_("Send me news and offers"), required=False)
    contact_person = TextField(
        label=_("Contact person of the organisation"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Name and position."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def setup_fields(self):
        subscriber = self.user.subscriber
        for name in ("organisation_name", "inn", "kpp"):
            self.fields[name].required_when = "legal_entity"
        if not subscriber.is_legal_entity:
            for name in ("organisation_name", "inn", "kpp", "ogrn", "contact_person"):
                del self.fields[name]
        elif subscriber.accounts.exists():
            # The INN identifies the contract holder of linked accounts.
            self.fields["inn"].disabled = True
            self.fields["inn"].help_text = _(
                "Cannot be changed while accounts are linked. Call the business "
                "hotline if it is wrong."
            )

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        # Whether another profile has the number is not said here (anybody
        # could probe numbers): the code goes to the number, and only who
        # types it learns that (accounts.services.phone_confirm).
        return russian_phone_normalise(raw)

    @staticmethod
    def phone_taken_error():
        return ValidationError(
            _(
                "This phone number is already used by another profile. "
                "If it is yours, please call the hotline."
            ),
            code="phone_taken",
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("reply_channel") == ReplyChannel.PHONE
            and not data.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error(
                "phone",
                ValidationError(
                    _("Enter a phone number to get answers by phone."),
                    code="phone_required_for_channel",
                ),
            )
        if "inn" in self.fields:
            data["organisation"] = self.clean_organisation(required=True)
            data["organisation"]["contact_person"] = data.get("contact_person", "")
        return data


class EmailChangeForm(PortalFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("New e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "We will send a link to it; the address changes when you follow it."
        ),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("So that nobody at your unlocked computer can change it."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        current_password_check(self.user, password)
        return password

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email.lower():
            raise ValidationError(_("This is already your e-mail."), code="email_same")
        return email


class PhoneCodeForm(PortalFormMixin, forms.Form):
    code = TextField(
        label=_("Code from the SMS"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class PasswordResetForm(PortalFormMixin, auth_forms.PasswordResetForm):
    """Ask for a reset link; the same answer whether the e-mail is known or not."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("The one you signed up with."),
    )

    def get_users(self, email):
        # Sign-ups that never confirmed may reset too: the link proves the address.
        candidates = User._default_manager.filter(email__iexact=email)
        return (
            user
            for user in candidates
            if user.has_usable_password()
            and (user.is_active or user.awaits_email_confirmation)
        )

    def save(self, **kwargs):
        """Queue the reset e-mail after the commit; never send it in the request."""
        from .services import account_email_queue

        for user in self.get_users(self.cleaned_data["email"]):
            account_email_queue(user=user, kind="password_reset")


class SetPasswordForm(PortalFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(PortalFormMixin, auth_forms.PasswordChangeForm):
    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        current_password_check(self.user, password)
        return password


# Wrong current passwords typed in a signed-in session (changing the e-mail or
# the password), per user: an unattended session is no password oracle.
CURRENT_PASSWORD_LIMIT = (5, 900)


def current_password_check(user, password: str) -> None:
    """Check the password a signed-in user typed to prove it is them, at most
    ``CURRENT_PASSWORD_LIMIT`` times. Each check is counted before it is made,
    so parallel requests cannot all slip under the limit."""
    limit, period = CURRENT_PASSWORD_LIMIT
    if (
        throttle_count(scope="current-password", who=str(user.pk), period=period)
        > limit
    ):
        raise ValidationError(
            _(
                "Too many password attempts. Try again in %(period)s, or sign "
                "out and use password reset."
            ),
            code="password_throttled",
            params={"period": period_display(period)},
        )
    if not user.check_password(password):
        raise ValidationError(_("The password is wrong."), code="password_incorrect")

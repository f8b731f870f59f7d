"""People who sign in, the subscribers they act for, and what those subscribers own.

``Subscriber`` is the customer of the operator (a person or an organisation).
``User`` is a person who signs in; subscribers' users point to their subscriber
(one for an individual, several for a legal entity), staff point to none.
``PersonalAccount`` (лицевой счёт) belongs to a subscriber once linked, and
holds ``Service`` rows, each of a ``ServiceType`` on a ``Tariff``.
"""

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from portal.i18n import TranslatedNameMixin


class ReplyChannel(models.TextChoices):
    EMAIL = "email", _("by e-mail")
    PHONE = "phone", _("by phone")


class Language(models.TextChoices):
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")


class ClientCategory(models.TextChoices):
    INDIVIDUAL = "individual", _("individual")
    LEGAL_ENTITY = "legal_entity", _("legal entity")


class Subscriber(models.Model):
    """A customer of the operator: a person, or an organisation with several users.

    Legal entities carry their registration numbers (INN, KPP, OGRN); every user
    of the organisation sees its personal accounts.
    """

    category = models.CharField(
        _("client category"),
        max_length=16,
        choices=ClientCategory.choices,
        default=ClientCategory.INDIVIDUAL,
    )
    name = models.CharField(
        _("name"),
        max_length=255,
        help_text=_("Full name of a person, or the organisation's name."),
    )
    inn = models.CharField(_("INN"), max_length=12, blank=True, db_index=True)
    kpp = models.CharField(_("KPP"), max_length=9, blank=True)
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True)
    contact_person = models.CharField(
        _("contact person"),
        max_length=255,
        blank=True,
        help_text=_("For organisations: who to talk to, with their position."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category="individual", inn="")
                | models.Q(category="legal_entity"),
                name="subscriber_inn_only_for_legal_entities",
            ),
        ]

    def __str__(self):
        if self.inn:
            return f"{self.name} ({self.inn})"
        return self.name

    @property
    def is_legal_entity(self) -> bool:
        return self.category == ClientCategory.LEGAL_ENTITY


class PortalUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A person who signs in: a subscriber's user, an agent, a manager or an admin.

    Subscribers sign in with their e-mail or phone number; staff may also use
    their username. E-mail and phone are unique among users (e-mail without
    regard to case) and are the person's contacts for replies.
    """

    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(
        _("mobile phone"),
        blank=True,
        region="RU",
        help_text=_("You can sign in with it and receive SMS about your tickets."),
    )
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    reply_channel = models.CharField(
        _("preferred way to reply"),
        max_length=8,
        choices=ReplyChannel.choices,
        default=ReplyChannel.EMAIL,
    )
    language = models.CharField(
        _("interface language"),
        max_length=8,
        choices=Language.choices,
        default=Language.RUSSIAN,
    )
    email_confirmed_at = models.DateTimeField(
        _("e-mail confirmed"), null=True, blank=True
    )
    phone_confirmed_at = models.DateTimeField(
        _("phone confirmed"),
        null=True,
        blank=True,
        help_text=_("By a code sent in an SMS; only then can one sign in with it."),
    )

    objects = PortalUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("A user with this e-mail already exists."),
            ),
            # Only a confirmed phone is taken: nobody can squat a number by
            # typing it into a profile.
            models.UniqueConstraint(
                "phone",
                condition=~models.Q(phone="")
                & models.Q(phone_confirmed_at__isnull=False),
                name="user_confirmed_phone_unique",
                violation_error_message=_("A user with this phone already exists."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email or self.get_username()

    def get_full_name(self):
        return self.full_name or super().get_full_name()

    @property
    def awaits_email_confirmation(self) -> bool:
        """Say whether this is a sign-up whose e-mail link was not followed yet."""
        return (
            not self.is_active
            and self.email_confirmed_at is None
            and self.subscriber_id is not None
        )

    def get_short_name(self):
        # Russian full names are "Фамилия Имя Отчество": greet by the first name.
        parts = self.full_name.split()
        if len(parts) == 3:
            return parts[1]
        return self.full_name or self.first_name or self.get_username()


class PhoneCode(models.Model):
    """A code sent by SMS to confirm that a phone number is the user's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    phone = PhoneNumberField(_("phone"))
    code_hash = models.CharField(_("code hash"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone confirmation code")
        verbose_name_plural = _("phone confirmation codes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.phone}: {self.created_at:%Y-%m-%d %H:%M}"


class SubscriberOwnedQuerySet(models.QuerySet):
    """Rows that belong to a subscriber (accounts, tickets, …)."""

    def for_user(self, user):
        """Return the rows the user may see: those of their subscriber."""
        if not user.is_authenticated or user.subscriber_id is None:
            return self.none()
        return self.filter(subscriber_id=user.subscriber_id)


class PersonalAccount(models.Model):
    """A personal account (лицевой счёт): what a subscriber pays from, per address."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        BLOCKED = "blocked", _("blocked for debt")
        CLOSED = "closed", _("closed")

    number = models.CharField(_("account number"), max_length=32, unique=True)
    contract_number = models.CharField(
        _("contract number"),
        max_length=32,
        help_text=_(
            "Printed in the contract. The subscriber types it to link the account "
            "to their profile, so it is never shown in the portal."
        ),
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        help_text=_("Empty until a subscriber links the account to their profile."),
    )
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    address = models.CharField(_("connection address"), max_length=255)
    balance = models.DecimalField(
        _("balance"), max_digits=12, decimal_places=2, default=0
    )
    debt = models.DecimalField(_("debt"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    linked_at = models.DateTimeField(_("linked"), null=True, blank=True)

    objects = SubscriberOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal account")
        verbose_name_plural = _("personal accounts")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debt__gte=0), name="account_debt_not_negative"
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("accounts:account", kwargs={"number": self.number})


class ServiceType(TranslatedNameMixin, models.Model):
    """A kind of service the operator sells: home internet, interactive TV, …

    Reference data edited in the admin. The number kind says how a service's
    number is written: a phone number, or a login.
    """

    class NumberKind(models.TextChoices):
        MOBILE = "mobile", _("mobile number")
        LANDLINE = "landline", _("landline number with the area code")
        LOGIN = "login", _("login or device ID")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name in Russian"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    number_kind = models.CharField(
        _("kind of service number"),
        max_length=8,
        choices=NumberKind.choices,
        default=NumberKind.LOGIN,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["order", "name"]

    def __str__(self):
        return self.display_name


class Tariff(models.Model):
    """A tariff plan of one service type."""

    service_type = models.ForeignKey(
        ServiceType,
        verbose_name=_("service type"),
        on_delete=models.PROTECT,
        related_name="tariffs",
    )
    name = models.CharField(_("name"), max_length=100)
    monthly_fee = models.DecimalField(
        _("monthly fee, ₽"), max_digits=10, decimal_places=2
    )
    speed_mbps = models.PositiveIntegerField(_("speed, Mbit/s"), null=True, blank=True)
    is_archived = models.BooleanField(
        _("archived"), default=False, help_text=_("No longer sold.")
    )

    class Meta:
        verbose_name = _("tariff plan")
        verbose_name_plural = _("tariff plans")
        ordering = ["service_type__order", "monthly_fee"]
        constraints = [
            models.UniqueConstraint(
                "service_type", "name", name="tariff_unique_name_per_type"
            ),
        ]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def for_user(self, user):
        """Return the services on the accounts of the user's subscriber."""
        if not user.is_authenticated or user.subscriber_id is None:
            return self.none()
        return self.filter(account__subscriber_id=user.subscriber_id).select_related(
            "service_type", "tariff", "account"
        )


class Service(models.Model):
    """A connected service on a personal account."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("service status", "active")
        SUSPENDED = "suspended", pgettext_lazy("service status", "suspended")

    account = models.ForeignKey(
        PersonalAccount,
        verbose_name=_("personal account"),
        on_delete=models.CASCADE,
        related_name="services",
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("service type"), on_delete=models.PROTECT
    )
    number = models.CharField(
        _("service number"),
        max_length=64,
        help_text=_("A phone number in +7 format, or a login."),
    )
    tariff = models.ForeignKey(
        Tariff, verbose_name=_("tariff plan"), on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    connected_on = models.DateField(_("connected on"), null=True, blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["service_type__order", "number"]
        constraints = [
            models.UniqueConstraint(
                "service_type", "number", name="service_unique_number_per_type"
            ),
        ]

    def __str__(self):
        return f"{self.service_type}: {self.number_display}"

    @property
    def number_display(self) -> str:
        """The number as people write it: 8 (912) 345-67-89 for phones."""
        if self.service_type.number_kind != ServiceType.NumberKind.LOGIN:
            try:
                number = phonenumbers.parse(self.number, "RU")
            except phonenumbers.NumberParseException:
                return self.number
            return phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.NATIONAL
            )
        return self.number

    def clean(self):
        from django.core.exceptions import ValidationError

        from .validators import service_number_normalise

        errors = {}
        if self.service_type_id and self.number:
            try:
                self.number = service_number_normalise(
                    self.service_type.number_kind, self.number
                )
            except ValidationError as exc:
                errors["number"] = exc.messages
        if (
            self.service_type_id
            and self.tariff_id
            and self.tariff.service_type_id != self.service_type_id
        ):
            errors["tariff"] = _("This tariff plan is for another service type.")
        if errors:
            raise ValidationError(errors)


class Consent(models.Model):
    """A consent given under 152-FZ, or its withdrawal: one row per decision.

    The consent to process personal data is a separate document since
    01.09.2025; marketing consent is a separate, optional purpose. The row keeps
    what was agreed to (text version), when, and from where.
    """

    class Purpose(models.TextChoices):
        PERSONAL_DATA = "personal_data", _("processing of personal data")
        MARKETING = "marketing", _("news and offers")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    given = models.BooleanField(
        _("given"), default=True, help_text=_("Off for a withdrawal.")
    )
    text_version = models.CharField(_("text version"), max_length=32)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self):
        return f"{self.get_purpose_display()}: {self.text_version}"

"""Customer service offices: cities with their time zones, offices, hours."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from portal.i18n import TranslatedNameMixin


def time_zone_validate(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(zone)s is not a time zone, such as Europe/Moscow."),
            code="time_zone",
            params={"zone": value},
        )


LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


class City(TranslatedNameMixin, models.Model):
    name = models.CharField(_("name in Russian"), max_length=100, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    slug = models.SlugField(_("address"), max_length=64, unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Moscow",
        validators=[time_zone_validate],
        help_text=_("For example Europe/Moscow or Asia/Novosibirsk."),
    )
    latitude = models.FloatField(_("latitude of the centre"), validators=LATITUDE)
    longitude = models.FloatField(_("longitude of the centre"), validators=LONGITUDE)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["order", "name"]

    def __str__(self):
        return self.display_name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class OfficeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_schedule(self):
        """With the city, the weekly hours and the special days prefetched."""
        return self.select_related("city").prefetch_related(
            "hours", "special_days", "service_types"
        )


class Office(models.Model):
    class Kind(models.TextChoices):
        SALES = "sales", _("sales office")
        SERVICE = "service", _("service centre")

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("Stable identifier for import and export, such as msk-arbat."),
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="offices"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=8, choices=Kind.choices, default=Kind.SERVICE
    )
    address = models.CharField(_("address"), max_length=255)
    latitude = models.FloatField(_("latitude"), validators=LATITUDE)
    longitude = models.FloatField(_("longitude"), validators=LONGITUDE)
    phone = PhoneNumberField(_("phone"), blank=True)
    service_types = models.ManyToManyField(
        "accounts.ServiceType",
        verbose_name=_("services handled"),
        blank=True,
        related_name="offices",
    )
    technical_specialists = models.BooleanField(
        _("technical specialists on site"),
        default=False,
        help_text=_("They answer technical questions and check equipment."),
    )
    accessibility = models.CharField(
        _("accessibility"),
        max_length=255,
        blank=True,
        help_text=_("For example: step-free entrance, ramp, lift."),
    )
    is_active = models.BooleanField(_("open to visitors"), default=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["city__order", "city__name", "name"]

    def __str__(self):
        return f"{self.name} ({self.city})"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OfficeHours(models.Model):
    """The office's hours on one weekday; no row for a weekday: closed."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    break_starts = models.TimeField(_("lunch break from"), null=True, blank=True)
    break_ends = models.TimeField(_("lunch break until"), null=True, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "weekday"], name="office_hours_one_per_weekday"
            ),
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")),
                name="office_hours_open_before_close",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        hours_validate(self.opens, self.closes, self.break_starts, self.break_ends)


class SpecialDay(models.Model):
    """A date on which an office (or every office of a city, or every office)
    is closed or works other hours: holidays, shortened pre-holiday days."""

    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="special_days",
        null=True,
        blank=True,
        help_text=_("Empty: every office of the city below (or every office)."),
    )
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        on_delete=models.CASCADE,
        related_name="special_days",
        null=True,
        blank=True,
    )
    date = models.DateField(_("date"))
    is_closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(
        _("note"), max_length=100, blank=True, help_text=_("Such as “New Year”.")
    )

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["date"]
        indexes = [models.Index(fields=["date"], name="office_special_day_date")]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}: {self.note or _('special day')}"

    def clean(self):
        if self.is_closed:
            return
        if not self.opens or not self.closes:
            raise ValidationError(
                _("Give the hours of the day, or mark it closed all day."),
                code="special_hours",
            )
        hours_validate(self.opens, self.closes)


def hours_validate(opens, closes, break_starts=None, break_ends=None) -> None:
    """Opening before closing; a lunch break, if any, inside the day."""
    if opens and closes and opens >= closes:
        raise ValidationError(
            _("The office must open before it closes."), code="hours_order"
        )
    if bool(break_starts) != bool(break_ends):
        raise ValidationError(
            _("A lunch break needs both its start and its end."), code="break_half"
        )
    if break_starts and not (opens < break_starts < break_ends < closes):
        raise ValidationError(
            _("The lunch break must fall inside the working day."),
            code="break_outside",
        )

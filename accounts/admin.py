from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import (
    Consent,
    PersonalAccount,
    Service,
    ServiceType,
    Subscriber,
    Tariff,
    User,
)
from .validators import russian_phone_normalise


class PhoneSearchMixin:
    """Find phones however the agent types them: "8 903 111-22-33" is +79031112233."""

    phone_search_field = "phone"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        try:
            phone = russian_phone_normalise(search_term)
        except ValidationError:
            return results, may_have_duplicates
        by_phone = queryset.filter(**{self.phone_search_field: phone})
        return results | by_phone, True


@admin.register(User)
class UserAdmin(PhoneSearchMixin, DjangoUserAdmin):
    list_display = (
        "username",
        "full_name",
        "email",
        "phone",
        "subscriber",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "language")
    search_fields = (
        "username",
        "full_name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "subscriber__name",
        "subscriber__inn",
    )
    list_select_related = ("subscriber",)
    autocomplete_fields = ("subscriber",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {
                "fields": (
                    "full_name",
                    "first_name",
                    "last_name",
                    "email",
                    "email_confirmed_at",
                    "phone",
                    "phone_confirmed_at",
                )
            },
        ),
        (_("Subscriber"), {"fields": ("subscriber", "reply_channel", "language")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )


class UserInline(admin.TabularInline):
    model = User
    fields = ("full_name", "email", "phone", "is_active", "last_login")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("user of the personal account")
    verbose_name_plural = _("users of the personal account")

    def has_add_permission(self, request, obj=None):
        return False


class PersonalAccountInline(admin.TabularInline):
    model = PersonalAccount
    fields = ("number", "city", "address", "balance", "debt", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(PhoneSearchMixin, admin.ModelAdmin):
    phone_search_field = "users__phone"

    list_display = ("name", "category", "inn", "contact_person", "created_at")
    list_filter = ("category",)
    search_fields = (
        "name",
        "inn",
        "contact_person",
        "accounts__number",
        "users__email",
        "users__phone",
        "users__full_name",
    )
    inlines = (UserInline, PersonalAccountInline)
    fieldsets = (
        (None, {"fields": ("category", "name")}),
        (_("Organisation"), {"fields": ("inn", "kpp", "ogrn", "contact_person")}),
    )


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ("service_type", "number", "tariff", "status", "connected_on")
    autocomplete_fields = ("tariff",)
    extra = 0


@admin.register(PersonalAccount)
class PersonalAccountAdmin(PhoneSearchMixin, admin.ModelAdmin):
    phone_search_field = "subscriber__users__phone"

    list_display = (
        "number",
        "subscriber",
        "city",
        "address",
        "balance",
        "debt",
        "status",
    )
    list_filter = ("status", "city")
    search_fields = (
        "=number",
        "address",
        "subscriber__name",
        "subscriber__inn",
        "subscriber__users__email",
        "subscriber__users__phone",
    )
    list_select_related = ("subscriber",)
    autocomplete_fields = ("subscriber",)
    readonly_fields = ("linked_at",)
    inlines = (ServiceInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "contract_number",
                    "subscriber",
                    "linked_at",
                    "status",
                )
            },
        ),
        (_("Address"), {"fields": ("city", "region", "address")}),
        (_("Money"), {"fields": ("balance", "debt")}),
    )


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("number", "service_type", "tariff", "account", "status")
    list_filter = ("service_type", "status")
    search_fields = ("number", "=account__number", "account__subscriber__name")
    list_select_related = ("service_type", "tariff", "account")
    autocomplete_fields = ("account", "tariff")


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "number_kind", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "name_en", "code")


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ("name", "service_type", "monthly_fee", "speed_mbps", "is_archived")
    list_filter = ("service_type", "is_archived")
    search_fields = ("name",)
    list_select_related = ("service_type",)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "purpose", "given", "user", "email", "text_version")
    list_filter = ("purpose", "given", "text_version")
    search_fields = ("email", "phone", "user__email", "user__full_name")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in Consent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Offices in the admin: cities, offices with their week and special days."""

from django.contrib import admin

from portal.admin_dates import DateHierarchyGuardMixin

from .models import City, Office, OfficeHours, SpecialDay


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "time_zone", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}


class OfficeHoursInline(admin.TabularInline):
    model = OfficeHours
    extra = 0
    max_num = 7


class OfficeSpecialDayInline(admin.TabularInline):
    model = SpecialDay
    fk_name = "office"
    fields = ("date", "is_closed", "opens", "closes", "note")
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "city",
        "kind",
        "address",
        "technical_specialists",
        "is_active",
    )
    list_filter = ("city", "kind", "technical_specialists", "is_active")
    search_fields = ("name", "address", "code")
    list_select_related = ("city",)
    filter_horizontal = ("service_types",)
    inlines = (OfficeHoursInline, OfficeSpecialDayInline)


@admin.register(SpecialDay)
class SpecialDayAdmin(DateHierarchyGuardMixin, admin.ModelAdmin):
    """Holidays and shortened days of an office, a city or every office."""

    list_display = ("date", "office", "city", "is_closed", "opens", "closes", "note")
    list_filter = ("city", "is_closed")
    date_hierarchy = "date"
    list_select_related = ("office", "city")

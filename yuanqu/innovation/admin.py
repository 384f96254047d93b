"""Django admin registrations of 科技服务; the incubation thresholds (rule data) are kept up to date here."""

from django.contrib import admin

from .models import Incubatee, Incubator, TechContract, Threshold


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    list_display = ("rule", "variant", "value", "basis")
    list_filter = ("rule",)


@admin.register(Incubator)
class IncubatorAdmin(admin.ModelAdmin):
    list_display = ("name", "park", "programme", "level", "kind")


@admin.register(Incubatee)
class IncubateeAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "incubator", "status", "entered_on", "criterion")
    list_filter = ("status",)


@admin.register(TechContract)
class TechContractAdmin(admin.ModelAdmin):
    list_display = ("registration_no", "title", "kind", "registered_on", "total_wan", "tech_wan")
    search_fields = ("registration_no", "title")

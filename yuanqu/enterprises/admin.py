"""Django admin registrations for enterprises, contacts and settlements."""

from django.contrib import admin

from .models import Contact, Designation, Enterprise, EnterpriseName, Occupancy, Settlement


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "industry", "region", "status")
    search_fields = ("name", "uscc", "name_pinyin", "name_initials")
    list_filter = ("status", "is_high_tech", "is_above_scale", "listing")


admin.site.register(EnterpriseName)


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "kind", "level", "recognised_on", "valid_until", "ended_on", "board")
    list_filter = ("kind", "level")
admin.site.register(Contact)
admin.site.register(Occupancy)


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "park", "stage", "signed_on", "moved_in_on", "exited_on")
    list_filter = ("stage", "park")

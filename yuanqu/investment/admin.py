"""Django admin registrations for investment promotion."""

from django.contrib import admin

from .models import FollowUp, Lead, LeadContact, RegionSetting


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "source", "target_park", "owner", "region")
    list_filter = ("status", "source")
    search_fields = ("name", "uscc", "name_pinyin", "name_initials")


admin.site.register(LeadContact)
admin.site.register(FollowUp)
admin.site.register(RegionSetting)

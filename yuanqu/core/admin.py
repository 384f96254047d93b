"""Django admin registrations (the admin site is not mounted by default; see README).

The audit log is read-only here too: no add, change or delete permission for anyone.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, IndustryCode, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "stat_only")
    search_fields = ("code", "name")
    list_filter = ("level",)


@admin.register(IndustryCode)
class IndustryCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "section")
    search_fields = ("code", "name")
    list_filter = ("level", "section")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_username", "role", "ip", "action", "object_type", "object_repr")
    list_filter = ("action", "role", "object_type")
    search_fields = ("actor_username", "object_repr")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

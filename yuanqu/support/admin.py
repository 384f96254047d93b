"""Django admin registrations for enterprise services (read mostly: writes go through the services)."""

from django.contrib import admin

from .models import CalendarDay, ResponseRule, Service, ServiceRequest


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "status", "enterprise", "park", "handler", "due_at")
    list_filter = ("status",)
    search_fields = ("number", "title")


admin.site.register(Service)
admin.site.register(ResponseRule)
admin.site.register(CalendarDay)

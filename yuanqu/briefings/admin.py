from django.contrib import admin

from .models import Briefing


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    """Briefings, read-only: they are written by the generator."""

    list_display = ("__str__", "region", "park", "year", "month", "lifecycle", "issue_number", "status",
                    "generated_at")
    list_filter = ("lifecycle", "status")
    readonly_fields = [f.name for f in Briefing._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

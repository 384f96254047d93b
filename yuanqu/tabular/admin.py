"""Django admin registrations for import batches and saved mappings."""

from django.contrib import admin

from .models import ImportBatch, SavedMapping


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("filename", "entity", "created_by", "status", "created_at")
    list_filter = ("entity", "status")
    exclude = ("content",)


admin.site.register(SavedMapping)

from django.contrib import admin

from .models import Fact, Proposal, SourceDocument


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "published_on", "kind", "is_demo", "created_at")
    search_fields = ("title", "publisher")


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
    list_display = ("document", "position", "entity", "metric", "value", "unit", "period")


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("fact", "field", "value", "held", "status")
    list_filter = ("status", "field")

from django.contrib import admin

from dangjian.core.admin import ReadOnlyAdmin

from .models import SourceDocument, WorkItem


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "org", "state", "deadline", "priority"]
    list_filter = ["kind", "state", "source", "priority"]
    search_fields = ["title"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "org", "created_at"]
    search_fields = ["title"]

from django.contrib import admin

from dangjian.core.admin import ReadOnlyAdmin

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "unit_category", "path"]
    list_filter = ["kind", "unit_category"]
    search_fields = ["name", "code"]

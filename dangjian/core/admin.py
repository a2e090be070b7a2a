"""Django admin is for the system administrator: accounts and positions. Party data is read-only
here — its changes go through the actions, which check scope and keep history."""

from django.contrib import admin

from .models import ChangeRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr"]


admin.site.site_header = "党建工作平台 · 系统管理"
admin.site.site_title = "党建工作平台"
admin.site.index_title = "系统管理"

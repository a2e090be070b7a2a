from django.contrib import admin

from dangjian.core.admin import ReadOnlyAdmin

from .models import ApiToken, LoginAttempt, Position


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["user", "org", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "org__name", "org__code"]
    autocomplete_fields = ["org"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["digest", "created_at", "last_used_at"]


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "success", "address"]
    list_filter = ["success"]
    search_fields = ["username"]

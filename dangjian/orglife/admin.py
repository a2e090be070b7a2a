from django.contrib import admin

from .models import Amendment, CustomMeetingType, IntegrityFlag, Meeting, RuleSetting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "held_at", "status", "present_count", "expected_count", "entered_at"]
    list_filter = ["status"]
    search_fields = ["title", "org__name", "org__code"]
    raw_id_fields = ["org", "created_by"]
    readonly_fields = ["sketch", "version", "amendment_count"]


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    list_display = ["owner", "year", "org_kind", "meeting_type", "period", "min_count", "quorum_base", "active"]
    list_filter = ["year", "org_kind"]
    raw_id_fields = ["owner"]


@admin.register(CustomMeetingType)
class CustomMeetingTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "org"]
    raw_id_fields = ["org"]


@admin.register(IntegrityFlag)
class IntegrityFlagAdmin(admin.ModelAdmin):
    list_display = ["meeting", "kind", "message", "score"]
    list_filter = ["kind"]
    raw_id_fields = ["meeting", "related"]


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ["meeting", "reason", "created_by", "created_at"]
    raw_id_fields = ["meeting", "created_by"]

from django.contrib import admin

from dangjian.core.admin import ReadOnlyAdmin

from .models import Member


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["name", "gender", "id_number_masked", "org", "membership_type", "status"]
    list_filter = ["membership_type", "status", "gender"]
    search_fields = ["name"]
    exclude = ["id_number_encrypted", "id_number_index", "phone_encrypted", "phone_index"]

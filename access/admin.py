"""Memberships are plain Django data (not events), so unlike the read model they are editable."""

from django.contrib import admin

from access.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "project", "role", "created_at")
    list_filter = ("role", "project")
    list_select_related = ("user", "project")
    search_fields = ("user__username", "user__email", "project__slug", "project__name")
    autocomplete_fields = ("user", "project")
    date_hierarchy = "created_at"

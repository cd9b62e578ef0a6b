"""Memberships are plain Django data (not events), so unlike the read model they are editable.

"Add member" (a button on the memberships list) creates a user and their membership together,
with a password or an invitation link, as `manage.py adduser` does (access.members).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from access.authentication import AdminLoginForm
from access.forms import AddMemberForm
from access.invitations import invitation_path, validity
from access.models import Membership

# The admin's login is throttled like the site's (access.throttle), with the same messages.
admin.site.login_form = AdminLoginForm


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "project", "role", "created_at")
    list_filter = ("role", "project")
    list_select_related = ("user", "project")
    search_fields = ("user__username", "user__email", "project__slug", "project__name")
    autocomplete_fields = ("user", "project")
    date_hierarchy = "created_at"
    change_list_template = "admin/access/membership/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        add_member = self.admin_site.admin_view(self.add_member_view)
        return [
            path("add-member/", add_member, name="access_membership_add_member"),
            *super().get_urls(),
        ]

    def may_add_members(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and request.user.has_perm("auth.add_user")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        extra = {"may_add_members": self.may_add_members(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def add_member_view(self, request: HttpRequest) -> HttpResponse:
        if not self.may_add_members(request):
            raise PermissionDenied
        form = AddMemberForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            membership = form.save()
            if membership is not None:
                self._tell(request, membership)
                return HttpResponseRedirect(reverse("admin:access_membership_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Add member",
            "form": form,
        }
        return TemplateResponse(request, "admin/access/membership/add_member.html", context)

    def _tell(self, request: HttpRequest, membership: Membership) -> None:
        user = membership.user
        done = f"{user.get_username()} is now {membership.role} of {membership.project.slug}."
        if user.has_usable_password():
            messages.success(request, done)
            return
        link = request.build_absolute_uri(invitation_path(user))
        messages.success(
            request,
            format_html(
                "{} Send them this invitation link (it works once, for {}): <code>{}</code>",
                done,
                validity(),
                link,
            ),
        )

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


def site_admins_only(request):
    """The admin site is for site admins (superusers) alone."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = site_admins_only


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name", "email"]
    list_display = [
        "email",
        "full_name",
        "email_confirmed_at",
        "is_superuser",
        "is_scrutiny_officer",
        "is_evaluator",
        "is_active",
    ]
    list_filter = ["is_superuser", "is_scrutiny_officer", "is_evaluator", "is_active"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name", "email_confirmed_at"]}),
        (
            _("Roles"),
            {
                "fields": [
                    "is_active",
                    "is_superuser",
                    "is_staff",
                    "is_scrutiny_officer",
                    "is_evaluator",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    filter_horizontal = []

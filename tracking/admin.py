"""Tracking rounds' emails that fail to send, in the admin site for site admins to see.

Read-only: the reminder job writes these rows (``tracking.actions.reminders``).
"""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin
from portal.batch import FAILURE_FIELDS, FailingFilter
from tracking.models import ReminderFailure


@admin.register(ReminderFailure)
class ReminderFailureAdmin(ReadOnlyAdmin):
    list_display = ["round", "user", "kind", *FAILURE_FIELDS[:2]]
    list_filter = [FailingFilter, "kind"]
    list_select_related = ["round__inquiry", "user"]
    search_fields = ["user__email", "round__inquiry__title"]
    fields = ["round", "user", "kind", *FAILURE_FIELDS]

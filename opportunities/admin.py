"""Saved searches and follows in the admin site, for site admins to see which emails fail.

Read-only: the alert and reminder jobs write these rows (``portal.batch``), and
a saved search is its owner's own.
"""

from django.contrib import admin

from opportunities.models import Follow, SavedSearch
from portal.admin import ReadOnlyAdmin
from portal.batch import FAILURE_FIELDS, FailingFilter


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "frequency", "alerted_up_to", *FAILURE_FIELDS[:2]]
    list_filter = [FailingFilter, "frequency"]
    search_fields = ["name", "user__email"]
    fields = [
        "name",
        "user",
        "query_string",
        "frequency",
        "created_at",
        "alerted_up_to",
        "unsubscribed_at",
        *FAILURE_FIELDS,
    ]


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = [
        "opportunity",
        "organisation",
        "reminded_7_days_at",
        "reminded_1_day_at",
        *FAILURE_FIELDS[:2],
    ]
    list_filter = [FailingFilter]
    list_select_related = ["opportunity", "organisation"]
    search_fields = ["opportunity__reference", "organisation__name"]
    fields = [
        "opportunity",
        "organisation",
        "created_at",
        "reminded_7_days_at",
        "reminded_1_day_at",
        *FAILURE_FIELDS,
    ]

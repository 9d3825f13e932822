"""Saved searches, follows and questions in the admin site, for site admins to see which
emails fail.

Read-only: the alert, reminder and question-notice jobs write these rows
(``portal.batch``), and a saved search is its owner's own. A question is shown
without who asked it, as everywhere else.
"""

from django.contrib import admin

from opportunities.models import Follow, Question, SavedSearch
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


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["opportunity", "asked_at", "contact_told_at", *FAILURE_FIELDS[:2]]
    list_filter = [FailingFilter]
    list_select_related = ["opportunity"]
    search_fields = ["opportunity__reference"]
    fields = ["opportunity", "text", "asked_at", "answered_at", "contact_told_at", *FAILURE_FIELDS]

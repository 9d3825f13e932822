"""The exchange in the admin site: site admins look things up, correct what people typed
(a title, a description, an offensive testimonial) and see which emails fail.

The figures that capacity and delivery depend on (``promised``, ``committed``,
``delivered``), who did what and when, and whole matches and deliveries are
read-only here: they change only through ``exchange.actions``, under the locks
that keep them right.
"""

from django.contrib import admin

from exchange.models import Delivery, Match, Need, Offer, SuggestionSubscription
from portal.admin import ReadOnlyAdmin, TolerantAutocompleteMixin
from portal.batch import FAILURE_FIELDS, FailingFilter


class Admin(TolerantAutocompleteMixin, admin.ModelAdmin):
    show_full_result_count = False


@admin.register(Need)
class NeedAdmin(Admin):
    list_display = ["title", "organisation", "kind", "quantity", "unit", "ward", "needed_by"]
    list_filter = ["kind", ("closed_at", admin.EmptyFieldListFilter), FailingFilter]
    list_select_related = ["organisation", "ward"]
    search_fields = ["title", "organisation__name"]
    fields = [
        "organisation",
        "title",
        "description",
        "why",
        "kind",
        "unit",
        "quantity",
        "ward",
        "online",
        "needed_by",
        "posted_at",
        "posted_by",
        "promised",
        "delivered",
        "met_at",
        "closed_at",
        "closed_by",
        "reminded_for",
        *FAILURE_FIELDS,
    ]
    readonly_fields = [
        "organisation",
        "kind",
        "unit",
        "quantity",
        "posted_at",
        "posted_by",
        "promised",
        "delivered",
        "met_at",
        "closed_at",
        "closed_by",
        "reminded_for",
        *FAILURE_FIELDS,
    ]

    def has_add_permission(self, request):
        return False  # posted by organisations, through the exchange's pages


@admin.register(Offer)
class OfferAdmin(Admin):
    list_display = ["title", "organisation", "kind", "capacity", "unit", "available_until"]
    list_filter = ["kind", "citywide", "online", ("closed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation"]
    search_fields = ["title", "organisation__name"]
    filter_horizontal = ["wards"]
    readonly_fields = [
        "organisation",
        "kind",
        "unit",
        "capacity",
        "pledge",
        "posted_at",
        "posted_by",
        "committed",
        "delivered",
        "closed_at",
        "closed_by",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ["need", "offer", "quantity", "proposed_at", "accepted_at", "declined_at"]
    list_select_related = ["need", "offer"]
    search_fields = ["need__title", "offer__title"]
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Only the testimonial can be changed, to take down words that should not be public."""

    list_display = ["match", "quantity", "delivered_on", "confirmed_at"]
    list_select_related = ["match__need", "match__offer"]
    search_fields = ["match__need__title", "match__offer__title"]
    show_full_result_count = False
    readonly_fields = [
        "match",
        "quantity",
        "delivered_on",
        "value",
        "note",
        "recorded_at",
        "recorded_by",
        "confirmed_at",
        "confirmed_by",
        "social_value_return",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SuggestionSubscription)
class SuggestionSubscriptionAdmin(Admin):
    list_display = ["user", "organisation", "last_sent_at", "failed_attempts"]
    list_filter = [FailingFilter]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    readonly_fields = ["user", "organisation", "created_at", "last_sent_at", *FAILURE_FIELDS]

    def has_add_permission(self, request):
        return False

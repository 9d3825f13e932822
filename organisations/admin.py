"""The registry in the admin site: where site admins verify and allow publishing.

Verification and publishing rights go through the registry's actions, so they
are audited like every other change.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from organisations import actions
from organisations.models import (
    AuditEvent,
    BeneficiaryGroup,
    Councillor,
    Document,
    Identifier,
    Organisation,
    ServiceCategory,
    Ward,
)
from portal.admin import ReadOnlyAdmin, TolerantAutocompleteMixin
from portal.batch import FAILURE_FIELDS, FailingFilter


class NoDeleteMixin:
    """For rows the rest of the portal points at: never deleted from the admin.

    Besides breaking history, Django's delete confirmation lists every row that
    would go with one, or stop it: for a ward or an organisation that would
    include sealed bids (their social value commitments, the bids they lead),
    which nobody may learn of before the bid box is opened.
    """

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ward)
class WardAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "gss_code"]
    search_fields = ["name", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Councillor)
class CouncillorAdmin(TolerantAutocompleteMixin, admin.ModelAdmin):
    list_display = ["full_name", "email", "party"]
    search_fields = ["full_name", "email"]
    filter_horizontal = ["wards"]
    autocomplete_fields = ["user"]


@admin.register(ServiceCategory, BeneficiaryGroup)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0
    fields = ["scheme", "value", "verified_at", "verified_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AuditEventInline(admin.TabularInline):
    model = AuditEvent
    extra = 0
    fields = ["at", "action", "actor", "detail"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "legal_form", "income_band", "publishing_allowed_at", "created_at"]
    list_filter = ["legal_form", "income_band", "open_to_partnering"]
    search_fields = ["name", "identifiers__value"]
    fields = ["name", "slug", "legal_form", "description", "publishing_allowed_at"]
    readonly_fields = ["publishing_allowed_at"]
    inlines = [IdentifierInline, AuditEventInline]
    actions = ["allow_publishing", "withdraw_publishing"]

    @admin.action(description=_("Allow to publish opportunities (members become commissioners)"))
    def allow_publishing(self, request, queryset):
        for organisation in queryset:
            actions.allow_publishing(organisation=organisation, by=request.user)
        self.message_user(request, _("Publishing allowed."), messages.SUCCESS)

    @admin.action(description=_("Withdraw permission to publish"))
    def withdraw_publishing(self, request, queryset):
        for organisation in queryset:
            actions.allow_publishing(organisation=organisation, by=request.user, allowed=False)
        self.message_user(request, _("Publishing withdrawn."), messages.SUCCESS)


@admin.register(Identifier)
class IdentifierAdmin(admin.ModelAdmin):
    list_display = ["org_id", "organisation", "scheme", "verified_at"]
    list_filter = ["scheme", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["value", "organisation__name"]
    readonly_fields = ["organisation", "scheme", "value", "verified_at", "verified_by"]
    actions = ["mark_verified"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Mark verified against the register"))
    def mark_verified(self, request, queryset):
        for identifier in queryset.select_related("organisation"):
            actions.verify_identifier(identifier=identifier, by=request.user)
        self.message_user(request, _("Marked verified."), messages.SUCCESS)


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Documents' expiry dates and reminders, to see which reminders fail to send.

    Read-only, and without the file: that is served only to the organisation's members.
    """

    list_display = [
        "title",
        "organisation",
        "kind",
        "expires_on",
        "reminded_30_days_at",
        "reminded_7_days_at",
        *FAILURE_FIELDS[:2],
    ]
    list_filter = [FailingFilter, "kind"]
    list_select_related = ["organisation"]
    search_fields = ["title", "organisation__name"]
    fields = [
        "title",
        "organisation",
        "kind",
        "expires_on",
        "uploaded_at",
        "reminded_30_days_at",
        "reminded_7_days_at",
        *FAILURE_FIELDS,
    ]

"""The commissioning cycle in the admin site: for site admins to look things up and
to see which emails fail.

Who did what and when (``*_at``, ``*_by``), a project's phase and the rows the
portal's jobs write (follows, reminders, notices) are read-only here: they change
only through ``commissioning.actions``. Nothing here reveals a sealed bid: a
contract's ``bid`` and a pledge's ``commitment`` are set from a confirmed award
and shown read-only, never as a box where any id could be typed and looked up.
"""

from django.contrib import admin

from commissioning.models import (
    Contract,
    ContractSupplier,
    CoProductionPartner,
    Decommissioning,
    DecommissioningNotice,
    EngagementEvent,
    Kpi,
    KpiReturn,
    KpiReturnCorrection,
    Outcome,
    PerformanceRating,
    PhaseMove,
    PipelineFollow,
    PipelineItem,
    Pledge,
    PostcodeWard,
    Project,
    ProjectDocument,
    Registration,
    ReturnReminder,
    SocialValueLine,
    SocialValueReturn,
    Subcontract,
    SubcontractApplication,
)
from portal.admin import ReadOnlyAdmin, TolerantAutocompleteMixin
from portal.batch import FAILURE_FIELDS, FailingFilter


class Admin(TolerantAutocompleteMixin, admin.ModelAdmin):
    """Search-as-you-type boxes for foreign keys, and a list that never counts the table.

    Wards are chosen in two lists side by side (as on a councillor): Django's
    search-as-you-type box for many rows looks up whatever was posted to redraw
    the form, and a value that is not an id would make that a server error.
    """

    show_full_result_count = False


class Inline(TolerantAutocompleteMixin, admin.TabularInline):
    """An inline whose foreign keys are safe search-as-you-type boxes."""

    extra = 0


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Projects


class PhaseMoveInline(ReadOnlyInline):
    model = PhaseMove
    fields = ["from_phase", "to_phase", "note", "moved_at", "moved_by"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0


class ProjectDocumentInline(admin.TabularInline):
    model = ProjectDocument
    extra = 0
    fields = ["kind", "title", "file", "uploaded_at", "uploaded_by"]
    readonly_fields = ["uploaded_at", "uploaded_by"]


class CoProductionPartnerInline(Inline):
    model = CoProductionPartner
    autocomplete_fields = ["organisation"]
    readonly_fields = ["added_at", "added_by"]


@admin.register(Project)
class ProjectAdmin(Admin):
    list_display = ["reference", "title", "publisher", "phase", "lead_commissioner", "created_at"]
    list_filter = ["phase", "citywide", "category"]
    list_select_related = ["publisher", "lead_commissioner"]
    search_fields = ["reference", "title", "publisher__name"]
    autocomplete_fields = ["publisher", "lead_commissioner", "category"]
    filter_horizontal = ["wards"]
    readonly_fields = ["phase", "created_at", "created_by"]
    inlines = [OutcomeInline, ProjectDocumentInline, CoProductionPartnerInline, PhaseMoveInline]


# Market engagement


@admin.register(EngagementEvent)
class EngagementEventAdmin(Admin):
    list_display = ["title", "kind", "publisher", "starts_at", "capacity", "cancelled_at"]
    list_filter = ["kind", "online", ("cancelled_at", admin.EmptyFieldListFilter)]
    list_select_related = ["publisher"]
    search_fields = ["title", "publisher__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["publisher", "project"]
    readonly_fields = [
        "created_at",
        "created_by",
        "cancelled_at",
        "what_changed_at",
        "what_changed_by",
    ]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = [
        "attendee_name",
        "organisation",
        "event",
        "registered_at",
        "place_confirmed_at",
        "cancelled_at",
        *FAILURE_FIELDS[:2],
    ]
    list_filter = [FailingFilter, ("place_confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "event"]
    search_fields = ["attendee_name", "attendee_email", "organisation__name", "event__title"]
    show_full_result_count = False


# Pipeline


@admin.register(PipelineItem)
class PipelineItemAdmin(Admin):
    list_display = [
        "reference",
        "title",
        "publisher",
        "expected_year",
        "expected_quarter",
        "estimated_value",
        "opportunity",
    ]
    list_filter = [
        "expected_year",
        "expected_quarter",
        ("withdrawn_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["publisher", "opportunity"]
    search_fields = ["reference", "title", "publisher__name"]
    autocomplete_fields = ["publisher", "project", "category"]
    filter_horizontal = ["wards"]
    raw_id_fields = ["opportunity"]
    readonly_fields = ["created_at", "created_by", "withdrawn_at"]


@admin.register(PipelineFollow)
class PipelineFollowAdmin(ReadOnlyAdmin):
    list_display = ["item", "organisation", "created_at", "told_at", *FAILURE_FIELDS[:2]]
    list_filter = [FailingFilter, ("told_at", admin.EmptyFieldListFilter)]
    list_select_related = ["item", "organisation"]
    search_fields = ["item__reference", "organisation__name"]
    show_full_result_count = False


# Contracts


class ContractSupplierInline(Inline):
    model = ContractSupplier
    autocomplete_fields = ["organisation"]


@admin.register(Contract)
class ContractAdmin(Admin):
    list_display = ["reference", "title", "kind", "publisher", "value", "starts_on", "ends_on"]
    list_filter = ["kind", "citywide", ("ended_on", admin.EmptyFieldListFilter), "category"]
    list_select_related = ["publisher"]
    search_fields = ["reference", "title", "publisher__name", "suppliers__organisation__name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["publisher", "project", "category"]
    filter_horizontal = ["wards"]
    raw_id_fields = ["opportunity", "lots"]
    # Set from a confirmed award only; never typed, so no id can be looked up here.
    readonly_fields = ["bid", "ended_on", "created_at", "created_by"]
    inlines = [ContractSupplierInline]


@admin.register(ContractSupplier)
class ContractSupplierAdmin(Admin):
    list_display = ["organisation", "contract", "role", "joined_on", "left_on"]
    list_filter = ["role", ("left_on", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "contract"]
    search_fields = ["organisation__name", "contract__reference", "contract__title"]
    autocomplete_fields = ["contract", "organisation"]


# Performance


@admin.register(Kpi)
class KpiAdmin(Admin):
    list_display = ["name", "contract", "target", "unit", "frequency"]
    list_filter = ["frequency", "higher_is_better"]
    list_select_related = ["contract"]
    search_fields = ["name", "contract__reference", "contract__title"]
    autocomplete_fields = ["contract"]


class KpiReturnCorrectionInline(ReadOnlyInline):
    model = KpiReturnCorrection
    fields = ["old_value", "old_commentary", "corrected_at", "corrected_by"]
    readonly_fields = fields


@admin.register(KpiReturn)
class KpiReturnAdmin(Admin):
    list_display = ["kpi", "period_start", "value", "late", "submitted_at", "submitted_by"]
    list_filter = ["late"]
    list_select_related = ["kpi", "submitted_by"]
    search_fields = ["kpi__name", "kpi__contract__reference"]
    autocomplete_fields = ["kpi"]
    readonly_fields = ["submitted_at", "submitted_by", "late"]
    inlines = [KpiReturnCorrectionInline]


@admin.register(KpiReturnCorrection)
class KpiReturnCorrectionAdmin(ReadOnlyAdmin):
    """Read-only: a return's figure before each correction, kept by
    ``commissioning.actions.performance``; the history of a figure is never edited."""

    list_display = ["kpi_return", "old_value", "corrected_at", "corrected_by"]
    list_select_related = ["kpi_return__kpi", "corrected_by"]
    search_fields = ["kpi_return__kpi__name", "kpi_return__kpi__contract__reference"]
    show_full_result_count = False


@admin.register(PerformanceRating)
class PerformanceRatingAdmin(Admin):
    list_display = ["contract", "period_start", "period_end", "rating", "rated_at", "rated_by"]
    list_filter = ["rating"]
    list_select_related = ["contract", "rated_by"]
    search_fields = ["contract__reference", "contract__title"]
    autocomplete_fields = ["contract"]
    readonly_fields = ["rated_at", "rated_by"]


@admin.register(ReturnReminder)
class ReturnReminderAdmin(ReadOnlyAdmin):
    list_display = ["kpi", "period_start", "when", "sent_at", *FAILURE_FIELDS[:2]]
    list_filter = [FailingFilter, "when"]
    list_select_related = ["kpi"]
    search_fields = ["kpi__name", "kpi__contract__reference"]
    show_full_result_count = False


# Social value


@admin.register(Pledge)
class PledgeAdmin(Admin):
    list_display = ["measure", "contract", "quantity", "unit", "citywide"]
    list_filter = ["citywide"]
    list_select_related = ["contract"]
    search_fields = ["measure", "contract__reference", "contract__title"]
    autocomplete_fields = ["contract"]
    filter_horizontal = ["wards"]
    # Copied from the winning bid's commitment at award; never chosen here.
    readonly_fields = ["commitment"]


class SocialValueLineInline(Inline):
    model = SocialValueLine
    autocomplete_fields = ["ward"]


@admin.register(SocialValueReturn)
class SocialValueReturnAdmin(Admin):
    list_display = ["pledge", "period_start", "period_end", "submitted_at", "submitted_by"]
    list_select_related = ["pledge", "submitted_by"]
    search_fields = ["pledge__measure", "pledge__contract__reference"]
    autocomplete_fields = ["pledge"]
    readonly_fields = ["submitted_at", "submitted_by"]
    inlines = [SocialValueLineInline]


@admin.register(PostcodeWard)
class PostcodeWardAdmin(Admin):
    list_display = ["postcode", "ward"]
    list_select_related = ["ward"]
    search_fields = ["postcode"]
    autocomplete_fields = ["ward"]


# Supply chain


@admin.register(Subcontract)
class SubcontractAdmin(Admin):
    list_display = ["opportunity", "contract", "supplier"]
    list_select_related = ["opportunity", "contract", "supplier"]
    search_fields = ["opportunity__reference", "contract__reference", "supplier__name"]
    autocomplete_fields = ["contract", "supplier"]
    raw_id_fields = ["opportunity"]


@admin.register(SubcontractApplication)
class SubcontractApplicationAdmin(Admin):
    list_display = ["organisation", "subcontract", "applied_at", "withdrawn_at"]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "subcontract__opportunity"]
    search_fields = ["organisation__name", "subcontract__opportunity__reference"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["subcontract"]
    readonly_fields = ["applied_at", "applied_by", "withdrawn_at"]


# Decommissioning


class DecommissioningNoticeInline(ReadOnlyInline):
    model = DecommissioningNotice
    fields = ["organisation", "councillor", "sent_at", *FAILURE_FIELDS]
    readonly_fields = fields


@admin.register(Decommissioning)
class DecommissioningAdmin(ReadOnlyAdmin):
    """Read-only: plans are made and notice given on the portal's pages, which apply
    the Compact's notice rule; the admin site must not be a way round it."""

    list_display = ["contract", "kind", "takes_effect_on", "notice_given_at", "created_at"]
    list_filter = ["kind", ("notice_given_at", admin.EmptyFieldListFilter)]
    list_select_related = ["contract"]
    search_fields = ["contract__reference", "contract__title"]
    fields = [
        "contract",
        "kind",
        "takes_effect_on",
        "short_notice_reason",
        "reasons",
        "impact_assessment",
        "support",
        "affected_organisations",
        "created_at",
        "created_by",
        "notice_given_at",
        "notice_given_by",
    ]
    inlines = [DecommissioningNoticeInline]
    show_full_result_count = False


@admin.register(DecommissioningNotice)
class DecommissioningNoticeAdmin(ReadOnlyAdmin):
    list_display = ["decommissioning", "organisation", "councillor", "sent_at", *FAILURE_FIELDS[:2]]
    list_filter = [FailingFilter, ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["decommissioning__contract", "organisation", "councillor"]
    search_fields = [
        "decommissioning__contract__reference",
        "organisation__name",
        "councillor__full_name",
    ]
    show_full_result_count = False

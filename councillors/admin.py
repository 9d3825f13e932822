"""The digest's runs and digests, councillors' choices and signpostings in the admin site,
for site admins to see, never to edit.

Runs and digests are written by the sending actions alone: an edited ``sent_at``
would send a councillor a second digest or none. Preferences and signpostings
are the councillors' own.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from councillors.models import Digest, DigestPreference, DigestRun, Signposting
from portal.admin import ReadOnlyAdmin


def duration_in_words(duration):
    """``2 minutes 5 seconds``, ``under a second``."""
    seconds = int(duration.total_seconds())
    if seconds < 1:
        return _("under a second")
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours} if hours else "",
        ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes} if minutes else "",
        ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds} if seconds else "",
    ]
    return " ".join(part for part in parts if part)


@admin.register(DigestRun)
class DigestRunAdmin(ReadOnlyAdmin):
    list_display = [
        "week",
        "started_at",
        "took",
        "eligible",
        "sent",
        "possibly_sent_twice",
        "failed",
        "skipped",
        "dry_run",
    ]
    list_filter = ["dry_run"]
    search_fields = ["week"]
    date_hierarchy = "started_at"
    fields = [
        "week",
        "dry_run",
        "started_at",
        "finished_at",
        "took",
        "eligible",
        "sent",
        "possibly_sent_twice",
        "failed",
        "skipped",
        "problem_list",
        "digest_list",
    ]
    readonly_fields = fields

    @admin.display(description=_("duration"))
    def took(self, run):
        if run.finished_at is None:
            return _("Not finished")
        return duration_in_words(run.duration)

    @admin.display(description=_("problems"))
    def problem_list(self, run):
        if not run.problems:
            return _("None")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: {}</li>',
                (
                    (
                        reverse(
                            "admin:organisations_councillor_change",
                            args=[problem["councillor_id"]],
                        ),
                        problem["councillor"],
                        problem["problem"],
                    )
                    for problem in run.problems
                ),
            ),
        )

    @admin.display(description=_("digests"))
    def digest_list(self, run):
        if run.dry_run:
            return _("None: a dry run records no digests")
        url = reverse("admin:councillors_digest_changelist") + f"?run__id__exact={run.pk}"
        return format_html('<a href="{}">{}</a>', url, _("The digests of this run"))


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = [
        "councillor",
        "week",
        "sent_at",
        "attempts",
        "failed_at",
        "next_attempt_at",
        "short_error",
    ]
    list_filter = [
        ("sent_at", admin.EmptyFieldListFilter),
        ("failed_at", admin.EmptyFieldListFilter),
        "possibly_sent_twice",
        "week",
    ]
    list_select_related = ["councillor"]
    search_fields = ["councillor__full_name", "councillor__email"]
    fields = [
        "councillor",
        "week",
        "run",
        "claimed_at",
        "sending_started_at",
        "sent_at",
        "possibly_sent_twice",
        "attempts",
        "next_attempt_at",
        "failed_at",
        "last_error",
        "subject",
        "opportunity_count",
        "text",
    ]
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        # The run page links to its digests.
        return lookup == "run__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("last error"))
    def short_error(self, digest):
        return digest.last_error[:80]


@admin.register(DigestPreference)
class DigestPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["councillor", "enabled", "weekday", "send_at", "unsubscribed_at"]
    list_filter = ["enabled", "weekday"]
    list_select_related = ["councillor"]
    search_fields = ["councillor__full_name", "councillor__email"]
    fields = list_display + ["updated_at"]
    readonly_fields = fields


@admin.register(Signposting)
class SignpostingAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "councillor", "opportunity", "organisation", "recipients"]
    list_select_related = ["councillor", "opportunity", "organisation"]
    search_fields = [
        "councillor__full_name",
        "organisation__name",
        "opportunity__title",
        "opportunity__reference",
    ]
    date_hierarchy = "sent_at"
    fields = list_display + ["note", "sent_by"]
    readonly_fields = fields

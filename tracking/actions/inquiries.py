"""Inquiries and their recommendations: recorded by scrutiny officers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from portal.authorization import Permission, has_permission
from portal.markdown import for_storage
from tracking.actions.text import check_lengths
from tracking.models import RESERVED_SLUGS, Committee, Inquiry, Recommendation, TrackingRound


def require_scrutiny_officer(user):
    if not has_permission(user, Permission.MANAGE_SCRUTINY):
        raise PermissionError("Only a scrutiny officer can do this.")


def committee_named(name):
    """The committee called ``name`` (ignoring case and outer spaces), made if new."""
    name = " ".join(name.split())
    committee = Committee.objects.filter(name__iexact=name).first()
    return committee or Committee.objects.create(name=name)


def touch_reports(inquiry):
    """Mark every stored report of ``inquiry`` out of date: something in it changed."""
    TrackingRound.objects.filter(inquiry=inquiry).update(version=F("version") + 1)


def _check_slug(slug, *, inquiry=None):
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            {"slug": _("“%(slug)s” is used by the portal: choose another") % {"slug": slug}}
        )
    taken = Inquiry.objects.filter(slug=slug)
    if inquiry is not None:
        taken = taken.exclude(pk=inquiry.pk)
    if taken.exists():
        raise ValidationError(
            {"slug": _("Another inquiry already uses “%(slug)s”") % {"slug": slug}}
        )


@transaction.atomic
def create_inquiry(
    *,
    by,
    title,
    slug,
    committee_name,
    lead_member,
    lead_officer,
    approved_on,
    officer,
    summary="",
    report_url="",
):
    """Record an inquiry approved at full council; ``officer`` hears about late submissions.

    Its summary's Markdown is rendered and stored; one over the limit is refused.
    """
    require_scrutiny_officer(by)
    _check_slug(slug)
    check_lengths(Inquiry, {"summary": ("summary", summary)})
    return Inquiry.objects.create(
        title=title,
        slug=slug,
        committee=committee_named(committee_name),
        lead_member=lead_member,
        lead_officer=lead_officer,
        approved_on=approved_on,
        officer=officer,
        summary=summary,
        summary_html=for_storage(summary),
        report_url=report_url,
        created_by=by,
    )


@transaction.atomic
def update_inquiry(*, inquiry, by, committee_name, **fields):
    """Change an inquiry's details; its stored reports are remade when next asked for.

    A summary over the limit is refused; a new one is rendered and stored.
    """
    require_scrutiny_officer(by)
    _check_slug(fields.get("slug", inquiry.slug), inquiry=inquiry)
    if "summary" in fields:
        check_lengths(Inquiry, {"summary": ("summary", fields["summary"])})
        fields["summary_html"] = for_storage(fields["summary"])
    for name, value in fields.items():
        setattr(inquiry, name, value)
    inquiry.committee = committee_named(committee_name)
    inquiry.save()
    touch_reports(inquiry)
    return inquiry


@transaction.atomic
def save_recommendation(
    *,
    inquiry,
    by,
    reference,
    text,
    responsibility,
    responsible_people,
    target_dates,
    recommendation=None,
):
    """Add a recommendation, or change ``recommendation``; ``target_dates`` replace the old ones.

    ``target_dates`` is a list of ``{"label", "due_on", "month_only"}``. Text or
    responsibility over their limits is refused; the text's Markdown is rendered
    and stored.
    """
    require_scrutiny_officer(by)
    check_lengths(
        Recommendation,
        {"text": ("text", text), "responsibility": ("responsibility", responsibility)},
    )
    taken = inquiry.recommendations.filter(reference__iexact=reference)
    if recommendation is not None:
        taken = taken.exclude(pk=recommendation.pk)
    if taken.exists():
        raise ValidationError(
            {
                "reference": _("This inquiry already has a recommendation %(ref)s")
                % {"ref": reference}
            }
        )
    if recommendation is None:
        recommendation = Recommendation(inquiry=inquiry)
    recommendation.reference = reference
    recommendation.text = text
    recommendation.text_html = for_storage(text)
    recommendation.responsibility = responsibility
    recommendation.save()
    recommendation.responsible_people.set(responsible_people)
    recommendation.target_dates.all().delete()
    for target in target_dates:
        recommendation.target_dates.create(
            label=target["label"], due_on=target["due_on"], month_only=target["month_only"]
        )
    touch_reports(inquiry)
    return recommendation

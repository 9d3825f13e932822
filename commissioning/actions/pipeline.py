"""The pipeline: commissioners plan procurements in the open; organisations follow them.

Every write to ``PipelineItem`` and ``PipelineFollow`` goes through here. A
commissioner of the publishing organisation adds, edits and withdraws items and
links an item to the opportunity it became; a member of any other organisation
follows an item and is emailed once when it is published as an opportunity
(``tell_followers``, run every 15 minutes and on the commit that links it).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from commissioning import emails, ocds
from commissioning.models import PipelineFollow, PipelineItem
from commissioning.references import create_with_reference
from opportunities import listings
from opportunities.actions.publishing import require_commissioner
from opportunities.actions.questions import require_member
from opportunities.models import Opportunity
from portal import batch

# Plans further ahead than this are guesses, not a pipeline.
YEARS_AHEAD = 5

EDITABLE = (
    "title",
    "summary",
    "category",
    "estimated_value",
    "expected_year",
    "expected_quarter",
    "contact_name",
    "contact_email",
    "citywide",
    "project",
)


def current_quarter(today=None):
    """``(year, quarter)`` of ``today`` (default: today in UK time)."""
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def _check(*, publisher, fields, wards, changed):
    """Raise ``ValidationError`` (by field) when ``fields`` would make a bad item.

    The expected quarter is checked only when it is in ``changed``: an item
    whose quarter has passed can still have its title corrected.
    """
    errors = {}
    year, quarter = fields.get("expected_year"), fields.get("expected_quarter")
    this_year, this_quarter = current_quarter()
    if "expected_year" in changed or "expected_quarter" in changed:
        if not this_year <= year <= this_year + YEARS_AHEAD:
            errors["expected_year"] = _("Enter a year from %(first)s to %(last)s") % {
                "first": this_year,
                "last": this_year + YEARS_AHEAD,
            }
        elif (year, quarter) < (this_year, this_quarter):
            errors["expected_quarter"] = _(
                "The expected quarter has passed: choose this quarter or a later one"
            )
    if not fields.get("citywide") and not wards:
        errors["wards"] = _("Choose the wards it covers, or say it covers the whole city")
    project = fields.get("project")
    if project is not None and project.publisher_id != publisher.pk:
        errors["project"] = _("Choose one of your organisation's projects")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_item(*, publisher, by, wards=(), **fields):
    """Add a planned procurement for ``publisher`` with the next ``PIP-YYYY-NNNN`` reference.

    ``by`` must be one of the publisher's commissioners (``PermissionError``).
    ``fields`` are those of ``EDITABLE``; bad values raise ``ValidationError``.
    A city-wide item keeps no wards.
    """
    require_commissioner(publisher, by)
    wards = [] if fields.get("citywide") else list(wards)
    _check(publisher=publisher, fields=fields, wards=wards, changed=fields)
    item = create_with_reference(
        PipelineItem,
        "PIP",
        publisher=publisher,
        created_by=by,
        **{name: fields[name] for name in EDITABLE if name in fields},
    )
    item.wards.set(wards)
    ocds.record_planning(item, tags=["planning"], date=item.created_at)
    listings.changed()  # the pipeline's publishers may have one more
    return item


@transaction.atomic
def update_item(*, item, by, wards=(), **fields):
    """Change a planned procurement. Refused once withdrawn (``ValueError``)."""
    require_commissioner(item.publisher, by)
    if item.is_withdrawn:
        raise ValueError("A withdrawn pipeline item cannot be changed.")
    wards = [] if fields.get("citywide") else list(wards)
    changed = {name for name in EDITABLE if name in fields and fields[name] != getattr(item, name)}
    _check(publisher=item.publisher, fields=fields, wards=wards, changed=changed)
    for name in EDITABLE:
        if name in fields:
            setattr(item, name, fields[name])
    item.save()
    item.wards.set(wards)
    ocds.record_planning(item, tags=["planningUpdate"], date=timezone.now())
    return item


@transaction.atomic
def withdraw_item(*, item, by, reason):
    """Take a planned procurement off the public pipeline, saying why.

    Its page stays, with the reason. Refused (``ValueError``) when it is withdrawn
    already or has been published as an opportunity (cancel that instead).
    """
    require_commissioner(item.publisher, by)
    if item.is_withdrawn:
        raise ValueError("This pipeline item is already withdrawn.")
    if item.is_published:
        raise ValueError("A published item cannot be withdrawn: cancel its opportunity.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the plan is withdrawn")})
    item.withdrawn_at = timezone.now()
    item.withdrawal_reason = reason
    item.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    ocds.record_planning(item, tags=["planningUpdate"], date=item.withdrawn_at, status="withdrawn")
    listings.changed()  # the pipeline's publishers may have one fewer
    return item


def linkable_opportunities(item):
    """The publisher's opportunities (drafts too) not linked to another pipeline item,
    newest first: what ``item`` may be linked to."""
    return (
        Opportunity.objects.filter(publisher=item.publisher, cancelled_at__isnull=True)
        .exclude(
            pk__in=PipelineItem.objects.exclude(pk=item.pk)
            .filter(opportunity__isnull=False)
            .values("opportunity")
        )
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def link_opportunity(*, item, opportunity, by):
    """Say ``item`` became ``opportunity`` (one of the same publisher's, a draft or published).

    Followers are emailed once the opportunity is published: the job that tells
    them runs when this commits, and every 15 minutes for drafts published later.
    The item's ``published_at`` is the opportunity's; for a draft it stays empty
    until ``mark_published`` (the same 15-minute job) finds the draft published.
    Refused with ``ValidationError`` on ``opportunity`` when it belongs to another
    publisher, is cancelled or is linked to another item, and with ``ValueError``
    when the item is withdrawn or already published as another opportunity.
    """
    require_commissioner(item.publisher, by)
    if item.is_withdrawn:
        raise ValueError("A withdrawn pipeline item cannot become an opportunity.")
    if item.is_published and item.opportunity_id != opportunity.pk:
        raise ValueError("This item is already published as another opportunity.")
    if not linkable_opportunities(item).filter(pk=opportunity.pk).exists():
        raise ValidationError(
            {"opportunity": _("Choose one of your opportunities not linked to another plan")}
        )
    item.opportunity = opportunity
    item.published_at = opportunity.published_at  # empty for a draft: see mark_published
    try:
        with transaction.atomic():
            item.save(update_fields=["opportunity", "published_at"])
    except IntegrityError as error:  # linked to another item at the same moment
        raise ValidationError(
            {"opportunity": _("That opportunity was just linked to another plan")}
        ) from error
    if opportunity.published_at is not None:
        ocds.record_tender_planned_by(item, date=timezone.now())
    from commissioning import tasks

    tasks.tell_pipeline_followers.delay_on_commit(item.pk)
    return item


@transaction.atomic
def follow(*, item, organisation, by):
    """Follow ``item`` for ``organisation`` (``by`` must be its member): its members are
    emailed once when it is published as an opportunity. Following twice changes
    nothing. Refused (``ValueError``) for a withdrawn or already published item and
    for the item's own publisher."""
    require_member(organisation, by)
    if item.is_withdrawn:
        raise ValueError("A withdrawn pipeline item cannot be followed.")
    if item.is_published:
        raise ValueError("This item is published already: follow its opportunity.")
    if organisation.pk == item.publisher_id:
        raise ValueError("A publisher does not follow its own plans.")
    follow, _created = PipelineFollow.objects.get_or_create(
        item=item, organisation=organisation, defaults={"created_by": by}
    )
    return follow


@transaction.atomic
def unfollow(*, item, organisation, by):
    """Stop following; unfollowing something not followed changes nothing."""
    require_member(organisation, by)
    PipelineFollow.objects.filter(item=item, organisation=organisation).delete()


def mark_published():
    """Copy ``published_at`` onto the items whose linked draft has been published since
    it was linked; returns how many. Idempotent: the items are claimed (locked, skipping
    any another run holds) over the partial index of linked items not yet marked, then
    marked and their opportunities' open data told which plan each came from. Run every
    15 minutes by ``tell_followers``, before the followers are told."""
    opportunity = Opportunity.objects.filter(pk=OuterRef("opportunity_id"))
    with transaction.atomic():
        items = list(
            PipelineItem.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                published_at__isnull=True,
                opportunity__isnull=False,
                opportunity__published_at__isnull=False,
            )
            .values_list("pk", flat=True)
        )
        marked = PipelineItem.objects.filter(pk__in=items, published_at__isnull=True).update(
            published_at=Subquery(opportunity.values("published_at")[:1])
        )
        # The opportunity's open data now says which plan it came from.
        for item in PipelineItem.objects.filter(pk__in=items).select_related("opportunity"):
            ocds.record_tender_planned_by(item, date=timezone.now())
    return marked


def due_follows(item_id=None):
    """Follows not yet told whose item's opportunity is published and not cancelled."""
    due = PipelineFollow.objects.filter(
        told_at__isnull=True,
        item__opportunity__published_at__isnull=False,
        item__opportunity__cancelled_at__isnull=True,
    )
    return due if item_id is None else due.filter(item_id=item_id)


def tell_followers(*, item_id=None):
    """Email each following organisation's members, once, that its item is published.

    Every due follow (of ``item_id`` only, when given) is claimed with
    ``select_for_update(skip_locked=True)`` in a transaction of its own
    (``portal.batch``) and marked ``told_at`` in the same transaction as its email
    is sent: a follow whose email fails records the failure, stays untold for the
    next run, and does not stop the others. Returns how many follows were told.
    Run for every item (the 15-minute job), it first marks the items whose linked
    draft has been published since (``mark_published``).
    """
    if item_id is None:
        mark_published()
    return batch.each_in_its_own_transaction(
        PipelineFollow,
        due_follows(item_id).order_by("pk").values_list("pk", flat=True),
        _tell,
        job="pipeline alerts",
    )


def _tell(follow_id):
    follow = (
        due_follows()
        .select_for_update(skip_locked=True, of=("self",))
        .filter(pk=follow_id)
        .select_related("item__opportunity", "item__publisher", "organisation")
        .first()
    )
    if follow is None:  # told by another run meanwhile, or no longer due
        return False
    emails.send_pipeline_published(follow)
    batch.done(follow, told_at=timezone.now())
    return True

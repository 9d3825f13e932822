"""Drafting, publishing, amending and cancelling opportunities. Commissioners only."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities import listings, ocds, rules, tasks
from opportunities.models import Amendment, Lot, Opportunity, Status
from portal.authorization import membership_role
from portal.markdown import for_storage

MANY_TO_MANY = ("wards", "cpv_codes")


def _with_description_html(fields):
    """``fields`` plus the description's Markdown rendered, when the description is among them.

    Rendered once here, when saved, so the opportunity's page shows stored HTML.
    """
    if "description" in fields:
        fields["description_html"] = for_storage(fields["description"])
    return fields


def is_commissioner(user, publisher):
    """True when ``user`` belongs to ``publisher`` and ``publisher`` may publish."""
    return publisher.can_publish and membership_role(user, publisher) is not None


def require_commissioner(publisher, by):
    """Raise ``PermissionError`` unless ``by`` is one of ``publisher``'s commissioners."""
    if not is_commissioner(by, publisher):
        raise PermissionError("Only the publisher's commissioners can do this.")


DEADLINES = ("clarification_deadline", "submission_deadline")


def changed_deadlines(opportunity, values):
    """The deadlines in ``values`` that the rules must check: both for a draft,
    which has promised nothing yet; once published, only those that change."""
    if opportunity.published_at is None:
        return DEADLINES
    return [
        name for name in DEADLINES if name in values and values[name] != getattr(opportunity, name)
    ]


def check_dates(
    *,
    clarification_deadline,
    submission_deadline,
    short_window_reason,
    opens_at,
    now=None,
    changed=DEADLINES,
):
    """Raise ``ValidationError`` (by field) if the deadlines break the rules.

    Deadlines in ``changed`` cannot be before ``now`` (default ``opens_at``),
    questions must close before bids do, and a window from ``opens_at`` shorter
    than the Compact's 12 weeks needs a reason.
    """
    now = now or opens_at
    errors = {}
    if "clarification_deadline" in changed and clarification_deadline <= now:
        errors["clarification_deadline"] = _("The deadline for questions must be in the future")
    if "submission_deadline" in changed and submission_deadline <= now:
        errors["submission_deadline"] = _("The deadline for bids must be in the future")
    elif submission_deadline <= clarification_deadline:
        errors["submission_deadline"] = _(
            "The deadline for bids must be after the deadline for questions"
        )
    if (
        "submission_deadline" not in errors
        and rules.window_is_short(opens_at=opens_at, submission_deadline=submission_deadline)
        and not (short_window_reason or "").strip()
    ):
        errors["short_window_reason"] = _(
            "Explain why organisations get less than 12 weeks to bid. The reason is shown publicly"
        )
    if errors:
        raise ValidationError(errors)


def _next_reference(year):
    prefix = f"{settings.OPPORTUNITY_REFERENCE_PREFIX}-{year}-"
    last = (
        Opportunity.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _set_lots(opportunity, lots):
    opportunity.lots.all().delete()
    Lot.objects.bulk_create(
        Lot(opportunity=opportunity, number=n, **lot) for n, lot in enumerate(lots, start=1)
    )


def create_draft(*, publisher, by, lots=(), **fields):
    """Start a draft for ``publisher`` with a new reference like ``BCC-2026-0042``.

    ``lots`` is a list of dicts of lot fields. Nothing is public until ``publish``.
    """
    require_commissioner(publisher, by)
    fields = _with_description_html(fields)
    many = {name: fields.pop(name) for name in MANY_TO_MANY if name in fields}
    for _attempt in range(5):
        try:
            with transaction.atomic():
                opportunity = Opportunity.objects.create(
                    reference=_next_reference(timezone.localdate().year),
                    publisher=publisher,
                    created_by=by,
                    **fields,
                )
                for name, values in many.items():
                    getattr(opportunity, name).set(values)
                _set_lots(opportunity, lots)
                return opportunity
        except IntegrityError:
            # Another draft took the same reference at the same moment: take the next.
            continue
    raise RuntimeError("Could not allocate an opportunity reference.")


def publish_subcontracting(*, publisher, by, now=None, **fields):
    """Publish at once a subcontracting opportunity of ``publisher``, a contractor that
    is not allowed to publish its own notices: the caller (commissioning's supply chain)
    has checked that ``by`` acts for the contract's lead supplier. It is listed with
    every other opportunity, marked ``subcontracting``."""
    now = now or timezone.now()
    fields = _with_description_html(fields)
    many = {name: fields.pop(name) for name in MANY_TO_MANY if name in fields}
    for _attempt in range(5):
        try:
            with transaction.atomic():
                opportunity = Opportunity.objects.create(
                    reference=_next_reference(timezone.localdate(now).year),
                    publisher=publisher,
                    created_by=by,
                    published_at=now,
                    published_by=by,
                    subcontracting=True,
                    **fields,
                )
                for name, values in many.items():
                    getattr(opportunity, name).set(values)
                ocds.record_published(opportunity)
                listings.changed()
                return opportunity
        except IntegrityError:
            continue
    raise RuntimeError("Could not allocate an opportunity reference.")


@transaction.atomic
def update_draft(*, opportunity, by, lots=None, **fields):
    """Change a draft freely; once published, changes go through ``amend``."""
    require_commissioner(opportunity.publisher, by)
    if opportunity.published_at is not None:
        raise ValueError("A published opportunity is changed with an amendment.")
    _apply(opportunity, fields, lots)
    return opportunity


def _apply(opportunity, fields, lots):
    fields = _with_description_html(fields)
    many = {name: fields.pop(name) for name in MANY_TO_MANY if name in fields}
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.save()
    for name, values in many.items():
        getattr(opportunity, name).set(values)
    if lots is not None:
        _set_lots(opportunity, lots)


@transaction.atomic
def publish(*, opportunity, by, now=None):
    """Make a draft public; its deadlines must follow the rules at this moment."""
    require_commissioner(opportunity.publisher, by)
    now = now or timezone.now()
    if opportunity.status_at(now) != Status.DRAFT:
        raise ValueError("Only a draft can be published.")
    check_dates(
        clarification_deadline=opportunity.clarification_deadline,
        submission_deadline=opportunity.submission_deadline,
        short_window_reason=opportunity.short_window_reason,
        opens_at=now,
    )
    opportunity.published_at, opportunity.published_by = now, by
    opportunity.save(update_fields=["published_at", "published_by"])
    ocds.record_published(opportunity)
    listings.changed()
    return opportunity


@transaction.atomic
def amend(*, opportunity, by, what_changed, lots=None, **fields):
    """Change an open opportunity, list the change publicly and email its followers.

    ``what_changed`` is the public summary of the amendment; ``fields`` are
    the opportunity's new values (its own ``summary`` among them).
    """
    require_commissioner(opportunity.publisher, by)
    if opportunity.status != Status.OPEN:
        raise ValueError("Only an open opportunity can be amended.")
    if not what_changed.strip():
        raise ValidationError({"amendment_summary": _("Say what has changed")})
    changed = changed_deadlines(opportunity, fields)
    _apply(opportunity, fields, lots)
    check_dates(
        clarification_deadline=opportunity.clarification_deadline,
        submission_deadline=opportunity.submission_deadline,
        short_window_reason=opportunity.short_window_reason,
        opens_at=opportunity.published_at,
        now=timezone.now(),
        changed=changed,
    )
    amendment = Amendment.objects.create(
        opportunity=opportunity, made_by=by, summary=what_changed.strip()
    )
    ocds.record_amended(opportunity, amendment)
    tasks.notify_followers_of_amendment.delay_on_commit(amendment.pk)
    listings.changed()
    return amendment


@transaction.atomic
def cancel(*, opportunity, by, reason):
    """Withdraw a published opportunity, with a reason shown on its page."""
    require_commissioner(opportunity.publisher, by)
    if opportunity.status not in {Status.OPEN, Status.CLOSED}:
        raise ValueError("Only an open or closed opportunity can be cancelled.")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling")})
    opportunity.cancelled_at, opportunity.cancelled_by = timezone.now(), by
    opportunity.cancellation_reason = reason.strip()
    opportunity.save(update_fields=["cancelled_at", "cancelled_by", "cancellation_reason"])
    ocds.record_cancelled(opportunity)
    listings.changed()
    return opportunity


@transaction.atomic
def record_award(*, opportunity, at=None):
    """Mark a closed opportunity awarded. The tenders app calls this on award."""
    at = at or timezone.now()
    if opportunity.status_at(at) != Status.CLOSED:
        raise ValueError("Only a closed opportunity can be awarded.")
    opportunity.awarded_at = at
    opportunity.save(update_fields=["awarded_at"])
    listings.changed()
    return opportunity

"""Setting a tender's evaluation method. The opportunity's commissioners only.

The method may change freely until the first bid is submitted (``locked_at``).
After that each change needs a reason, is listed with the opportunity's
amendments and is emailed to every organisation with a bid, draft or
submitted. After the deadline it cannot change at all.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities.actions import require_commissioner
from opportunities.models import Amendment
from tenders import rules, tasks
from tenders.actions.audit import record
from tenders.models import (
    DEFAULT_DESCRIPTORS,
    Criterion,
    CriterionGroup,
    PriceLine,
    Tender,
    TenderEvent,
)

# The starting template: 60 quality, 20 social value, 20 price (seed 000).
TEMPLATE = [
    (
        CriterionGroup.QUALITY,
        20,
        "How will you deliver the service described in the specification?",
        "Describe the activities, who will deliver them, where and when, and how people "
        "using the service will be involved in shaping it.",
    ),
    (
        CriterionGroup.QUALITY,
        20,
        "How will you measure and report the outcomes the service achieves?",
        "Say which outcomes you will measure, how, how often you will report them and what "
        "you will do when they are not being met.",
    ),
    (
        CriterionGroup.QUALITY,
        20,
        "How will you keep the people who use the service safe?",
        "Describe your safeguarding arrangements, training, supervision and how concerns "
        "are escalated.",
    ),
    (
        CriterionGroup.SOCIAL_VALUE,
        20,
        "What social value will you add in the wards the service covers?",
        "Give measurable commitments (hours of volunteering, local jobs, apprenticeships, "
        "support to local groups) with quantities; they become the contract's pledges.",
    ),
]
TEMPLATE_PRICE_WEIGHT = Decimal(20)
CRITERION_FIELDS = (
    "group",
    "question",
    "guidance",
    "word_limit",
    "weight",
    "descriptors",
    "minimum_score",
    "per_lot",
)
TENDER_FIELDS = (
    "price_weight",
    "price_formula",
    "abnormally_low_percent",
    "full_cost_breakdown",
    "tie_break",
    "max_lots_per_bidder",
    "max_lots_won",
)


@transaction.atomic
def create_tender(*, opportunity, by, now=None):
    """Start the tender of a draft or open opportunity from the 60/20/20 template.

    Sample questions and a price line for each lot (or one for the whole
    contract) are created; every part can then be edited.
    """
    require_commissioner(opportunity.publisher, by)
    if opportunity.cancelled_at or opportunity.awarded_at or _deadline_passed(opportunity, now):
        raise ValueError("A tender can only be added to a draft or open opportunity.")
    tender, created = Tender.objects.get_or_create(
        opportunity=opportunity,
        defaults={"created_by": by, "price_weight": TEMPLATE_PRICE_WEIGHT},
    )
    if not created:
        return tender
    Criterion.objects.bulk_create(
        Criterion(
            tender=tender,
            group=group,
            number=number,
            question=question,
            guidance=guidance,
            weight=Decimal(weight),
            descriptors=list(DEFAULT_DESCRIPTORS),
        )
        for number, (group, weight, question, guidance) in enumerate(TEMPLATE, start=1)
    )
    lots = list(opportunity.lots.all()) or [None]
    PriceLine.objects.bulk_create(
        PriceLine(
            tender=tender,
            lot=lot,
            number=1,
            description=_("Total price for the whole contract period"),
            unit="",
        )
        for lot in lots
    )
    record(
        tender,
        TenderEvent.Kind.METHOD_SET,
        by=by,
        at=now,
        summary="Tender started from the 60/20/20 template",
    )
    return tender


def method_problems(tender, *, criteria=None, price_lines=None):
    """What stops ``tender``'s method from being used, in words; empty when it is complete.

    Weights must total 100, each scale needs at least two marks with a
    descriptor each, a minimum score must be on its scale, and with a price
    weight every lot needs a priced line.
    """
    criteria = list(tender.criteria.all()) if criteria is None else criteria
    price_lines = list(tender.price_lines.all()) if price_lines is None else price_lines
    problems = []
    total = sum((c.weight for c in criteria), Decimal(0)) + tender.price_weight
    if total != rules.TOTAL_WEIGHT:
        problems.append(
            _("The weights add up to %(total)s%%; they must add up to 100%%")
            % {"total": _percent(total)}
        )
    if not criteria and tender.price_weight < rules.TOTAL_WEIGHT:
        problems.append(_("Add at least one quality or social value question"))
    for criterion in criteria:
        problems += [
            _("Question %(number)s: %(problem)s") % {"number": criterion.number, "problem": p}
            for p in _criterion_problems(criterion)
        ]
    if tender.price_weight > 0:
        lots = list(tender.opportunity.lots.all()) or [None]
        priced = {line.lot_id for line in price_lines}
        for lot in lots:
            if (lot.pk if lot else None) not in priced:
                problems.append(
                    _("Add a price line for %(lot)s") % {"lot": lot or _("the contract")}
                )
    return problems


def _percent(value):
    return f"{value.normalize():f}"


def _criterion_problems(criterion):
    problems = []
    descriptors = criterion.descriptors
    if not isinstance(descriptors, list) or len(descriptors) < 2:
        problems.append(_("the scale needs at least two marks"))
    elif any(not str(text).strip() for text in descriptors):
        problems.append(_("every mark on the scale needs a descriptor"))
    elif criterion.minimum_score is not None and criterion.minimum_score > criterion.scale_max:
        problems.append(
            _("the minimum score, %(minimum)s, is above the top of the scale, %(max)s")
            % {"minimum": criterion.minimum_score, "max": criterion.scale_max}
        )
    return problems


def _deadline_passed(opportunity, now=None):
    return (now or timezone.now()) >= opportunity.submission_deadline


def _begin_change(tender, by, reason, now=None):
    """Check a change may be made now; lock the tender row so changes are made one at a time."""
    require_commissioner(tender.opportunity.publisher, by)
    tender = Tender.objects.select_for_update().select_related("opportunity").get(pk=tender.pk)
    if tender.opened_at or _deadline_passed(tender.opportunity, now):
        raise ValueError("The method cannot change after the deadline for bids.")
    if tender.locked_at and not (reason or "").strip():
        raise ValidationError(
            {
                "reason": _(
                    "Say why the method is changing: bids have been submitted and every "
                    "bidder will be told"
                )
            }
        )
    return tender


def _finish_change(tender, by, summary, reason, now=None):
    """Log the change; once the method is locked, also amend the opportunity and tell bidders.

    A locked method must stay complete: a change that leaves it with problems is refused.
    """
    if tender.locked_at:
        problems = method_problems(tender)
        if problems:
            raise ValidationError(problems)
        text = _("Evaluation method changed: %(summary)s. Reason: %(reason)s") % {
            "summary": summary,
            "reason": reason.strip(),
        }
        amendment = Amendment.objects.create(
            opportunity=tender.opportunity, made_by=by, summary=text
        )
        record(
            tender,
            TenderEvent.Kind.METHOD_CHANGED,
            by=by,
            summary=text,
            amendment=amendment.pk,
        )
        tasks.tell_bidders_of_method_change.delay_on_commit(amendment.pk)
    else:
        record(tender, TenderEvent.Kind.METHOD_SET, by=by, at=now, summary=summary)


@transaction.atomic
def update_tender(*, tender, by, reason="", **fields):
    """Change the price weight, formula, abnormally-low rule, tie-break or lot limits."""
    unknown = set(fields) - set(TENDER_FIELDS)
    if unknown:
        raise TypeError(f"Not a tender setting: {', '.join(sorted(unknown))}")
    tender = _begin_change(tender, by, reason)
    errors = {}
    if "price_weight" in fields and not (0 <= Decimal(fields["price_weight"]) <= 100):
        errors["price_weight"] = _("The weight of price must be between 0 and 100")
    if "abnormally_low_percent" in fields and not (1 <= fields["abnormally_low_percent"] <= 100):
        errors["abnormally_low_percent"] = _("Enter a percentage between 1 and 100")
    for name in ("max_lots_per_bidder", "max_lots_won"):
        if fields.get(name) is not None and fields[name] < 1:
            errors[name] = _("Enter 1 or more, or leave it empty for no limit")
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(tender, name, value)
    tender.save(update_fields=list(fields))
    _finish_change(tender, by, _("the tender's rules changed"), reason)
    return tender


@transaction.atomic
def save_criterion(*, tender, by, criterion=None, reason="", now=None, **fields):
    """Add a question to the method, or change ``criterion``; return it.

    The descriptors set the scale (0 to their number less one); a minimum score
    must be on it.
    """
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"Not a criterion field: {', '.join(sorted(unknown))}")
    tender = _begin_change(tender, by, reason, now)
    if criterion is None:
        number = (tender.criteria.aggregate(n=Max("number"))["n"] or 0) + 1
        criterion = Criterion(tender=tender, number=number, descriptors=list(DEFAULT_DESCRIPTORS))
    elif criterion.tender_id != tender.pk:
        raise PermissionError("That question belongs to another tender.")
    for name, value in fields.items():
        setattr(criterion, name, value)
    errors = {}
    if criterion.weight is None or not (0 < Decimal(criterion.weight) <= 100):
        errors["weight"] = _("The weight must be more than 0 and at most 100")
    if not criterion.word_limit or criterion.word_limit < 1:
        errors["word_limit"] = _("The word limit must be 1 or more")
    for problem in _criterion_problems(criterion):
        field = "minimum_score" if "minimum" in problem else "descriptors"
        errors[field] = problem[0].upper() + problem[1:]
    if errors:
        raise ValidationError(errors)
    adding = criterion.pk is None
    criterion.save()
    summary = (_("question %(number)s added") if adding else _("question %(number)s changed")) % {
        "number": criterion.number
    }
    _finish_change(tender, by, summary, reason, now)
    return criterion


@transaction.atomic
def remove_criterion(*, criterion, by, reason=""):
    tender = _begin_change(criterion.tender, by, reason)
    number = criterion.number
    criterion.delete()
    _finish_change(tender, by, _("question %(number)s removed") % {"number": number}, reason)


@transaction.atomic
def save_price_line(*, tender, by, line=None, reason="", lot=None, description, quantity, unit=""):
    """Add a line to a lot's pricing schedule, or change ``line``; return it."""
    tender = _begin_change(tender, by, reason)
    if lot is not None and lot.opportunity_id != tender.opportunity_id:
        raise PermissionError("That lot belongs to another opportunity.")
    errors = {}
    if not (description or "").strip():
        errors["description"] = _("Enter what is priced")
    if quantity is None or Decimal(quantity) <= 0:
        errors["quantity"] = _("The quantity must be more than 0")
    if errors:
        raise ValidationError(errors)
    if line is None:
        siblings = tender.price_lines.filter(lot=lot)
        line = PriceLine(
            tender=tender, lot=lot, number=(siblings.aggregate(n=Max("number"))["n"] or 0) + 1
        )
    elif line.tender_id != tender.pk:
        raise PermissionError("That line belongs to another tender.")
    adding = line.pk is None
    line.lot, line.description, line.quantity, line.unit = lot, description.strip(), quantity, unit
    line.save()
    summary = (
        _("price line “%(line)s” added") if adding else _("price line “%(line)s” changed")
    ) % {"line": line.description}
    _finish_change(tender, by, summary, reason)
    return line


@transaction.atomic
def remove_price_line(*, line, by, reason=""):
    tender = _begin_change(line.tender, by, reason)
    description = line.description
    line.delete()
    _finish_change(tender, by, _("price line “%(line)s” removed") % {"line": description}, reason)


@transaction.atomic
def set_weights(*, tender, by, price_weight, weights, reason=""):
    """Set every weight at once (``weights``: criterion → weight), so they can be moved
    between questions; together with ``price_weight`` they must total 100."""
    tender = _begin_change(tender, by, reason)
    criteria = list(tender.criteria.all())
    if set(weights) != set(criteria):
        raise ValueError("Give a weight for every question of this tender, and only those.")
    errors = {}
    for criterion in criteria:
        weight = weights[criterion]
        if weight is None or not (0 < Decimal(weight) <= 100):
            errors[f"weight_{criterion.pk}"] = _(
                "The weight of question %(number)s must be more than 0 and at most 100"
            ) % {"number": criterion.number}
    if price_weight is None or not (0 <= Decimal(price_weight) <= 100):
        errors["price_weight"] = _("The weight of price must be between 0 and 100")
    if not errors:
        total = sum((Decimal(w) for w in weights.values()), Decimal(0)) + Decimal(price_weight)
        if total != rules.TOTAL_WEIGHT:
            errors["price_weight"] = _(
                "The weights add up to %(total)s%%; they must add up to 100%%"
            ) % {"total": _percent(total)}
    if errors:
        raise ValidationError(errors)
    for criterion in criteria:
        criterion.weight = weights[criterion]
    Criterion.objects.bulk_update(criteria, ["weight"])
    tender.price_weight = price_weight
    tender.save(update_fields=["price_weight"])
    _finish_change(tender, by, _("the weights changed"), reason)

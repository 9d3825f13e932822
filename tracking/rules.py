"""The tracking rules of seed 001, Appendix 1, checked for the executive and the committee alike.

Each refusal names the rule it breaks, keyed by the form field it belongs to.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.formats import date_in_words
from tracking.models import Category


def suggested_category(recommendation, achieved_on):
    """1 when the work was done by the completion target, 2 when after; ``None`` without a date."""
    target = recommendation.completion_target
    if achieved_on is None or target is None:
        return None
    return Category.ACHIEVED if achieved_on <= target else Category.ACHIEVED_LATE


def check_category(
    *,
    recommendation,
    tracking_round,
    category,
    anticipated_on=None,
    achieved_on=None,
    anticipated_field="anticipated_on",
):
    """Raise ``ValidationError`` (a dict by field) if ``category`` breaks a rule for this round.

    - 3 and 5 need an anticipated completion date, after the committee meets.
    - 6 only while the recommendation's completion target has not passed on the
      day the committee meets.
    - With a date achieved, 1 needs it on or before the target and 2 after it.
    """
    category = Category(category)
    errors = {}
    target = recommendation.completion_target
    if category.needs_anticipated_date:
        if anticipated_on is None:
            errors[anticipated_field] = _(
                "Enter an anticipated completion date: category %(category)s needs one"
            ) % {"category": category.label}
        elif anticipated_on <= tracking_round.meeting_on:
            errors[anticipated_field] = _(
                "The anticipated completion date must be after the committee meets on %(date)s"
            ) % {"date": date_in_words(tracking_round.meeting_on)}
    if category == Category.IN_PROGRESS:
        if target is None:
            errors["category"] = _(
                "In progress is only for a recommendation whose target date has not passed, "
                "and this one has no target date"
            )
        elif target < tracking_round.meeting_on:
            errors["category"] = _(
                "In progress is only for a recommendation whose target date has not passed: "
                "the target was %(date)s"
            ) % {"date": date_in_words(target)}
    if achieved_on is not None and target is not None:
        if category == Category.ACHIEVED and achieved_on > target:
            errors["category"] = _(
                "Achieved (fully) means done by the target date of %(date)s: choose Achieved (late)"
            ) % {"date": date_in_words(target)}
        elif category == Category.ACHIEVED_LATE and achieved_on <= target:
            errors["category"] = _(
                "Achieved (late) means done after the target date of %(date)s: "
                "choose Achieved (fully)"
            ) % {"date": date_in_words(target)}
    if achieved_on is not None and category not in (Category.ACHIEVED, Category.ACHIEVED_LATE):
        errors["achieved_on"] = _(
            "Only give a date achieved for Achieved (fully) or Achieved (late)"
        )
    if errors:
        raise ValidationError(errors)

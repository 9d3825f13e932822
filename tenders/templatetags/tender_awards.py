"""Template helpers for awards on pages other apps own.

``{% confirmed_awards opportunity as awards %}`` lets the opportunity's public page
show its confirmed awards without the opportunities app importing tenders (the
dependency points from tenders to opportunities); ``{% has_assessment_summary bid %}``
lets the bid's task list link to its summary.
"""

from django import template

from tenders.awards import confirmed_awards_of, decisions_of, standstill_end_in_words
from tenders.models import AssessmentSummary

register = template.Library()


@register.simple_tag
def confirmed_awards(opportunity):
    """The confirmed awards of ``opportunity`` (none before confirmation), lot by lot."""
    return confirmed_awards_of(opportunity)


@register.simple_tag
def has_assessment_summary(bid):
    """Whether a notice of intention to award has given ``bid`` an assessment summary."""
    return AssessmentSummary.objects.filter(bid=bid).exists()


@register.simple_tag
def award_decisions(tender):
    """``tender``'s current award decisions in lot order, each with ``standstill_end`` in words."""
    decisions = sorted(decisions_of(tender).values(), key=lambda d: d.lot.number if d.lot_id else 0)
    for decision in decisions:
        decision.standstill_end = standstill_end_in_words(decision.standstill_ends_at)
    return decisions

"""The emails the commissioning cycle sends, rendered from plain-text templates."""

from django.urls import reverse

from accounts.emails import absolute_url
from opportunities.emails import opportunity_url
from opportunities.formats import value_in_words
from portal.formats import moment_in_words
from portal.mail import send_each


def members_addresses(organisation):
    """Every active member of ``organisation``, once each, sorted."""
    return sorted(
        set(
            organisation.memberships.filter(user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
    )


def send_pipeline_published(follow):
    """Tell a following organisation's members that the planned procurement they
    follow is now published as an opportunity, with its deadline for bids."""
    item, opportunity = follow.item, follow.item.opportunity
    send_each(
        f"Now open for bids: {opportunity.title}",
        "commissioning/email/pipeline_published.txt",
        {
            "item": item,
            "opportunity": opportunity,
            "organisation": follow.organisation,
            "value": value_in_words(opportunity),
            "deadline": moment_in_words(opportunity.submission_deadline),
            "url": opportunity_url(opportunity),
            "item_url": absolute_url(reverse("commissioning:pipeline_item", args=[item.reference])),
        },
        members_addresses(follow.organisation),
    )

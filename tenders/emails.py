"""The emails tenders send, rendered from plain-text templates.

They go only to members of the bidding organisations: nothing about a bid is
emailed to anyone else before the box is opened.
"""

from django.urls import reverse
from django.utils import timezone

from accounts.emails import absolute_url
from organisations.models import Membership
from portal.mail import send_each
from tenders.consortium import describe
from tenders.models import Bid, BidPartner


def _addresses(organisations, *, admins_only=False):
    memberships = Membership.objects.filter(organisation__in=organisations, user__is_active=True)
    if admins_only:
        memberships = memberships.filter(role="admin")
    return sorted(set(memberships.values_list("user__email", flat=True)))


def bid_url(bid):
    return absolute_url(reverse("tenders:bid", args=[bid.reference]))


def send_receipt(version):
    bid = version.bid
    send_each(
        f"Receipt for your bid {bid.reference} for {bid.tender.opportunity.reference}",
        "tenders/email/receipt.txt",
        {
            "version": version,
            "bid": bid,
            "opportunity": bid.tender.opportunity,
            "url": bid_url(bid),
        },
        _addresses([bid.organisation]),
    )
    type(version).objects.filter(pk=version.pk).update(receipt_sent_at=timezone.now())


def send_partner_request(partner):
    bid = partner.bid
    send_each(
        f"{bid.organisation.name} asks {partner.organisation.name} to join a bid",
        "tenders/email/partner_request.txt",
        {
            "partner": partner,
            "bid": bid,
            "opportunity": bid.tender.opportunity,
            "url": absolute_url(reverse("tenders:partnership", args=[partner.pk])),
        },
        _addresses([partner.organisation], admins_only=True),
    )


def send_partner_answer(partner):
    bid = partner.bid
    send_each(
        f"{partner.organisation.name} has {'confirmed' if partner.is_confirmed else 'declined'} "
        f"your bid {bid.reference}",
        "tenders/email/partner_answer.txt",
        {
            "partner": partner,
            "bid": bid,
            "opportunity": bid.tender.opportunity,
            "url": bid_url(bid),
        },
        _addresses([bid.organisation]),
    )


def send_method_change(amendment):
    opportunity = amendment.opportunity
    bids = Bid.objects.filter(tender__opportunity=opportunity, withdrawn_at__isnull=True)
    partners = BidPartner.objects.filter(bid__in=bids, confirmed_at__isnull=False)
    organisations = set(bids.values_list("organisation", flat=True)) | set(
        partners.values_list("organisation", flat=True)
    )
    send_each(
        f"The evaluation method of {opportunity.reference} has changed",
        "tenders/email/method_change.txt",
        {
            "amendment": amendment,
            "opportunity": opportunity,
            "url": absolute_url(reverse("opportunities:detail", args=[opportunity.reference])),
        },
        _addresses(organisations),
    )


def send_evaluation_update(update, progress):
    """The fortnightly evaluation update to the members of ``update``'s lead organisation:
    the stage, the expected decision date, the commissioner's note and who to ask.
    Replies go to the opportunity's contact."""
    bid = update.bid
    opportunity = bid.tender.opportunity
    send_each(
        f"How the evaluation of {opportunity.reference} {opportunity.title} is going",
        "tenders/email/evaluation_update.txt",
        {
            "update": update,
            "progress": progress,
            "bid": bid,
            "opportunity": opportunity,
            "url": bid_url(bid),
        },
        _addresses([bid.organisation]),
        reply_to=[opportunity.contact_email],
    )


def send_consortium_change_asked(change):
    """Tell the opportunity's contact that a winning bidder asks to change its consortium."""
    bid = change.bid
    opportunity = bid.tender.opportunity
    send_each(
        f"{bid.organisation.name} asks to change its consortium for {opportunity.reference}",
        "tenders/email/consortium_asked.txt",
        {
            "change": change,
            "what": describe(change),
            "bid": bid,
            "opportunity": opportunity,
            "url": absolute_url(
                reverse("tenders:consortium_change", args=[opportunity.reference, change.pk])
            ),
        },
        [opportunity.contact_email],
    )


def send_consortium_change_decided(change):
    """Tell the lead's members the decision and its reasons; when a registered organisation
    joined, tell its administrators too."""
    bid = change.bid
    opportunity = bid.tender.opportunity
    context = {
        "change": change,
        "what": describe(change),
        "bid": bid,
        "opportunity": opportunity,
        "url": bid_url(bid),
    }
    decision = "approved" if change.approved else "refused"
    send_each(
        f"The change to your consortium for {opportunity.reference} was {decision}",
        "tenders/email/consortium_decided.txt",
        context,
        _addresses([bid.organisation]),
        reply_to=[opportunity.contact_email],
    )
    if change.approved and change.organisation_id:
        send_each(
            f"{change.organisation.name} has joined {bid.organisation.name}'s consortium "
            f"for {opportunity.reference}",
            "tenders/email/consortium_joined.txt",
            context,
            _addresses([change.organisation], admins_only=True),
            reply_to=[opportunity.contact_email],
        )


def _bidding_organisations(bid):
    """The lead and the registered partners that confirmed joining ``bid``."""
    partners = BidPartner.objects.filter(bid=bid, confirmed_at__isnull=False)
    return [bid.organisation_id, *partners.values_list("organisation", flat=True)]


def send_assessment_summary(summary):
    """Tell the bidding organisations their assessment summary is ready, and the standstill."""
    from tenders.awards import standstill_end_in_words

    bid, decision = summary.bid, summary.decision
    opportunity = decision.tender.opportunity
    send_each(
        f"Intention to award {opportunity.reference}: your assessment summary",
        "tenders/email/summary.txt",
        {
            "bid": bid,
            "decision": decision,
            "opportunity": opportunity,
            "is_winner": decision.winners.filter(pk=bid.pk).exists(),
            "standstill_end": standstill_end_in_words(decision.standstill_ends_at),
            "url": absolute_url(reverse("tenders:bid_summary", args=[bid.reference])),
        },
        _addresses(_bidding_organisations(bid)),
        reply_to=[opportunity.contact_email],
    )


def send_decision_withdrawn(decision):
    """Tell every organisation assessed for the lot that the award decision was withdrawn."""
    opportunity = decision.tender.opportunity
    for summary in decision.summaries.select_related("bid__organisation"):
        send_each(
            f"The intention to award {opportunity.reference} is withdrawn",
            "tenders/email/intention_withdrawn.txt",
            {"bid": summary.bid, "decision": decision, "opportunity": opportunity},
            _addresses(_bidding_organisations(summary.bid)),
            reply_to=[opportunity.contact_email],
        )

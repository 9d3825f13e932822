"""The emails opportunities send, rendered from plain-text templates."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.emails import absolute_url
from opportunities.tokens import unsubscribe_token
from organisations.models import Membership
from portal.formats import moment_in_words
from portal.mail import send_each, subject_line


def follower_addresses(opportunity):
    """Every member of every organisation following ``opportunity``, once each."""
    return sorted(
        set(
            Membership.objects.filter(
                organisation__follows__opportunity=opportunity, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def opportunity_url(opportunity):
    return absolute_url(reverse("opportunities:detail", args=[opportunity.reference]))


def send_amendment(amendment):
    opportunity = amendment.opportunity
    send_each(
        f"{opportunity.reference} has changed",
        "opportunities/email/amendment.txt",
        {
            "amendment": amendment,
            "opportunity": opportunity,
            "url": opportunity_url(opportunity),
            "service_name": settings.SERVICE_NAME,
        },
        follower_addresses(opportunity),
    )


def _members_addresses(organisation):
    return sorted(
        set(
            organisation.memberships.filter(user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
    )


def send_answer(question):
    """Tell followers an answer is published. Never says who asked: only the text."""
    opportunity = question.opportunity
    send_each(
        f"New answer on {opportunity.reference}",
        "opportunities/email/answer.txt",
        {
            "question": question,
            "opportunity": opportunity,
            "url": opportunity_url(opportunity) + "#questions",
            "service_name": settings.SERVICE_NAME,
        },
        follower_addresses(opportunity),
    )


def send_deadline_reminder(follow, *, days):
    """Remind a following organisation's members that bids close soon."""
    opportunity = follow.opportunity
    when = _("tomorrow or sooner") if days == 1 else _("in %(days)s days") % {"days": days}
    send_each(
        f"{opportunity.reference} closes {when}",
        "opportunities/email/deadline_reminder.txt",
        {
            "opportunity": opportunity,
            "organisation": follow.organisation,
            "deadline": moment_in_words(opportunity.submission_deadline),
            "url": opportunity_url(opportunity),
            "service_name": settings.SERVICE_NAME,
        },
        _members_addresses(follow.organisation),
    )


def send_partner_contact(contact):
    """Relay a contact request to the listing organisation's members, or a reply to its writer.

    The message names the sender and their organisation and links to its
    public profile. Replies to the email go to the sender's address only when
    they chose to share it (``contact.reply_to``); otherwise the recipients of
    a contact request are given a page to reply through the portal. A reply
    goes to the person who wrote the request (to their organisation's members
    if that account has gone).
    """
    listing = contact.listing
    original = contact.in_reply_to
    context = {
        "contact": contact,
        "original": original,
        "listing": listing,
        "opportunity": listing.opportunity,
        "sender_name": contact.sent_by.full_name if contact.sent_by else "",
        "profile_url": absolute_url(
            reverse("organisations:profile", args=[contact.organisation.slug])
        ),
        "url": opportunity_url(listing.opportunity),
        "service_name": settings.SERVICE_NAME,
    }
    if original is None:
        subject = f"{contact.organisation.name} wants to partner on {listing.opportunity.reference}"
        context["reply_url"] = absolute_url(
            reverse(
                "opportunities:reply_to_partner",
                args=[listing.opportunity.reference, contact.pk],
            )
        )
        recipients = _members_addresses(listing.organisation)
    else:
        subject = f"{contact.organisation.name} replied about {listing.opportunity.reference}"
        writer = original.sent_by
        recipients = (
            [writer.email]
            if writer is not None and writer.is_active
            else _members_addresses(original.organisation)
        )
    send_each(
        subject,
        "opportunities/email/partner_contact.txt",
        context,
        recipients,
        reply_to=[contact.reply_to] if contact.reply_to else None,
    )


def send_questions_waiting(opportunity, questions):
    """One email to the opportunity's contact listing ``questions``, waiting for an answer."""
    count = len(questions)
    send_each(
        f"{count} new question{'s' if count != 1 else ''} on {opportunity.reference}",
        "opportunities/email/questions_waiting.txt",
        {
            "opportunity": opportunity,
            "questions": questions,
            "deadline": moment_in_words(opportunity.clarification_deadline),
            "url": absolute_url(reverse("opportunities:questions", args=[opportunity.reference])),
            "service_name": settings.SERVICE_NAME,
        },
        [opportunity.contact_email],
    )


def send_alert(saved_search, *, matches, more):
    """One email listing the new opportunities matching a saved search."""
    unsubscribe_url = absolute_url(
        reverse("opportunities:unsubscribe", args=[unsubscribe_token(saved_search)])
    )
    search_path = reverse("opportunities:search")
    context = {
        "saved_search": saved_search,
        "matches": [
            {
                "opportunity": opportunity,
                "deadline": moment_in_words(opportunity.submission_deadline),
                "url": opportunity_url(opportunity),
            }
            for opportunity in matches
        ],
        "more": more,
        "search_url": absolute_url(
            f"{search_path}?{saved_search.query_string}"
            if saved_search.query_string
            else search_path
        ),
        "manage_url": absolute_url(reverse("opportunities:alerts")),
        "unsubscribe_url": unsubscribe_url,
        "service_name": settings.SERVICE_NAME,
    }
    count = len(matches) + more
    noun = "opportunity" if count == 1 else "opportunities"
    message = EmailMessage(
        subject=subject_line(f"{count} new {noun} for ‘{saved_search.name}’"),
        body=render_to_string("opportunities/email/alert.txt", context),
        to=[saved_search.user.email],
        # RFC 8058: mail programs can offer their own one-click unsubscribe button.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()

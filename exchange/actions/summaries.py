"""The weekly summary of new suggestions, for members who ask for it.

A member subscribes for one organisation (``SuggestionSubscription``). Each Monday
morning they are emailed what was posted since their last summary (or in the last
week, for a first one) that fits the organisation: others' needs its offers fit and
others' offers that fit its needs, best first as ``exchange.queries`` orders them,
at most ``LISTED`` of each. A week with nothing new sends nothing, but still counts
as sent, so that next week's summary starts from there.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.emails import absolute_url
from exchange import queries
from exchange.actions import require_member
from exchange.formats import amount
from exchange.models import SuggestionSubscription
from organisations.models import Membership
from portal.batch import done, each_in_its_own_transaction
from portal.formats import LONDON, date_in_words
from portal.mail import send_each

# A summary is a prompt to look, not the list itself: the rest are on /exchange/yours/.
LISTED = 10
FIRST_SUMMARY_LOOKBACK = datetime.timedelta(days=7)


@transaction.atomic
def subscribe(*, organisation, by):
    """Email ``by`` (a member of ``organisation``) the weekly summary of new suggestions
    for it. Subscribing twice changes nothing."""
    require_member(by, organisation)
    subscription, _created = SuggestionSubscription.objects.get_or_create(
        user=by, organisation=organisation
    )
    return subscription


@transaction.atomic
def unsubscribe(*, organisation, by):
    """Stop ``by``'s weekly summary for ``organisation``; nothing happens if there is none.
    Anyone may stop their own, member or not."""
    SuggestionSubscription.objects.filter(user=by, organisation=organisation).delete()


@dataclass
class Summary:
    """What one subscriber's summary lists: ``needs`` and ``offers`` (at most ``LISTED``
    each, best first) and how many more of each there are."""

    needs: list
    offers: list
    more_needs: int
    more_offers: int

    @property
    def is_empty(self):
        return not (self.needs or self.offers)


def _first(queryset):
    listed = list(queryset[:LISTED])
    more = queryset.count() - LISTED if len(listed) == LISTED else 0
    return listed, more


def summary_for(organisation, *, since, until, today=None):
    """The suggestions for ``organisation`` posted after ``since`` and up to ``until``: a
    ``Summary``. One posted while a run goes waits for the next summary rather than
    being in two."""
    posted = {"posted_at__gt": since, "posted_at__lte": until}
    needs, more_needs = _first(queries.suggested_needs(organisation, today=today).filter(**posted))
    offers, more_offers = _first(
        queries.suggested_offers(organisation, today=today).filter(**posted)
    )
    return Summary(needs=needs, offers=offers, more_needs=more_needs, more_offers=more_offers)


def week_start(now):
    """Midnight at the start of the Monday of ``now``'s week, in UK time."""
    today = timezone.localtime(now, LONDON).date()
    monday = today - datetime.timedelta(days=today.weekday())
    return datetime.datetime.combine(monday, datetime.time(), tzinfo=LONDON)


def due_subscriptions(now):
    """Subscriptions not sent this week (UK time), of people whose account is active."""
    return SuggestionSubscription.objects.filter(
        Q(last_sent_at__isnull=True) | Q(last_sent_at__lt=week_start(now)),
        user__is_active=True,
    )


def send_summaries(*, now=None):
    """Email each due subscriber the summary of new suggestions for their organisation;
    returns how many emails were sent.

    Each subscription is claimed (``select_for_update(skip_locked=True)``, still due)
    and its ``last_sent_at`` moved to ``now`` in a transaction of its own, with its
    email sent inside it, so each goes once a week however often the job runs, and a
    failing one is recorded on its row and tried again by the next run without
    stopping the others. A subscriber who has left the organisation gets nothing
    and the subscription is removed.
    """
    now = now or timezone.now()
    due = due_subscriptions(now).order_by("pk").values_list("pk", flat=True)

    def handle(pk):
        subscription = (
            due_subscriptions(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "organisation")
            .filter(pk=pk)
            .first()
        )
        if subscription is None:  # sent by another run meanwhile
            return False
        is_member = Membership.objects.filter(
            user=subscription.user_id, organisation=subscription.organisation_id
        ).exists()
        if not is_member:
            subscription.delete()
            return False
        since = subscription.last_sent_at or now - FIRST_SUMMARY_LOOKBACK
        summary = summary_for(
            subscription.organisation, since=since, until=now, today=timezone.localdate(now)
        )
        if not summary.is_empty:
            send_summary(subscription, summary, since=since)
        done(subscription, last_sent_at=now)
        return not summary.is_empty

    return each_in_its_own_transaction(
        SuggestionSubscription, due, handle, job="exchange summaries"
    )


def _counted(count, one, many):
    return f"{count} {one if count == 1 else many}"


def send_summary(subscription, summary, *, since):
    """Email ``subscription``'s person their ``summary``."""
    organisation = subscription.organisation
    parts = []
    if summary.needs:
        parts.append(_counted(len(summary.needs) + summary.more_needs, "need", "needs"))
    if summary.offers:
        parts.append(_counted(len(summary.offers) + summary.more_offers, "offer", "offers"))
    send_each(
        f"New on the exchange for {organisation.name}: {' and '.join(parts)}",
        "exchange/email/summary.txt",
        {
            "organisation": organisation,
            "summary": summary,
            "since": date_in_words(since),
            "needs": [
                {
                    "need": need,
                    "still_needed": amount(need.still_needed, need.unit),
                    "needed_by": date_in_words(need.needed_by),
                    "url": absolute_url(need.get_absolute_url()),
                }
                for need in summary.needs
            ],
            "offers": [
                {
                    "offer": offer,
                    "remaining": amount(offer.remaining, offer.unit),
                    "until": date_in_words(offer.available_until),
                    "url": absolute_url(offer.get_absolute_url()),
                }
                for offer in summary.offers
            ],
            "yours_url": absolute_url(reverse("exchange:yours")),
        },
        [subscription.user.email],
    )

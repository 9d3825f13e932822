"""The week-before reminder: a need's organisation is told its date is near, and can
extend the need or close it.

A need is reminded once per date: ``reminded_for`` keeps the ``needed_by`` date the
reminder was about, so extending the need (a new date) makes it due again when the
new date comes near. Needs that are closed, met or fully promised are not looking
for help any more and are not reminded. Past its date a need leaves matching by
itself (``Need.objects.open_for_matching``); no job has to expire it.
"""

import datetime

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.emails import absolute_url
from commissioning.emails import members_addresses
from exchange.formats import amount
from exchange.models import Need
from portal.batch import done, each_in_its_own_transaction
from portal.formats import date_in_words
from portal.mail import send_each

REMIND_BEFORE = datetime.timedelta(days=7)


def needs_to_remind(today):
    """Needs open for matching whose date is at most ``REMIND_BEFORE`` away and that have
    not been reminded about that date.

    A need posted less than ``REMIND_BEFORE`` before its date is not reminded: its
    organisation chose a near date knowingly, the day before.
    """
    return (
        Need.objects.open_for_matching(today)
        .filter(
            needed_by__lte=today + REMIND_BEFORE,
            posted_at__date__lte=F("needed_by") - REMIND_BEFORE,
        )
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("needed_by")))
    )


def send_need_reminders(*, today=None):
    """Email the members of each need's organisation a week before its date, once per
    date, with links to extend or close it. Returns how many needs were reminded.

    Each need is claimed (``select_for_update(skip_locked=True)``, still due) and
    marked ``reminded_for`` in a transaction of its own, with its email sent inside it:
    a failing email is recorded on the need (``SendFailures``) and tried again on the
    next run, and never stops the others. Safe to run twice, or at once elsewhere.
    """
    today = today or timezone.localdate()
    due = needs_to_remind(today).order_by("needed_by", "pk").values_list("pk", flat=True)

    def handle(pk):
        need = (
            needs_to_remind(today)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("organisation", "ward")
            .filter(pk=pk)
            .first()
        )
        if need is None:  # reminded by another run meanwhile, extended, or closed
            return False
        send_reminder(need, today=today)
        done(need, reminded_for=need.needed_by)
        return True

    return each_in_its_own_transaction(Need, due, handle, job="need expiry reminders")


def send_reminder(need, *, today):
    """Tell ``need``'s organisation its date is near: how much is still needed, and where
    to extend or close it. One message per member."""
    days = (need.needed_by - today).days
    when = date_in_words(need.needed_by)
    send_each(
        f"Your need leaves the exchange after {when}: {need.title}",
        "exchange/email/need_expiring.txt",
        {
            "need": need,
            "needed_by": when,
            "days": days,
            "still_needed": amount(need.still_needed, need.unit),
            "url": absolute_url(need.get_absolute_url()),
            "extend_url": absolute_url(reverse("exchange:need_extend", args=[need.pk])),
            "organisation": need.organisation,
        },
        members_addresses(need.organisation),
    )

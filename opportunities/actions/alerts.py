"""Saved searches and the alert emails about new opportunities that match them."""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities import emails
from opportunities.models import Frequency, SavedSearch
from opportunities.tokens import read_unsubscribe_token
from portal import batch

# Query parameters that say where the reader is, not what they searched for.
NOT_PART_OF_A_SEARCH = ("page",)

# A search is due a little under a whole period after its last alert, so a job
# that started a few seconds later yesterday still finds it due today.
DUE_AFTER = {
    Frequency.DAILY: timedelta(days=1) - timedelta(hours=1),
    Frequency.WEEKLY: timedelta(days=7) - timedelta(hours=1),
}

# An alert lists at most this many opportunities and links to the rest.
MAX_LISTED = 25


def clean_query_string(query_string):
    """The search's own parameters, in a stable form, without the page number."""
    params = QueryDict(query_string, mutable=True)
    for name in NOT_PART_OF_A_SEARCH:
        params.pop(name, None)
    for name in list(params):
        values = [v for v in params.getlist(name) if v.strip()]
        if values:
            params.setlist(name, values)
        else:
            del params[name]
    return params.urlencode()


@transaction.atomic
def save_search(*, user, name, query_string, frequency):
    """Alert ``user`` to opportunities published from now on that match the search.

    Raises ``ValidationError`` for a missing name, an unknown frequency or a
    search too long to store.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the search a name")})
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Choose how often to get alerts")})
    query_string = clean_query_string(query_string)
    if len(query_string) > SavedSearch._meta.get_field("query_string").max_length:
        # The search page takes any query string; only what is stored has a limit.
        raise ValidationError(
            _("This search is too long to save. Use fewer words or filters and try again.")
        )
    return SavedSearch.objects.create(
        user=user,
        name=name,
        query_string=query_string,
        frequency=frequency,
        alerted_up_to=timezone.now(),
    )


@transaction.atomic
def delete_saved_search(*, saved_search, by):
    """Forget a saved search; only its owner may."""
    if saved_search.user_id != by.pk:
        raise PermissionError("Only the person who saved a search can delete it.")
    saved_search.delete()


@transaction.atomic
def unsubscribe(*, token):
    """Stop the alerts the signed ``token`` names; returns the saved search.

    Raises ``BadSignature`` for a token we did not sign and
    ``SavedSearch.DoesNotExist`` once the search has been deleted. Using the
    link twice changes nothing the second time.
    """
    saved_search_id = read_unsubscribe_token(token)
    if not isinstance(saved_search_id, int):
        raise signing.BadSignature("Not an unsubscribe token.")
    saved_search = SavedSearch.objects.select_for_update().get(pk=saved_search_id)
    if saved_search.unsubscribed_at is None:
        saved_search.unsubscribed_at = timezone.now()
        saved_search.save(update_fields=["unsubscribed_at"])
    return saved_search


def _due(now):
    due = SavedSearch.objects.none()
    for frequency, interval in DUE_AFTER.items():
        due |= SavedSearch.objects.filter(frequency=frequency, alerted_up_to__lte=now - interval)
    return due.filter(unsubscribed_at__isnull=True, user__is_active=True)


def new_matches(saved_search, *, now):
    """Opportunities matching the saved search, published since its last alert, oldest first."""
    # Imported here: the search (opportunities.queries) reads through the same
    # filters as the search page, which is the one definition of a match.
    from opportunities.queries import search_opportunities

    _filterset, matching = search_opportunities(QueryDict(saved_search.query_string), now=now)
    return matching.filter(
        published_at__gt=saved_search.alerted_up_to, published_at__lte=now
    ).order_by("published_at", "pk")


def send_alerts(*, now=None):
    """Email each saved search that is due a list of the new opportunities matching it.

    At most one email per saved search per period, none when nothing new
    matches. A saved search is claimed with ``select_for_update``
    (``skip_locked``) and its ``alerted_up_to`` moved to ``now`` in the same
    transaction as the email is sent, so a rerun or a second worker finds it
    no longer due. Each search has its own transaction (``portal.batch``): if
    one fails, nothing of it moves, the failure is recorded on it, the next
    run tries again, and the others are still sent. Returns the number of
    alerts sent.
    """
    now = now or timezone.now()
    return batch.each_in_its_own_transaction(
        SavedSearch,
        _due(now).values_list("pk", flat=True),
        lambda saved_search_id: _send_alert(saved_search_id, now=now),
        job="alerts",
    )


def _send_alert(saved_search_id, *, now):
    """Claim one due saved search and send its alert, if anything new matches; True if sent."""
    saved_search = (
        _due(now)
        .select_for_update(skip_locked=True, of=("self",))
        .filter(pk=saved_search_id)
        .select_related("user")
        .first()
    )
    if saved_search is None:
        return False
    matches = list(new_matches(saved_search, now=now)[: MAX_LISTED + 1])
    if matches:
        listed = matches[:MAX_LISTED]
        more = (
            new_matches(saved_search, now=now).count() - len(listed)
            if len(matches) > MAX_LISTED
            else 0
        )
        emails.send_alert(saved_search, matches=listed, more=more)
    batch.done(saved_search, alerted_up_to=now)
    return bool(matches)

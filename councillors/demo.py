"""Demo councillors' digest: Cllr Priya Sandhu's past digests and signpostings, and a
handful more councillors.

Everything goes through the real code. Five councillors are imported from a CSV
as a site admin would import them (``councillors.importing`` checks the file,
``councillors.actions.importing`` writes it); one has no wards and one no email
address, so every run records both problems. The digests of the three ISO weeks
before this one are sent by ``start_run`` and ``send_batch``, oldest first, so
what is stored is what the digest code renders. This week's is left to the
hourly job.

Each week's digests are sent as of 7am on its Monday: an opportunity is listed
if its dates (set relative to when the opportunities demo was seeded) had it
open then, so the oldest digest lists bids that have closed since, and "closes
soon" counts from that Monday. The digest does not compare publication or
registration dates with that moment, so the opportunities the demo published,
and the organisations it registered, on the day it was seeded show in past
digests too, as new. Priya keeps the default day and time (Monday, 7am), saved
as her choice: when the past runs went.

The actions stamp the moment they run; the runs, digests and signpostings are
then moved to their past moments with ``update()``, as ``tracking.demo`` does.

No email goes, as in the other demos: the digests and the signposting messages
go to Django's dummy backend, which accepts them and keeps nothing. (With
REDIS_URL set, a signposting's email is a task for the worker, which sends it
with the real backend.) Running ``seed`` twice changes nothing: councillors are
matched as the import matches them, a week that has digests is left alone, and
a signposting is matched by opportunity and organisation.
"""

import datetime

from django.test.utils import override_settings
from django.utils import timezone

from councillors import actions
from councillors.actions.importing import import_councillors
from councillors.actions.preferences import save_preferences
from councillors.actions.signposting import signpost
from councillors.importing import Registry, check, read_csv
from councillors.models import (
    DEFAULT_SEND_AT,
    DEFAULT_WEEKDAY,
    Digest,
    DigestPreference,
    DigestRun,
    Signposting,
)
from councillors.weeks import monday_of, slot, week_name
from opportunities.models import Opportunity
from organisations.models import Organisation
from portal.formats import LONDON

# The council's list of councillors as a site admin uploads it: invented people, real
# wards and parties. The last two are the problems a run records.
COUNCILLORS_CSV = b"""name,email,wards,party
Marcus Bennett,marcus.bennett@example.org,Aston,Labour
Rachel Osei,rachel.osei@example.org,Kingstanding,Conservative
Tom Hughes,tom.hughes@example.org,Moseley,Liberal Democrats
Gurpreet Dhillon,gurpreet.dhillon@example.org,,Green Party
Eileen Walsh,,Erdington,Independent
"""

PAST_WEEKS = 3
SENDING_TOOK = datetime.timedelta(seconds=4)  # what sending a handful of digests takes

# opportunity, organisation, sent (weeks ago, days after Monday, UK time), note
SIGNPOSTINGS = [
    (
        "Holiday activities and food programme",
        "Nechells Community Food Co-op",
        (2, 1, datetime.time(18, 10)),
        "The holiday programme needs a food partner in every area, and you already feed "
        "families in Nechells. Could you bid with a youth group, or find a lead partner on "
        "the partner board?",
    ),
    (
        "Community lunch clubs for older people",
        "Ladywood Lunch Club",
        (1, 0, datetime.time(9, 40)),
        "This is the contract for lunch clubs like yours in Ladywood. Small groups can bid, "
        "and I am happy to talk it through at my surgery on Friday.",
    ),
]


def seed(*, councillor, site_admin):
    """Import the demo councillors (as ``site_admin``), give ``councillor`` (Priya Sandhu,
    whose account signposts) a digest preference, send every councillor the digests of
    the three weeks before this one, and log ``councillor``'s signpostings."""
    # The sending code asks for the default connection; this is the one way to swap it.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _import_councillors(by=site_admin)
        if not DigestPreference.objects.filter(councillor=councillor).exists():
            save_preferences(
                councillor=councillor,
                by=councillor.user,
                enabled=True,
                weekday=DEFAULT_WEEKDAY,
                send_at=DEFAULT_SEND_AT,
            )
        this_monday = monday_of(timezone.now())
        for weeks_ago in range(PAST_WEEKS, 0, -1):
            _send_week(this_monday - datetime.timedelta(weeks=weeks_ago))
        for spec in SIGNPOSTINGS:
            _signpost(councillor, *spec, this_monday=this_monday)


def _import_councillors(*, by):
    """Import the lines of ``COUNCILLORS_CSV`` that match no councillor yet; a line with
    errors raises ``ValueError``."""
    csv_file = read_csv(COUNCILLORS_CSV)
    preview = check(csv_file, Registry.load(emails=csv_file.emails()))
    new = [row for row in preview.rows() if row.councillor_id is None]
    if new:
        import_councillors(rows=new, by=by)


def _send_week(monday):
    """Send ``monday``'s week's digests as the run at 7am that Monday would have."""
    week = week_name(monday)
    if Digest.objects.filter(week=week).exists():
        return  # sent by an earlier seed, or by a real run
    started = slot(monday, weekday=DEFAULT_WEEKDAY, send_at=DEFAULT_SEND_AT)
    run = actions.start_run(now=started, week=week, enqueue=False)
    for batch in actions.pending_batches(run):
        actions.send_batch(run_id=run.pk, digest_ids=batch, now=started)
    # Moved back before the next week is sent, which marks as new what came after this.
    finished = started + SENDING_TOOK
    Digest.objects.filter(run=run).update(claimed_at=started)
    Digest.objects.filter(run=run, sent_at__isnull=False).update(sent_at=finished)
    Digest.objects.filter(run=run, failed_at__isnull=False).update(failed_at=started)
    DigestRun.objects.filter(pk=run.pk).update(started_at=started)
    DigestRun.objects.filter(pk=run.pk, finished_at__isnull=False).update(finished_at=finished)


def _signpost(councillor, title, organisation_name, when, note, *, this_monday):
    opportunity = Opportunity.objects.filter(title=title).order_by("pk").first()
    organisation = Organisation.objects.filter(name=organisation_name).order_by("pk").first()
    if opportunity is None or organisation is None:
        return  # not in this database's demo
    done = Signposting.objects.filter(
        councillor=councillor, opportunity=opportunity, organisation=organisation
    )
    if done.exists() or not opportunity.is_open:
        return  # sent already, or the demo opportunities were seeded so long ago they closed
    signposting = signpost(
        councillor=councillor,
        by=councillor.user,
        opportunity=opportunity,
        organisation=organisation,
        note=note,
    )
    weeks_ago, days, at = when
    day = this_monday - datetime.timedelta(weeks=weeks_ago) + datetime.timedelta(days=days)
    sent_at = datetime.datetime.combine(day, at, tzinfo=LONDON)
    Signposting.objects.filter(pk=signposting.pk).update(sent_at=sent_at)

"""The weekly runs of the digest: who is due, claiming their digests, and resuming.

``start_run`` claims one ``Digest`` row per councillor and week. The table is
unique on (councillor, week), so when two beat processes fire at once, or
someone runs the command while the beat's run is going, the database decides
who owns each row and no councillor gets a second one. The rows are split into
batches of ``BATCH_SIZE``, each sent by a Celery task calling
``councillors.actions.sending.send_batch``.

``resume_pending``, run hourly with ``start_run``, enqueues again what a dead
worker or a lost task left unsent once the run's lease (``LEASE``) is over, and
the digests due for another try; it gives up those still unsent two days after
their claim.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from councillors import digest, render, tasks
from councillors.actions.sending import PENDING, finish_if_done, sending_lock
from councillors.models import Digest, DigestPreference, DigestRun
from councillors.weeks import monday_of, parse_week, slot, week_name
from organisations.models import Councillor

BATCH_SIZE = 200
# A digest whose batch has not sent it this long after it was claimed is resumed: its
# worker died, or its task was lost. Long enough for a queue to drain in a normal run.
LEASE = datetime.timedelta(minutes=10)
# A digest still unsent this long after it was claimed is given up rather than sent
# late (after an outage, say): next week's will be along.
GIVE_UP_AFTER = datetime.timedelta(days=2)


def due_at(councillor, monday):
    """When ``councillor``'s digest is due in the week starting ``monday`` (aware, UK time)."""
    try:
        preference = councillor.digest_preference
    except DigestPreference.DoesNotExist:
        preference = DigestPreference(councillor=councillor)  # the defaults
    return slot(monday, weekday=preference.weekday, send_at=preference.send_at)


def _candidates(*, week, monday, now, forced, only_email):
    """The councillors who should get ``week``'s digest, each annotated with ``ward_count``.

    Those with the digest on and no digest claimed this week whose chosen day and time
    has come; when ``forced``, every one with it on who has not been sent this week's,
    whatever day they chose.
    """
    councillors = Councillor.objects.filter(
        Q(digest_preference__isnull=True) | Q(digest_preference__enabled=True)
    )
    if only_email:
        councillors = councillors.filter(email__iexact=only_email.strip())
    this_week = Digest.objects.filter(councillor=OuterRef("pk"), week=week)
    if forced:
        councillors = councillors.exclude(Exists(this_week.filter(sent_at__isnull=False)))
    else:
        councillors = councillors.exclude(Exists(this_week))
    councillors = (
        councillors.select_related("digest_preference")
        .annotate(ward_count=Count("wards"))
        .order_by("pk")
    )
    if forced:
        return list(councillors)
    return [councillor for councillor in councillors if due_at(councillor, monday) <= now]


def _problem(councillor, problem):
    """One entry of a run's ``problems``."""
    return {"councillor": councillor.full_name, "councillor_id": councillor.pk, "problem": problem}


def _problems(councillors):
    problems = []
    for councillor in councillors:
        if not councillor.email:
            problems.append(_problem(councillor, _("No email address")))
        elif not councillor.ward_count:
            problems.append(_problem(councillor, _("No wards: sent without the ward section")))
    return problems


def _councillors_with_email(only_email):
    matching = list(Councillor.objects.filter(email__iexact=only_email.strip()))
    if not matching:
        raise ValueError(
            _("No councillor has the email address %(email)s.") % {"email": only_email.strip()}
        )
    return matching


def _not_eligible(councillors, week):
    """Why ``councillors``, asked for by email address, get nothing: for the run's record."""
    sent = set(
        Digest.objects.filter(
            councillor__in=councillors, week=week, sent_at__isnull=False
        ).values_list("councillor_id", flat=True)
    )
    return [
        _problem(
            councillor,
            _("Already sent the digest for %(week)s") % {"week": week}
            if councillor.pk in sent
            else _("Has turned the weekly digest off"),
        )
        for councillor in councillors
    ]


def _batches(ids):
    return [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]


def start_run(*, now=None, week=None, only_email=None, dry_run=False, enqueue=True):
    """Start sending the weekly digest; returns the ``DigestRun``, or ``None`` if nobody is due.

    Without ``week`` (the hourly job): the councillors of the current ISO week whose
    chosen day and time has come and who have no digest claimed this week. With
    ``week`` (``2026-W48``, a manual run): every councillor with the digest on who has
    not been sent that week's, whatever day they chose; their unsent digests of that
    week are taken over and tried once more, even ones given up. ``only_email``
    restricts the run to the councillor with that email address.

    Claims one digest row per councillor and enqueues their batches once the claim is
    committed (unless ``enqueue`` is false: the caller sends them, see
    ``pending_batches``). A councillor without an email address is skipped, without a
    ward is sent the digest anyway: both are listed in the run's ``problems``. A dry
    run builds and renders each digest, then records the run and nothing else.

    Raises ``ValueError`` for a badly written week, a week not started yet, or an
    email address no councillor has.
    """
    now = now or timezone.now()
    forced = week is not None
    monday = parse_week(week) if forced else monday_of(now)
    week = week_name(monday)
    if monday > monday_of(now):
        raise ValueError(_("%(week)s has not started yet.") % {"week": week})
    asked_for = _councillors_with_email(only_email) if only_email else []
    candidates = _candidates(
        week=week, monday=monday, now=now, forced=forced, only_email=only_email
    )
    if not candidates and not forced:
        return None
    ignored = _not_eligible(asked_for, week) if asked_for and not candidates else []
    if dry_run:
        return _dry_run(week, candidates, ignored, now=now)
    with transaction.atomic():
        run = _claim(week, candidates, forced=forced)
        if run is None:
            return None
        run.problems += ignored
        run.save(update_fields=["problems"])
        if enqueue:
            for batch in pending_batches(run):
                tasks.send_digest_batch.delay_on_commit(run.pk, batch)
    finish_if_done(run.pk)
    return run


def _dry_run(week, candidates, ignored, *, now):
    with_email = [councillor for councillor in candidates if councillor.email]
    for _councillor, content in digest.build_all(with_email, now=now):
        render.render(content)
    return DigestRun.objects.create(
        week=week,
        dry_run=True,
        eligible=len(candidates),
        skipped=len(candidates) - len(with_email),
        problems=_problems(candidates) + ignored,
        finished_at=timezone.now(),
    )


def _claim(week, candidates, *, forced):
    """A run owning the digest rows of those ``candidates`` no other run owns; ``None`` if
    it owns none and was not ``forced``. The unique (councillor, week) row decides."""
    run = DigestRun.objects.create(week=week)
    claimed_at = timezone.now()
    Digest.objects.bulk_create(
        [
            Digest(councillor=councillor, week=week, run=run, claimed_at=claimed_at)
            if councillor.email
            else Digest(
                councillor=councillor,
                week=week,
                run=run,
                claimed_at=claimed_at,
                failed_at=claimed_at,
                last_error=_("No email address"),
            )
            for councillor in candidates
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    if forced:
        _take_over(week, candidates, run)
    owned = set(Digest.objects.filter(run=run).values_list("councillor_id", flat=True))
    mine = [councillor for councillor in candidates if councillor.pk in owned]
    if not mine and not forced:
        run.delete()  # another run got there first: nothing for this one to record
        return None
    run.eligible = len(mine)
    run.skipped = sum(1 for councillor in mine if not councillor.email)
    run.problems = _problems(mine)
    run.save(update_fields=["eligible", "skipped", "problems"])
    return run


def _take_over(week, candidates, run):
    """Move the candidates' unsent digests of ``week`` to ``run``, to be tried once more."""
    ids = [councillor.pk for councillor in candidates]
    unsent = Digest.objects.filter(week=week, sent_at__isnull=True).exclude(run=run)
    earlier_runs = set()
    for start in range(0, len(ids), 500):
        chunk = unsent.filter(councillor_id__in=ids[start : start + 500])
        earlier_runs.update(chunk.values_list("run_id", flat=True))
        # The councillors without an email address stay given up.
        chunk.filter(councillor__email="").update(run=run)
        chunk.exclude(councillor__email="").update(run=run, failed_at=None, next_attempt_at=None)
    for run_id in earlier_runs:
        finish_if_done(run_id)


def pending_batches(run):
    """The ids of ``run``'s digests waiting to be sent, in lists of at most ``BATCH_SIZE``."""
    ids = list(Digest.objects.filter(PENDING, run=run).order_by("pk").values_list("pk", flat=True))
    return _batches(ids)


def resume_pending(*, now=None):
    """Enqueue again the digests nobody is sending; returns how many.

    Those due for another try, and those still unsent ``LEASE`` after they were
    claimed (their worker died or their task was lost). Digests still unsent
    ``GIVE_UP_AFTER`` their claim are given up instead. Runs with nothing left to
    send are marked finished.
    """
    now = now or timezone.now()
    _give_up_stale(now)
    due = (
        Digest.objects.filter(PENDING, claimed_at__gte=now - GIVE_UP_AFTER)
        .filter(
            Q(next_attempt_at__isnull=True, claimed_at__lte=now - LEASE)
            | Q(next_attempt_at__lte=now)
        )
        .order_by("run_id", "pk")
        .values_list("run_id", "pk")
    )
    by_run = defaultdict(list)
    for run_id, digest_id in due:
        by_run[run_id].append(digest_id)
    for run_id, ids in by_run.items():
        for batch in _batches(ids):
            tasks.send_digest_batch.delay_on_commit(run_id, batch)
    for run_id in DigestRun.objects.filter(finished_at__isnull=True).values_list("pk", flat=True):
        finish_if_done(run_id)
    return sum(len(ids) for ids in by_run.values())


@transaction.atomic
def _give_up_stale(now):
    stale = list(
        Digest.objects.select_for_update(skip_locked=True).filter(
            PENDING, claimed_at__lt=now - GIVE_UP_AFTER
        )
    )
    given_up = _("Not sent within two days of being claimed: given up")
    for stale_digest in stale:
        with sending_lock(stale_digest.pk) as mine:
            if not mine:
                continue  # a worker is handing it to the mail server this moment
            stale_digest.failed_at = timezone.now()
            stale_digest.next_attempt_at = None
            stale_digest.last_error = "\n".join(filter(None, [stale_digest.last_error, given_up]))
            stale_digest.save(update_fields=["failed_at", "next_attempt_at", "last_error"])
            DigestRun.objects.filter(pk=stale_digest.run_id).update(failed=F("failed") + 1)

"""Reads for scrutiny tracking: where each recommendation stands, lists and the dashboard."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.authorization import Permission, has_permission
from portal.formats import moment_in_words
from tracking.models import Assessment, Category, Inquiry, TrackingRound


def standing(recommendation_assessments):
    """Where a recommendation stands: its latest committee decision, or ``None``.

    ``recommendation_assessments`` are its assessments in round order.
    """
    decided = [a for a in recommendation_assessments if a.decided_category is not None]
    return Category(decided[-1].decided_category) if decided else None


def _overdue(rounds, now):
    """Rounds past their deadline with assessments still to come."""
    return [r for r in rounds if r.submission_deadline <= now and r.missing]


def standing_counts():
    """``{inquiry id: {category: recommendations standing there}}``, in one grouped query.

    The same as counting ``standing`` of every recommendation, without loading any
    assessment: a recommendation's latest decision is the decided assessment with
    no decided one of it in a later round. Recommendations with no decision are
    not counted.
    """
    later_decision = Assessment.objects.filter(
        recommendation=OuterRef("recommendation"),
        decided_category__isnull=False,
        round__number__gt=OuterRef("round__number"),
    )
    rows = (
        Assessment.objects.filter(decided_category__isnull=False)
        .exclude(Exists(later_decision))
        .values_list("recommendation__inquiry_id", "decided_category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = defaultdict(dict)
    for inquiry_id, category, n in rows:
        counts[inquiry_id][Category(category)] = n
    return counts


def inquiry_summaries():
    """Every inquiry with ``counts`` (``(category, recommendations standing there)`` for
    each category with any), ``undecided`` (recommendations with no decision yet),
    ``overdue`` rounds and ``latest_round``.

    Three queries whatever the number of inquiries, rounds and assessments: only the
    rounds shown (each inquiry's latest and the overdue ones) are read, and the
    standings arrive counted (``standing_counts``).
    """
    now = timezone.now()
    latest_number = (
        TrackingRound.objects.filter(inquiry=OuterRef("inquiry"))
        .order_by("-number")
        .values("number")[:1]
    )
    shown_rounds = (
        TrackingRound.objects.annotate(
            missing=Count("assessments", filter=Q(assessments__submitted_at__isnull=True))
        )
        .filter(Q(number=Subquery(latest_number)) | Q(submission_deadline__lte=now, missing__gt=0))
        .order_by("number")
    )
    inquiries = list(
        Inquiry.objects.select_related("committee")
        .annotate(recommendation_count=Count("recommendations"))
        .prefetch_related(Prefetch("rounds", queryset=shown_rounds))
        # A grouped query does not use Meta.ordering: say it.
        .order_by(*Inquiry._meta.ordering)
    )
    standings = standing_counts()
    for inquiry in inquiries:
        counts = standings.get(inquiry.pk, {})
        inquiry.counts = [(c, counts[c]) for c in Category if c in counts]
        inquiry.undecided = inquiry.recommendation_count - sum(counts.values())
        rounds = list(inquiry.rounds.all())
        inquiry.latest_round = rounds[-1] if rounds else None
        inquiry.overdue = _overdue(rounds, now)
    return inquiries


def timeline(inquiry, rounds):
    """Each recommendation with its target dates and, round by round, its assessments
    with their evidence, and where it stands now.

    ``rounds`` are the inquiry's rounds with their committees, which the caller has
    read already: each assessment is given its round from them rather than a copy
    of its own (a page of 37 recommendations made 380 such copies).
    """
    by_pk = {r.pk: r for r in rounds}
    recommendations = list(
        inquiry.recommendations.prefetch_related(
            "target_dates",
            Prefetch(
                "assessments",
                queryset=Assessment.objects.prefetch_related("evidence").order_by("round__number"),
            ),
        )
    )
    for recommendation in recommendations:
        assessments = recommendation.assessments.all()
        for assessment in assessments:
            assessment.round = by_pk[assessment.round_id]
        recommendation.standing = standing(assessments)
    return recommendations


@dataclass(frozen=True)
class RoundRefusal:
    """Why an inquiry's next tracking round cannot open yet, in a sentence saying what to do.

    ``undecided`` are the last round's assessments the committee has still to decide
    (each has a decision form); ``needs_recommendations`` says there is nothing to
    track until recommendations are added.
    """

    message: str
    undecided: tuple = ()
    needs_recommendations: bool = False


def next_round_refusal(inquiry):
    """Why ``inquiry``'s next round cannot open now, or ``None`` when it can.

    The one place this is decided: ``actions.open_round`` refuses with it, and the
    inquiry page and the new-round page offer the round only when it is ``None``.
    (The meeting and deadline dates are checked against what the officer enters.)
    """
    last = inquiry.rounds.order_by("-number").first()
    if last is not None:
        undecided = tuple(
            last.assessments.filter(decided_at__isnull=True)
            .select_related("round", "recommendation")
            .order_by("recommendation__reference")
        )
        if undecided:
            return RoundRefusal(
                ngettext(
                    "Record the committee's decision on %(count)s recommendation "
                    "before opening the next round",
                    "Record the committee's decision on %(count)s recommendations "
                    "before opening the next round",
                    len(undecided),
                )
                % {"count": len(undecided)},
                undecided=undecided,
            )
    if not inquiry.recommendations.exists():
        return RoundRefusal(
            _("Add the inquiry's recommendations before opening a tracking round"),
            needs_recommendations=True,
        )
    if not inquiry.recommendations.unconcluded().exists():
        return RoundRefusal(_("Every recommendation is concluded: there is nothing left to track"))
    return None


def late_submissions(now=None):
    """Unsubmitted assessments of rounds whose deadline has passed but whose committee has not
    yet decided them, oldest deadline first."""
    now = now or timezone.now()
    return list(
        Assessment.objects.filter(
            submitted_at__isnull=True, decided_at__isnull=True, round__submission_deadline__lte=now
        )
        .select_related("round__inquiry", "recommendation")
        .prefetch_related("recommendation__responsible_people")
        .order_by(
            "round__submission_deadline", "round__inquiry__title", "recommendation__reference"
        )
    )


def upcoming_rounds(today=None):
    """Rounds whose committee meeting is today or later, soonest first, with progress counts."""
    today = today or timezone.localdate()
    return list(
        TrackingRound.objects.filter(meeting_on__gte=today)
        .select_related("inquiry", "committee")
        .annotate(
            total=Count("assessments"),
            submitted=Count("assessments", filter=Q(assessments__submitted_at__isnull=False)),
            decided=Count("assessments", filter=Q(assessments__decided_at__isnull=False)),
        )
        .order_by("meeting_on", "inquiry__title")
    )


def decisions_by_year():
    """``[(year, {category: count})]``: the committee's decisions by the year of the meeting."""
    rows = (
        Assessment.objects.filter(decided_category__isnull=False)
        .values_list("round__meeting_on__year", "decided_category")
        .annotate(n=Count("pk"))
        .order_by("round__meeting_on__year")
    )
    by_year = defaultdict(dict)
    for year, category, n in rows:
        by_year[year][Category(category)] = n
    return [(year, [counts.get(c, 0) for c in Category]) for year, counts in by_year.items()]


def assessments_for(user):
    """The assessments ``user`` answers for in rounds the committee has not finished deciding,
    grouped by round, soonest deadline first."""
    assessments = (
        Assessment.objects.filter(recommendation__responsible_people=user, decided_at__isnull=True)
        .select_related("round__inquiry", "recommendation")
        .order_by("round__submission_deadline", "recommendation__reference")
    )
    rounds = {}
    for assessment in assessments:
        rounds.setdefault(assessment.round, []).append(assessment)
    return list(rounds.items())


def answers_for_inquiry(user, inquiry):
    """Whether ``user`` answers for any recommendation of ``inquiry``."""
    return inquiry.recommendations.filter(responsible_people=user).exists()


def _iso(value):
    """A date, or a moment in UK time, as ISO 8601; empty for none."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return value.isoformat()


HISTORY_COLUMNS = (
    "round",
    "committee",
    "meeting",
    "deadline",
    "recommendation",
    "completion target",
    "executive's category",
    "executive's category name",
    "date achieved",
    "anticipated completion",
    "submitted",
    "submitted by",
    "evidence",
    "committee's category",
    "committee's category name",
    "committee's anticipated completion",
    "committee's comment",
    "decided",
)


def history_rows(inquiry):
    """One row per assessment for the CSV export, keyed by ``HISTORY_COLUMNS``, in round then
    reference order."""
    assessments = (
        Assessment.objects.filter(round__inquiry=inquiry)
        .select_related("round__committee", "recommendation", "submitted_by", "decided_by")
        .prefetch_related("evidence", "recommendation__target_dates")
        .order_by("round__number", "recommendation__reference")
    )
    for a in assessments:
        yield {
            "round": a.round.number,
            "committee": a.round.committee.name,
            "meeting": a.round.meeting_on.isoformat(),
            "deadline": _iso(a.round.submission_deadline),
            "recommendation": a.recommendation.reference,
            "completion target": _iso(a.recommendation.completion_target),
            "executive's category": a.proposed_category or "",
            "executive's category name": a.get_proposed_category_display() or "",
            "date achieved": _iso(a.achieved_on),
            "anticipated completion": _iso(a.anticipated_on),
            "submitted": _iso(a.submitted_at),
            "submitted by": a.submitted_by.full_name if a.submitted_by else "",
            "evidence": "\n\n".join(e.text for e in a.evidence.all()),
            "committee's category": a.decided_category or "",
            "committee's category name": a.get_decided_category_display() or "",
            "committee's anticipated completion": _iso(a.decision_anticipated_on),
            "committee's comment": a.decision_comment,
            "decided": _iso(a.decided_at),
        }


def evidence_so_far(assessment):
    """The recommendation's assessments with evidence, up to and including this round's,
    oldest first."""
    return list(
        Assessment.objects.filter(
            recommendation=assessment.recommendation,
            round__number__lte=assessment.round.number,
            evidence__isnull=False,
        )
        .distinct()
        .select_related("round")
        .prefetch_related("evidence")
        .order_by("round__number")
    )


def to_do_for(user, *, now=None):
    """What ``user`` should see first about scrutiny tracking, as ``(words, url)`` pairs.

    The assessments they answer for and have still to submit (with the first
    deadline); for a scrutiny officer, the submissions now late. A count query each.
    """
    now = now or timezone.now()
    to_do = []
    owed = Assessment.objects.filter(
        recommendation__responsible_people=user, submitted_at__isnull=True, decided_at__isnull=True
    ).aggregate(n=Count("pk"), first=Min("round__submission_deadline"))
    if owed["n"]:
        to_do.append(
            (
                ngettext(
                    "%(n)d assessment to submit, by %(moment)s",
                    "%(n)d assessments to submit, the first by %(moment)s",
                    owed["n"],
                )
                % {"n": owed["n"], "moment": moment_in_words(owed["first"])},
                reverse("tracking:my_assessments"),
            )
        )
    if has_permission(user, Permission.MANAGE_SCRUTINY):
        late = Assessment.objects.filter(
            submitted_at__isnull=True, decided_at__isnull=True, round__submission_deadline__lte=now
        ).count()
        if late:
            to_do.append(
                (
                    ngettext("%(n)d assessment is late", "%(n)d assessments are late", late)
                    % {"n": late},
                    reverse("tracking:dashboard"),
                )
            )
    return to_do

"""The inquiry list's summaries, counted in SQL, agree with counting every assessment in Python.

``inquiry_summaries`` once loaded every recommendation and assessment and took each
recommendation's ``standing``; ``summaries_as_before`` is that code, kept as the
reference. The data is made with the ORM (not the actions) so it can vary freely:
several rounds, decisions superseded in later rounds, resubmissions, concluded
recommendations, rounds still to be decided, overdue rounds, and rows created out
of round order so that no query can lean on primary keys.
"""

import datetime
from collections import Counter
from random import Random

import pytest
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import UserFactory
from tracking import queries
from tracking.models import (
    CONCLUDING,
    NEEDS_ANTICIPATED_DATE,
    Assessment,
    Category,
    Committee,
    Inquiry,
    Recommendation,
    TrackingRound,
)

pytestmark = pytest.mark.django_db


def summaries_as_before():
    """The previous ``inquiry_summaries``: every assessment loaded, standings in Python."""
    now = timezone.now()
    inquiries = list(
        Inquiry.objects.select_related("committee").prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.prefetch_related(
                    Prefetch("assessments", queryset=Assessment.objects.order_by("round__number"))
                ),
            ),
            Prefetch(
                "rounds",
                queryset=TrackingRound.objects.annotate(
                    missing=Count("assessments", filter=Q(assessments__submitted_at__isnull=True))
                ).order_by("number"),
            ),
        )
    )
    for inquiry in inquiries:
        counts = Counter(
            queries.standing(r.assessments.all()) for r in inquiry.recommendations.all()
        )
        inquiry.counts = [(category, counts[category]) for category in Category if counts[category]]
        inquiry.undecided = counts[None]
        rounds = list(inquiry.rounds.all())
        inquiry.latest_round = rounds[-1] if rounds else None
        inquiry.overdue = [r for r in rounds if r.submission_deadline <= now and r.missing]
    return inquiries


def described(inquiries):
    """What the pages show of each summary, in the order given."""
    return [
        (
            inquiry.pk,
            inquiry.committee.name,
            inquiry.counts,
            inquiry.undecided,
            inquiry.latest_round and (inquiry.latest_round.pk, inquiry.latest_round.number),
            [(r.pk, r.number, r.missing) for r in inquiry.overdue],
        )
        for inquiry in inquiries
    ]


def _decide(assessment, rng, meeting_on):
    """Record a random decision on ``assessment``; returns its category."""
    category = rng.choice(list(Category))
    assessment.decided_category = category
    if rng.random() < 0.85:  # else decided without its moment, as the constraint allows
        assessment.decided_at = timezone.now()
    if category in NEEDS_ANTICIPATED_DATE:
        assessment.decision_anticipated_on = meeting_on + datetime.timedelta(days=90)
    return category


def make_varied(seed, *, inquiries=8):
    """``inquiries`` inquiries of 0–9 recommendations and 0–5 rounds, seeded."""
    rng = Random(seed)
    officer = UserFactory(is_scrutiny_officer=True)
    committees = [Committee.objects.get_or_create(name=f"Committee {n}")[0] for n in range(3)]
    now = timezone.now()
    for n in range(inquiries):
        inquiry = Inquiry.objects.create(
            title=f"Inquiry {seed}-{n}",
            slug=f"inquiry-{seed}-{n}",
            committee=rng.choice(committees),
            lead_member="A councillor",
            lead_officer="An officer",
            # Ties on the date show the list is then ordered by title.
            approved_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 3)),
            officer=officer,
            created_by=officer,
        )
        recommendations = [
            Recommendation.objects.create(
                inquiry=inquiry, reference=f"R{r:02d}", text="Do it.", responsibility="Cabinet"
            )
            for r in rng.sample(range(1, 20), rng.randint(0, 9))
        ]
        rounds = rng.randint(0, 5) if recommendations else 0
        numbers = list(range(1, rounds + 1))
        if rng.random() < 0.5:
            numbers.reverse()  # rows made latest first: primary keys against round order
        made = {}
        shift = rng.choice([-21, 30])  # the last round's deadline passed, or still to come
        for number in numbers:
            meeting_on = now.date() + datetime.timedelta(days=60 * (number - rounds) + shift + 21)
            made[number] = TrackingRound.objects.create(
                inquiry=inquiry,
                number=number,
                committee=inquiry.committee,
                meeting_on=meeting_on,
                submission_deadline=now + datetime.timedelta(days=60 * (number - rounds) + shift),
                report_of="Cabinet",
                opened_by=officer,
            )
        # The assessments round by round, each round tracking what is not yet concluded.
        tracked = list(recommendations)
        rows = []
        for number in range(1, rounds + 1):
            tracking_round = made[number]
            last = number == rounds
            concluded = []
            for recommendation in tracked:
                assessment = Assessment(round=tracking_round, recommendation=recommendation)
                if rng.random() < (0.6 if last else 0.95):
                    category = rng.choice(list(Category))
                    assessment.proposed_category = category
                    assessment.submitted_at = now
                    assessment.submitted_by = officer
                    if category in NEEDS_ANTICIPATED_DATE:
                        assessment.anticipated_on = tracking_round.meeting_on
                # Earlier rounds are mostly decided; the last one about half.
                if rng.random() < (0.5 if last else 0.85) and (
                    _decide(assessment, rng, tracking_round.meeting_on) in CONCLUDING
                ):
                    concluded.append(recommendation)
                rows.append(assessment)
            tracked = [r for r in tracked if r not in concluded]
        if rng.random() < 0.5:
            rows.reverse()
        Assessment.objects.bulk_create(rows)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_summaries_are_the_same_as_counting_every_assessment(seed):
    make_varied(seed)
    before = described(summaries_as_before())
    assert described(queries.inquiry_summaries()) == before
    # The data is varied enough to tell: decisions, undecided ones, rounds and overdue ones.
    assert any(counts for _pk, _c, counts, *_rest in before)
    assert any(undecided for _pk, _c, _counts, undecided, *_rest in before)
    assert any(overdue for *_rest, overdue in before)


def test_a_recommendation_stands_where_its_latest_decision_put_it():
    """Superseded decisions, a later round left undecided, a resubmission, one concluded."""
    officer = UserFactory(is_scrutiny_officer=True)
    committee = Committee.objects.create(name="Scrutiny")
    inquiry = Inquiry.objects.create(
        title="Parks",
        slug="parks",
        committee=committee,
        lead_member="A councillor",
        lead_officer="An officer",
        approved_on=datetime.date(2024, 1, 1),
        officer=officer,
        created_by=officer,
    )
    r1, r2, r3, r4 = (
        Recommendation.objects.create(
            inquiry=inquiry, reference=f"R0{n}", text="Do it.", responsibility="Cabinet"
        )
        for n in range(1, 5)
    )
    now = timezone.now()
    # Round 2 made first, so its rows have the smaller primary keys.
    second, first = (
        TrackingRound.objects.create(
            inquiry=inquiry,
            number=number,
            committee=committee,
            meeting_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=180 * number),
            submission_deadline=now + datetime.timedelta(days=30 * number),
            report_of="Cabinet",
            opened_by=officer,
        )
        for number in (2, 1)
    )
    later = datetime.date(2027, 1, 1)

    def assess(tracking_round, recommendation, decided=None, proposed=None):
        return Assessment.objects.create(
            round=tracking_round,
            recommendation=recommendation,
            proposed_category=proposed,
            anticipated_on=later if proposed in NEEDS_ANTICIPATED_DATE else None,
            submitted_at=now if proposed else None,
            submitted_by=officer if proposed else None,
            decided_category=decided,
            decision_anticipated_on=later if decided in NEEDS_ANTICIPATED_DATE else None,
            decided_at=now if decided else None,
        )

    assess(second, r1, decided=Category.ACHIEVED, proposed=Category.ACHIEVED)  # supersedes 6
    assess(second, r2, proposed=Category.ACHIEVED)  # submitted again, not yet decided
    assess(first, r1, decided=Category.IN_PROGRESS, proposed=Category.IN_PROGRESS)
    assess(first, r2, decided=Category.PROGRESS_MADE, proposed=Category.INSUFFICIENT_PROGRESS)
    assess(first, r3, decided=Category.OBSTACLE, proposed=Category.OBSTACLE)  # concluded
    assess(first, r4)  # never submitted: round 1 is not overdue yet (deadline in 30 days)

    [summary] = queries.inquiry_summaries()
    assert summary.counts == [
        (Category.ACHIEVED, 1),
        (Category.PROGRESS_MADE, 1),
        (Category.OBSTACLE, 1),
    ]
    assert summary.undecided == 1
    assert summary.latest_round == second
    assert summary.overdue == []
    assert described([summary]) == described(summaries_as_before())


def _queries_for_summaries():
    with CaptureQueriesContext(connection) as run:
        summaries = queries.inquiry_summaries()
    return len(run.captured_queries), summaries


def test_the_summaries_take_three_queries_whatever_the_size():
    make_varied(6, inquiries=2)
    small, summaries = _queries_for_summaries()
    assert len(summaries) == 2
    make_varied(7, inquiries=12)
    large, summaries = _queries_for_summaries()
    assert len(summaries) == 14
    assert sum(len(s.overdue) for s in summaries)  # overdue rounds are read too
    assert small == large == 3

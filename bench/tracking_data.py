"""Scrutiny inquiries at scale: recommendations, tracking rounds, assessments, decisions.

Used by ``bench/whole.py`` (``make_inquiries``), and by ``bench/tracking_pdf.py`` for
its words and outcomes. ``make_inquiries`` writes with ``bulk_create``, seeded, the
rows ``tracking.actions`` would leave (``create_inquiry``, ``save_recommendation``,
``open_round``, ``submit_assessment``, ``record_decision``), without calling them:
``count`` inquiries approved over the last ten years by one of five committees,
``recommendations`` recommendations spread over them (at least 3 each, a few with
dozens; a third with Markdown sub-parts, 1–3 target dates, one or two responsible
people from a pool of 40), and for each inquiry a round every six months from six
months after its approval, while recommendations are left to track, at most
``MAX_ROUNDS``, and only once a round would have opened (six weeks before its
deadline, 21 days before the meeting). In a round whose meeting has passed every
assessment is submitted (one in seven twice, two pieces of evidence) and decided
by the committee; about one in ten concludes (1, 2 or 4) and leaves tracking. In
a round still to meet, about half are submitted by now and none decided. Evidence
is 200–450 words of Markdown rendered with ``portal.markdown.for_storage``, drawn
from a pool of ``EVIDENCE_POOL`` pieces so the build takes seconds. Each round's
``version`` counts its submissions and decisions, as the actions bump it.
"""

import datetime
import time
from collections import Counter
from random import Random

from dataset import _sentences
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from portal.formats import LONDON
from portal.markdown import for_storage
from tracking.actions.rounds import add_months, default_deadline
from tracking.models import (
    Assessment,
    Category,
    Committee,
    EvidenceUpdate,
    Inquiry,
    Recommendation,
    TargetDate,
    TrackingRound,
)

BATCH = 5000
MAX_ROUNDS = 8
EVIDENCE_POOL = 400
RESPONSIBLE_PEOPLE = 40
COMMITTEES = [
    "Partnerships, Contract Performance and Third Sector Overview and Scrutiny Committee",
    "Co-ordinating Overview and Scrutiny Committee",
    "Health and Adult Social Care Overview and Scrutiny Committee",
    "Education, Children and Young People Overview and Scrutiny Committee",
    "Homes Overview and Scrutiny Committee",
]
TOPICS = [
    "Council Commissioning and Third Sector Organisations",
    "Early Help for Families",
    "Homelessness Prevention",
    "Adult Social Care Day Opportunities",
    "Social Value in Council Contracts",
    "Youth Services",
    "Digital Inclusion",
    "Support for Unpaid Carers",
]
COMMITTEE = "Partnerships, Contract Performance and Third Sector Overview and Scrutiny Committee"
CABINET_MEMBERS = [
    "Cabinet Member for Commissioning, Contracting and Improvement",
    "Cabinet Member for Health and Social Care",
    "Cabinet Member for Children's Wellbeing",
    "Cabinet Member for Housing and Homes",
    "Cabinet Member for Social Inclusion, Community Safety and Equalities",
]
CONCLUDE_SHARE = 0.10  # of the assessments in a round, decided 1, 2 or 4
RESUBMIT_SHARE = 1 / 7


class Words:
    """Prose from ``bench/dataset.py``'s sentences, drawn reproducibly from ``rng``."""

    def __init__(self, rng):
        self.rng = rng
        self.sentences = _sentences()

    def sentences_of(self, low, high):
        return " ".join(self.rng.choice(self.sentences) for _ in range(self.rng.randint(low, high)))

    def recommendation(self, with_parts):
        """A recommendation as officers type it: a lead-in, and sub-parts as a Markdown list."""
        lead = self.sentences_of(1, 2)
        if not with_parts:
            return lead
        parts = [
            f"- {letter}) {self.rng.choice(self.sentences).rstrip('.')};"
            for letter in "abcdefghi"[: self.rng.randint(3, 9)]
        ]
        return f"{lead.rstrip('.')} to ensure that:\n\n" + "\n".join(parts)

    def evidence(self):
        """200–450 words of Markdown: paragraphs, and in three in ten a list of actions."""
        target, paragraphs, words = self.rng.randint(200, 450), [], 0
        while words < target:
            if paragraphs and self.rng.random() < 0.3:
                items = [f"- {self.rng.choice(self.sentences)}" for _ in range(3)]
                paragraph = "Actions since the last update:\n\n" + "\n".join(items)
            else:
                paragraph = self.sentences_of(3, 5)
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        return "\n\n".join(paragraphs)


def outcome(rng, target, meeting_on):
    """``(proposed, achieved_on, anticipated_on, decided, decision_anticipated_on)``
    within the rules of ``tracking.rules``."""
    later = add_months(meeting_on, 4)
    if rng.random() < CONCLUDE_SHARE:
        if rng.random() < 0.2:
            return Category.OBSTACLE, None, None, Category.OBSTACLE, None
        achieved = meeting_on - datetime.timedelta(days=rng.randint(30, 200))
        category = Category.ACHIEVED if achieved <= target else Category.ACHIEVED_LATE
        if rng.random() < 0.15:  # the committee is not yet satisfied
            return category, achieved, None, Category.PROGRESS_MADE, later
        return category, achieved, None, category, None
    if target >= meeting_on and rng.random() < 0.7:
        return Category.IN_PROGRESS, None, None, Category.IN_PROGRESS, None
    category = Category.PROGRESS_MADE if rng.random() < 0.7 else Category.INSUFFICIENT_PROGRESS
    return category, None, later, category, later


def _people(now):
    """Three scrutiny officers and the pool of people who answer for recommendations."""
    officers = User.objects.bulk_create(
        User(
            email=f"scrutiny{n}@bench.example",
            full_name=f"Scrutiny Officer {n}",
            password="!",
            email_confirmed_at=now,
            is_scrutiny_officer=True,
        )
        for n in range(3)
    )
    responsible = User.objects.bulk_create(
        User(
            email=f"cabinet{n}@bench.example",
            full_name=f"Cabinet Support {n}",
            password="!",
            email_confirmed_at=now,
        )
        for n in range(RESPONSIBLE_PEOPLE)
    )
    return officers, responsible


def _spread(rng, total, count, least=3):
    """``count`` numbers of at least ``least`` summing to ``total``, skewed."""
    base = min(least, total // max(count, 1))
    weights = [rng.expovariate(1.0) for _ in range(count)]
    extra = Counter(rng.choices(range(count), weights=weights, k=total - base * count))
    return [base + extra[n] for n in range(count)]


def make_inquiries(*, count, recommendations, seed=1, now=None):
    """Fill the connected database; returns ``{part: seconds}``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rng = Random(seed)
    words = Words(rng)
    took, started = {}, time.perf_counter()
    officers, responsible = _people(now)
    committees = [Committee.objects.get_or_create(name=name)[0] for name in COMMITTEES]
    pool = []
    for _ in range(EVIDENCE_POOL):
        text = words.evidence()
        pool.append((text, for_storage(text)))

    inquiries = []
    for n in range(count):
        title = f"{rng.choice(TOPICS)} ({n + 1})"
        summary = words.sentences_of(3, 5)
        officer = rng.choice(officers)
        inquiries.append(
            Inquiry(
                title=title,
                slug=f"{slugify(title)}"[:80],
                committee=rng.choice(committees),
                lead_member="The committee's chair",
                lead_officer="The scrutiny office",
                approved_on=today - datetime.timedelta(days=rng.randint(60, 3650)),
                summary=summary,
                summary_html=for_storage(summary),
                officer=officer,
                created_by=officer,
            )
        )
    inquiries = Inquiry.objects.bulk_create(inquiries)
    Inquiry.objects.bulk_update(
        [
            Inquiry(
                pk=i.pk,
                created_at=timezone.make_aware(
                    datetime.datetime.combine(i.approved_on, datetime.time(10))
                ),
            )
            for i in inquiries
        ],
        ["created_at"],
    )

    rows, targets, people = [], [], []
    for inquiry, n in zip(inquiries, _spread(rng, recommendations, count), strict=True):
        for number in range(1, n + 1):
            text = words.recommendation(with_parts=rng.random() < 1 / 3)
            rows.append(
                Recommendation(
                    inquiry=inquiry,
                    reference=f"R{number:02d}",
                    text=text,
                    text_html=for_storage(text),
                    responsibility=rng.choice(CABINET_MEMBERS),
                )
            )
            days = sorted(rng.randint(90, 3 * 365) for _ in range(rng.randint(1, 3)))
            targets.append([inquiry.approved_on + datetime.timedelta(days=d) for d in days])
            people.append(rng.sample(responsible, rng.randint(1, 2)))
    rows = Recommendation.objects.bulk_create(rows, batch_size=BATCH)
    TargetDate.objects.bulk_create(
        (
            TargetDate(
                recommendation=row,
                label=rng.choice(["", "Interim report", "Full implementation"]),
                due_on=TargetDate.end_of_month(day.year, day.month),
            )
            for row, days in zip(rows, targets, strict=True)
            for day in days
        ),
        batch_size=BATCH,
    )
    Recommendation.responsible_people.through.objects.bulk_create(
        (
            Recommendation.responsible_people.through(recommendation_id=row.pk, user_id=user.pk)
            for row, users in zip(rows, people, strict=True)
            for user in users
        ),
        batch_size=BATCH,
    )
    took["inquiries"] = time.perf_counter() - started

    # The rounds, each with an assessment for every recommendation still tracked.
    of_inquiry = {}
    for row, days in zip(rows, targets, strict=True):
        last = days[-1]
        of_inquiry.setdefault(row.inquiry_id, []).append(
            (row, TargetDate.end_of_month(last.year, last.month))
        )
    rounds, plans = [], []
    for inquiry in inquiries:
        tracked = of_inquiry[inquiry.pk]
        for number in range(1, MAX_ROUNDS + 1):
            meeting_on = add_months(inquiry.approved_on, 6 * number)
            deadline = default_deadline(meeting_on)
            opened_at = deadline - datetime.timedelta(weeks=6)
            if not tracked or opened_at > now:
                break
            tracking_round = TrackingRound(
                inquiry=inquiry,
                number=number,
                committee=inquiry.committee,
                meeting_on=meeting_on,
                submission_deadline=deadline,
                report_of=rng.choice(CABINET_MEMBERS),
                opened_at=opened_at,
                opened_by=inquiry.officer,
            )
            met = datetime.datetime.combine(meeting_on, datetime.time(14), tzinfo=LONDON) <= now
            assessments = []
            for recommendation, target in tracked:
                proposed, achieved, anticipated, decided, decided_anticipated = outcome(
                    rng, target, meeting_on
                )
                if achieved is not None:
                    achieved = max(achieved, inquiry.approved_on)
                    if proposed in (Category.ACHIEVED, Category.ACHIEVED_LATE):
                        proposed = (
                            Category.ACHIEVED if achieved <= target else Category.ACHIEVED_LATE
                        )
                        if decided in (Category.ACHIEVED, Category.ACHIEVED_LATE):
                            decided = proposed
                submitted = met or (deadline <= now) or rng.random() < 0.5
                pieces = (2 if rng.random() < RESUBMIT_SHARE else 1) if submitted else 0
                assessment = Assessment(
                    recommendation=recommendation,
                    proposed_category=proposed if submitted else None,
                    achieved_on=achieved if submitted else None,
                    anticipated_on=anticipated if submitted else None,
                    submitted_at=min(deadline - datetime.timedelta(days=2), now)
                    if submitted
                    else None,
                )
                if met:
                    assessment.decided_category = decided
                    assessment.decision_anticipated_on = decided_anticipated
                    assessment.decision_comment = (
                        words.sentences_of(1, 3) if rng.random() < 0.6 else ""
                    )
                    assessment.decided_at = datetime.datetime.combine(
                        meeting_on, datetime.time(14), tzinfo=LONDON
                    )
                    assessment.decided_by = inquiry.officer
                assessments.append((assessment, pieces))
            tracking_round.version = 1 + sum(
                pieces + (1 if a.decided_at else 0) for a, pieces in assessments
            )
            rounds.append(tracking_round)
            plans.append(assessments)
            if not met:
                break
            tracked = [
                (a.recommendation, t)
                for (a, _p), (_r, t) in zip(assessments, tracked, strict=True)
                if a.decided_category not in (1, 2, 4)
            ]
    rounds = TrackingRound.objects.bulk_create(rounds, batch_size=BATCH)
    answerers = {}
    for row, users in zip(rows, people, strict=True):
        answerers[row.pk] = users
    assessments, pieces_of = [], []
    for tracking_round, planned in zip(rounds, plans, strict=True):
        for assessment, pieces in planned:
            assessment.round = tracking_round
            if assessment.submitted_at:
                assessment.submitted_by = rng.choice(answerers[assessment.recommendation.pk])
            assessments.append(assessment)
            pieces_of.append(pieces)
    assessments = Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    evidence = []
    for assessment, pieces in zip(assessments, pieces_of, strict=True):
        for piece in range(pieces):
            text, html = rng.choice(pool)
            evidence.append(
                EvidenceUpdate(
                    assessment=assessment,
                    text=text,
                    text_html=html,
                    added_at=assessment.submitted_at - datetime.timedelta(days=pieces - 1 - piece),
                    added_by=assessment.submitted_by,
                )
            )
    EvidenceUpdate.objects.bulk_create(evidence, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    took["rounds"] = time.perf_counter() - started - took["inquiries"]
    took["total"] = time.perf_counter() - started
    return took


COUNTED = [Inquiry, Recommendation, TargetDate, TrackingRound, Assessment, EvidenceUpdate]

"""Tenders at scale on ``bench/dataset.py``'s opportunities: bids, panels, scores, awards.

Used by ``bench/whole.py``; needs the dataset's opportunities and organisations and
``bench/commissioning_data.py``'s people (a commissioner for each publisher, a
member for every other organisation). Everything is written with ``bulk_create``,
seeded, as the actions would leave it (``tenders.actions``: ``create_tender``,
``submit``, ``open_box``, ``declare_interests``, ``submit_scores``,
``record_consensus``, ``send_intention``, ``confirm_award``):

- ``count`` tenders, each on one of the dataset's published opportunities, not
  cancelled: three in five on awarded ones (opened, evaluated, every lot's award
  confirmed when the opportunity was awarded), a quarter on closed ones with the
  box opened and the evaluation moderated but no award yet, one in twenty on the
  most recently closed ones with the box still sealed, and one in ten on open
  ones (bids coming in, sealed). Each has 5–10 questions (three quality ones in
  four, the rest social value; 60% quality, 20% social value and 20% price, as the
  template), one price line per lot (or one), and a panel of ``evaluators`` from a
  pool of evaluators who sit on about 40 panels each; the first chairs.
- ``bids`` submitted bids spread over the tenders (at least 2 each, a few with
  dozens), each by a different organisation, for 1 to all of the lots, frozen in
  a version with its SHA-256 (one in ten replaced once, so two versions); 2% are
  withdrawn afterwards. A version's content is what ``tenders.receipts.content_of``
  freezes: the registry details (``tenders.queries.shared_details``), an answer of
  40–120 words per question, prices and the cost breakdown per lot, social value
  commitments and declarations.
- On opened boxes: every declared panel member's submitted score sheet for every
  bid still in (a mark and reason for each question) and the chair's consensus
  score for every bid and question (question 1 has a minimum of 2, so a few bids
  fail). On awarded ones, each lot's decision is made with the portal's own
  ``evaluation_of(...).results()`` and ``results_snapshot``, its proposed winners
  as winners, an assessment summary sent to every bid in the lot.
- The tender log (``TenderEvent``) for each of these steps, as the actions write
  it: one row per bid submitted or replaced, per score entered, per sheet
  submitted and per consensus score recorded, besides the tender's own steps.

Not written: the bids' working copies (answers and prices as rows; the frozen
versions hold them), conflicts of interest, duplication findings, evaluation
updates, contracts made from the awards.
"""

import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from random import Random

from django.db import connection
from django.utils import timezone

from accounts.models import User
from opportunities.models import Lot, Opportunity
from organisations.models import Membership, Organisation
from tenders import receipts
from tenders.actions.method import TEMPLATE, TEMPLATE_PRICE_WEIGHT
from tenders.assessment import results_snapshot
from tenders.evaluation import evaluation_of
from tenders.models import (
    DEFAULT_DESCRIPTORS,
    AssessmentSummary,
    AwardDecision,
    Bid,
    BidVersion,
    Consensus,
    Criterion,
    CriterionGroup,
    LivingWage,
    PanelMember,
    PriceLine,
    Score,
    ScoreSheet,
    Tender,
    TenderEvent,
)
from tenders.queries import shared_details

BATCH = 5000
AWARDED_SHARE, OPENED_SHARE, SEALED_CLOSED_SHARE = 0.6, 0.25, 0.05  # the rest open
QUESTIONS = (5, 10)
REPLACED_SHARE = 0.1
WITHDRAWN_SHARE = 0.02
SEATS_PER_EVALUATOR = 40
REASON = (
    "The answer sets out a clear delivery plan with named staff, times and places, and "
    "gives two examples of outcomes achieved in similar services; the evidence on "
    "involving the people who use the service is thinner."
)
EXTRA_QUESTIONS = [
    "How will you work with other local organisations and services?",
    "How will you recruit, train and keep staff and volunteers?",
    "How will you make the service accessible to everyone who needs it?",
    "How will the service be mobilised in its first three months?",
    "How will you manage the risks of delivering this service?",
    "How will you involve the people who use the service in its governance?",
]
COMMITMENTS = [
    ("Local people employed on the contract", "jobs"),
    ("Volunteering hours given to local groups", "hours"),
    ("Apprenticeships started", "apprenticeships"),
    ("Work placements for young people", "placements"),
]
CONSENSUS_MARKS = [1, 2, 3, 4, 5]
CONSENSUS_WEIGHTS = [4, 14, 36, 32, 14]


class EventLog(list):
    """The tender log's rows, written ``BATCH * 4`` at a time as they are added."""

    def append(self, event):
        super().append(event)
        if len(self) >= BATCH * 4:
            self.flush()

    def flush(self):
        TenderEvent.objects.bulk_create(self, batch_size=BATCH)
        self.clear()


def _reference(rng, taken):
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as tenders.actions.bids: no 0/O, 1/I
    while True:
        reference = "B-" + "".join(rng.choice(alphabet) for _ in range(8))
        if reference not in taken:
            taken.add(reference)
            return reference


def _criteria(rng, tender):
    """5–10 questions: three quality ones in four, weights summing to 60 and 20 exactly."""
    count = rng.randint(*QUESTIONS)
    social = max(1, count // 4)
    quality = count - social
    questions = [q for group, _w, q, _g in TEMPLATE if group == CriterionGroup.QUALITY]
    questions += EXTRA_QUESTIONS
    social_questions = [q for group, _w, q, _g in TEMPLATE if group != CriterionGroup.QUALITY]
    rows = []
    for group, n, total in ((CriterionGroup.QUALITY, quality, 60), ("sv", social, 20)):
        share = (Decimal(total) / n).quantize(Decimal("0.01"))
        weights = [share] * n
        weights[0] += Decimal(total) - share * n
        for i, weight in enumerate(weights):
            if group == CriterionGroup.QUALITY:
                question = questions[i % len(questions)]
            else:
                question = f"{social_questions[0]} (part {i + 1})" if n > 1 else social_questions[0]
            rows.append(
                Criterion(
                    tender=tender,
                    group=CriterionGroup.QUALITY
                    if group == CriterionGroup.QUALITY
                    else CriterionGroup.SOCIAL_VALUE,
                    number=len(rows) + 1,
                    question=question,
                    weight=weight,
                    descriptors=list(DEFAULT_DESCRIPTORS),
                    minimum_score=2 if not rows else None,
                )
            )
    return rows


class Answers:
    """Answers of 40–120 words from the dataset's sentences, drawn from ``rng``."""

    def __init__(self, rng, sentences):
        self.rng, self.sentences = rng, sentences

    def __call__(self):
        target, words, parts = self.rng.randint(40, 120), 0, []
        while words < target:
            sentence = self.rng.choice(self.sentences)
            parts.append(sentence)
            words += len(sentence.split())
        return " ".join(parts)


def _content(bid, *, opportunity, lots, criteria, lines, lead, prices, answers, rng):
    """The frozen content, with the keys and shapes ``receipts.content_of`` gives."""
    numbers = [lot.number for lot in lots if lot is not None]
    price_rows, breakdowns = [], []
    for lot in lots:
        line = lines[lot.pk if lot else None]
        total = prices[lot.pk if lot else None]
        price_rows.append(
            {
                "lot": lot.number if lot else None,
                "line": 1,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(total),
                "total": str(line.quantity * total),
            }
        )
        staff = (total * Decimal("0.6")).quantize(Decimal("0.01"))
        direct = (total * Decimal("0.2")).quantize(Decimal("0.01"))
        volunteers = (total * Decimal("0.05")).quantize(Decimal("0.01"))
        breakdowns.append(
            {
                "lot": lot.number if lot else None,
                "direct_delivery": str(direct),
                "staff": str(staff),
                "volunteer_expenses": str(volunteers),
                "overheads": str(total - staff - direct - volunteers),
            }
        )
    return {
        "bid": bid.reference,
        "opportunity": opportunity,
        "lead": lead,
        "lots": numbers,
        "partners": [],
        "answers": [
            {"criterion": criterion.number, "lot": None, "text": answers()}
            for criterion in criteria
        ],
        "prices": price_rows,
        "cost_breakdowns": breakdowns,
        "social_value": [
            {
                "measure": measure,
                "quantity": str(Decimal(rng.randint(2, 60))),
                "unit": unit,
                "citywide": True,
                "wards": [],
            }
            for measure, unit in rng.sample(COMMITMENTS, rng.randint(1, 2))
        ],
        "declarations": {
            "has_other_funding": False,
            "has_conflicts": False,
            "conflicts": "",
            "living_wage": bid.living_wage,
        },
        "funding": [],
        "attachments": [],
    }


def _choose(rng, now, count):
    """``[(opportunity row, stage)]``: stage is "awarded", "opened", "sealed" or "open"."""
    rows = list(
        Opportunity.objects.filter(published_at__isnull=False, cancelled_at__isnull=True)
        .filter(tender__isnull=True)
        .order_by("pk")
        .values("pk", "reference", "publisher", "published_at", "submission_deadline", "awarded_at")
    )
    awarded = [r for r in rows if r["awarded_at"]]
    open_ = [r for r in rows if not r["awarded_at"] and r["submission_deadline"] > now]
    closed = [r for r in rows if not r["awarded_at"] and r["submission_deadline"] <= now]
    closed.sort(key=lambda r: r["submission_deadline"], reverse=True)
    sealed_n = round(count * SEALED_CLOSED_SHARE)
    sealed, closed = closed[:sealed_n], closed[sealed_n:]
    opened_n, awarded_n = round(count * OPENED_SHARE), round(count * AWARDED_SHARE)
    open_n = count - sealed_n - opened_n - awarded_n
    chosen = [(r, "sealed") for r in sealed]
    chosen += [(r, "opened") for r in rng.sample(closed, min(opened_n, len(closed)))]
    chosen += [(r, "awarded") for r in rng.sample(awarded, min(awarded_n, len(awarded)))]
    chosen += [(r, "open") for r in rng.sample(open_, min(open_n, len(open_)))]
    return chosen


def _counts(rng, tenders, bids, most):
    """Bids per tender: at least 2 each, the rest by skewed weights, at most ``most``."""
    base = min(2, bids // max(len(tenders), 1))
    counts = [base] * len(tenders)
    weights = [rng.expovariate(1.0) for _ in tenders]
    extra = Counter(rng.choices(range(len(tenders)), weights=weights, k=bids - base * len(tenders)))
    for index, n in extra.items():
        counts[index] = min(counts[index] + n, most)
    return counts


def _users_of(organisations):
    """``{organisation pk: the pk of one of its members}``."""
    found = {}
    for organisation, user in (
        Membership.objects.filter(organisation__in=organisations)
        .order_by("pk")
        .values_list("organisation", "user")
    ):
        found.setdefault(organisation, user)
    return found


def make_evaluators(count, now):
    return User.objects.bulk_create(
        (
            User(
                email=f"evaluator{n}@bench.example",
                full_name=f"Evaluator {n}",
                password="!",
                email_confirmed_at=now,
                is_evaluator=True,
            )
            for n in range(count)
        ),
        batch_size=BATCH,
    )


def make_tenders(*, count, bids, evaluators=3, seed=1, now=None, sentences):
    """Fill the connected database (with the dataset and the commissioning people);
    returns ``{part: seconds}``."""
    now = now or timezone.now()
    rng = Random(seed)
    answers = Answers(rng, sentences)
    took, started = {}, time.perf_counter()

    def lap(name):
        took[name] = time.perf_counter() - started - sum(took.values())

    chosen = _choose(rng, now, count)
    publishers = {row["publisher"] for row, _stage in chosen}
    commissioners = _users_of(publishers)
    suppliers = list(
        Organisation.objects.filter(publishing_allowed_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    lots_of = {}
    for lot in Lot.objects.filter(opportunity__in=[r["pk"] for r, _s in chosen]).order_by(
        "opportunity", "number"
    ):
        lots_of.setdefault(lot.opportunity_id, []).append(lot)
    values = dict(
        Opportunity.objects.filter(pk__in=[r["pk"] for r, _s in chosen]).values_list(
            "pk", "value_high"
        )
    )

    # The tenders, their questions and price lines, as create_tender leaves them.
    tenders = []
    for row, stage in chosen:
        deadline = row["submission_deadline"]
        opened = stage in {"opened", "awarded"}
        opened_at = min(deadline + timedelta(days=1), now - timedelta(minutes=30))
        tenders.append(
            Tender(
                opportunity_id=row["pk"],
                price_weight=TEMPLATE_PRICE_WEIGHT,
                created_by_id=commissioners[row["publisher"]],
                opened_at=opened_at if opened else None,
                opened_by_id=commissioners[row["publisher"]] if opened else None,
                decision_expected_on=(deadline + timedelta(days=60)).date()
                if stage == "opened"
                else None,
                evaluation_note="The panel is scoring the bids." if stage == "opened" else "",
            )
        )
    tenders = Tender.objects.bulk_create(tenders, batch_size=BATCH)
    criteria_of, lines_of = {}, {}
    criteria, lines = [], []
    for tender in tenders:
        criteria_of[tender.pk] = _criteria(rng, tender)
        criteria += criteria_of[tender.pk]
        for lot in lots_of.get(tender.opportunity_id) or [None]:
            lines.append(
                PriceLine(
                    tender=tender,
                    lot=lot,
                    number=1,
                    description="Total price for the whole contract period",
                )
            )
    Criterion.objects.bulk_create(criteria, batch_size=BATCH)
    for line in PriceLine.objects.bulk_create(lines, batch_size=BATCH):
        lines_of.setdefault(line.tender_id, {})[line.lot_id] = line
    lap("tenders")

    # The bids, each frozen in a version (two for one in ten), as submit leaves them.
    counts = _counts(rng, tenders, bids, len(suppliers))
    bidders = [rng.sample(suppliers, n) for n in counts]
    members = _users_of({pk for chosen_ in bidders for pk in chosen_})
    leads = {
        o.pk: o
        for o in Organisation.objects.filter(
            pk__in={pk for chosen_ in bidders for pk in chosen_}
        ).prefetch_related("documents", "identifiers")
    }
    shared = {}
    taken = set(Bid.objects.values_list("reference", flat=True))
    bid_rows, plans = [], []
    for tender, (row, stage), organisations in zip(tenders, chosen, bidders, strict=True):
        deadline = row["submission_deadline"]
        latest = min(deadline, now) - timedelta(minutes=5)
        earliest = max(row["published_at"], latest - timedelta(days=14))
        lots = lots_of.get(row["pk"]) or [None]
        for organisation in organisations:
            submitted = earliest + (latest - earliest) * rng.random() ** 0.3
            chosen_lots = (
                sorted(rng.sample(lots, rng.randint(1, len(lots))), key=lambda lot: lot.number)
                if lots != [None]
                else [None]
            )
            bid = Bid(
                tender=tender,
                organisation_id=organisation,
                reference=_reference(rng, taken),
                has_other_funding=False,
                has_conflicts=False,
                living_wage=rng.choice([LivingWage.ACCREDITED, LivingWage.PAYS, LivingWage.NO]),
                created_by_id=members[organisation],
                changed_at=submitted,
                submitted_at=submitted,
            )
            value = Decimal(values[row["pk"]])
            prices = {
                (lot.pk if lot else None): (
                    (lot.value if lot and lot.value else value) * Decimal(rng.uniform(0.7, 1.1))
                ).quantize(Decimal("1.00"))
                for lot in chosen_lots
            }
            replaced = rng.random() < REPLACED_SHARE
            withdrawn = rng.random() < WITHDRAWN_SHARE
            bid_rows.append(bid)
            plans.append((tender, row, stage, chosen_lots, prices, replaced, withdrawn))
    # Bids first without their version (the versions need the bids' keys), then linked.
    current = [bid.submitted_at for bid in bid_rows]
    for bid in bid_rows:
        bid.submitted_at = None
    Bid.objects.bulk_create(bid_rows, batch_size=BATCH)
    Bid.lots.through.objects.bulk_create(
        (
            Bid.lots.through(bid_id=bid.pk, lot_id=lot.pk)
            for bid, plan in zip(bid_rows, plans, strict=True)
            for lot in plan[3]
            if lot is not None
        ),
        batch_size=BATCH,
    )
    versions, events = [], EventLog()
    for bid, submitted, (tender, row, _stage, lots, prices, replaced, _w) in zip(
        bid_rows, current, plans, strict=True
    ):
        if bid.organisation_id not in shared:
            shared[bid.organisation_id] = shared_details(
                leads[bid.organisation_id], today=timezone.localdate(submitted)
            )
        content = _content(
            bid,
            opportunity=row["reference"],
            lots=lots,
            criteria=criteria_of[tender.pk],
            lines=lines_of[tender.pk],
            lead=shared[bid.organisation_id],
            prices=prices,
            answers=answers,
            rng=rng,
        )
        numbers = [1, 2] if replaced else [1]
        for number in numbers:
            at = submitted - timedelta(days=2) if number < numbers[-1] else submitted
            if number < numbers[-1]:
                first = dict(content, answers=content["answers"][:-1] + [content["answers"][0]])
            versions.append(
                BidVersion(
                    bid=bid,
                    number=number,
                    submitted_at=at,
                    submitted_by_id=bid.created_by_id,
                    content=first if number < numbers[-1] else content,
                    sha256=receipts.sha256(first if number < numbers[-1] else content),
                    receipt_sent_at=at + timedelta(seconds=20),
                )
            )
            events.append(
                TenderEvent(
                    tender=tender,
                    kind=TenderEvent.Kind.BID_REPLACED
                    if number > 1
                    else TenderEvent.Kind.BID_SUBMITTED,
                    at=at,
                    by_id=bid.created_by_id,
                    bid=bid,
                    summary=f"{bid.reference} version {number}",
                    detail={"sha256": versions[-1].sha256, "version": number},
                )
            )
        if len(versions) >= BATCH:
            BidVersion.objects.bulk_create(versions, batch_size=BATCH)
            versions = []
    BidVersion.objects.bulk_create(versions, batch_size=BATCH)
    latest_version = dict(
        BidVersion.objects.filter(bid__in=[b.pk for b in bid_rows])
        .order_by("bid", "number")
        .values_list("bid", "pk")
    )
    withdrawn_bids = set()
    for bid, submitted, plan in zip(bid_rows, current, plans, strict=True):
        bid.current_version_id, bid.submitted_at = latest_version[bid.pk], submitted
        if plan[6]:
            bid.withdrawn_at = submitted + timedelta(hours=rng.uniform(1, 24))
            bid.withdrawn_at = min(bid.withdrawn_at, plan[1]["submission_deadline"], now)
            bid.withdrawn_by_id = bid.created_by_id
            withdrawn_bids.add(bid.pk)
            events.append(
                TenderEvent(
                    tender=plan[0],
                    kind=TenderEvent.Kind.BID_WITHDRAWN,
                    at=bid.withdrawn_at,
                    by_id=bid.created_by_id,
                    bid=bid,
                    summary=f"{bid.reference} withdrawn",
                )
            )
    Bid.objects.bulk_update(
        bid_rows,
        ["current_version", "submitted_at", "withdrawn_at", "withdrawn_by"],
        batch_size=BATCH,
    )
    first_bid = {}
    for bid, plan in zip(bid_rows, plans, strict=True):
        tender = plan[0]
        first_bid[tender.pk] = min(first_bid.get(tender.pk, bid.submitted_at), bid.submitted_at)
    for tender in tenders:
        tender.locked_at = first_bid.get(tender.pk)
    Tender.objects.bulk_update(tenders, ["locked_at"], batch_size=BATCH)
    lap("bids")

    # The panels: a pool of evaluators, about 40 seats each; declared once the box opened.
    pool = make_evaluators(max(evaluators, len(tenders) * evaluators // SEATS_PER_EVALUATOR), now)
    seats = []
    for tender, (_row, stage) in zip(tenders, chosen, strict=True):
        opened = stage in {"opened", "awarded"}
        for n, user in enumerate(rng.sample(pool, evaluators)):
            seats.append(
                PanelMember(
                    tender=tender,
                    user=user,
                    is_chair=n == 0,
                    added_by_id=tender.created_by_id,
                    declared_at=tender.opened_at + timedelta(hours=4) if opened else None,
                )
            )
    seats = PanelMember.objects.bulk_create(seats, batch_size=BATCH)
    panel_of = {}
    for seat in seats:
        panel_of.setdefault(seat.tender_id, []).append(seat)

    # Every declared member's sheet for every bid still in, and the chair's consensus.
    in_box = {}
    for bid, plan in zip(bid_rows, plans, strict=True):
        if plan[0].opened_at and bid.pk not in withdrawn_bids:
            in_box.setdefault(plan[0].pk, []).append(bid)
    sheets, marks, consensus = [], [], []
    for tender in tenders:
        if not tender.opened_at:
            continue
        for bid in in_box.get(tender.pk, []):
            agreed = {
                c.pk: rng.choices(CONSENSUS_MARKS, CONSENSUS_WEIGHTS)[0]
                for c in criteria_of[tender.pk]
            }
            for seat in panel_of[tender.pk]:
                sheet = ScoreSheet(
                    member=seat,
                    bid=bid,
                    submitted_at=min(seat.declared_at + timedelta(hours=rng.uniform(2, 20)), now),
                )
                sheets.append(sheet)
                marks.append(
                    [
                        (c, max(0, min(5, agreed[c.pk] + rng.choice([-1, 0, 0, 1]))))
                        for c in criteria_of[tender.pk]
                    ]
                )
                for criterion, mark in marks[-1]:
                    # As scoring._write logs each score entered.
                    events.append(
                        TenderEvent(
                            tender=tender,
                            kind=TenderEvent.Kind.SCORE_ENTERED,
                            at=sheet.submitted_at - timedelta(minutes=30),
                            by_id=seat.user_id,
                            bid=bid,
                            summary=f"Score {mark} entered for question {criterion.number}",
                            detail={
                                "member": seat.user.email,
                                "criterion": criterion.number,
                                "lot": None,
                                "score": mark,
                                "reason": REASON,
                            },
                        )
                    )
            chair = panel_of[tender.pk][0].user_id
            for c in criteria_of[tender.pk]:
                consensus.append(
                    Consensus(
                        bid=bid,
                        criterion=c,
                        score=agreed[c.pk],
                        reason=REASON,
                        recorded_by_id=chair,
                    )
                )
                # As moderation.record_consensus logs each consensus score.
                events.append(
                    TenderEvent(
                        tender=tender,
                        kind=TenderEvent.Kind.MODERATED,
                        at=min(tender.opened_at + timedelta(days=1), now),
                        by_id=chair,
                        bid=bid,
                        summary=f"Consensus score for question {c.number}: {agreed[c.pk]}",
                        detail={
                            "criterion": c.number,
                            "lot": None,
                            "old": None,
                            "new": {"score": agreed[c.pk], "reason": REASON},
                            "revision": 1,
                        },
                    )
                )
    sheets = ScoreSheet.objects.bulk_create(sheets, batch_size=BATCH)
    scores = (
        Score(sheet=sheet, criterion=criterion, score=mark, reason=REASON)
        for sheet, row in zip(sheets, marks, strict=True)
        for criterion, mark in row
    )
    Score.objects.bulk_create(scores, batch_size=BATCH)
    Consensus.objects.bulk_create(consensus, batch_size=BATCH)
    for sheet in sheets:
        events.append(
            TenderEvent(
                tender_id=sheet.member.tender_id,
                kind=TenderEvent.Kind.SCORES_SUBMITTED,
                at=sheet.submitted_at,
                by_id=sheet.member.user_id,
                bid=sheet.bid,
                summary=f"{sheet.member.user.full_name} submitted their scores for bid "
                f"{sheet.bid.reference}",
                detail={"member": sheet.member.user.email},
            )
        )
    lap("evaluation")

    # The tenders' own log: set up, locked, opened, declarations.
    for tender, (row, _stage) in zip(tenders, chosen, strict=True):
        set_up = row["published_at"] - timedelta(days=7)
        events.append(
            TenderEvent(
                tender=tender,
                kind=TenderEvent.Kind.METHOD_SET,
                at=set_up,
                by_id=tender.created_by_id,
                summary="Tender started from the 60/20/20 template",
            )
        )
        if tender.locked_at:
            events.append(
                TenderEvent(
                    tender=tender,
                    kind=TenderEvent.Kind.METHOD_LOCKED,
                    at=tender.locked_at,
                    by_id=tender.created_by_id,
                    summary="The first bid was submitted: the method is locked",
                )
            )
        if tender.opened_at:
            n = len(in_box.get(tender.pk, []))
            events.append(
                TenderEvent(
                    tender=tender,
                    kind=TenderEvent.Kind.BOX_OPENED,
                    at=tender.opened_at,
                    by_id=tender.opened_by_id,
                    summary=f"Bid box opened: {n} {'bid' if n == 1 else 'bids'} submitted",
                    detail={"submitted": n},
                )
            )
            for seat in panel_of[tender.pk]:
                events.append(
                    TenderEvent(
                        tender=tender,
                        kind=TenderEvent.Kind.DECLARED,
                        at=seat.declared_at,
                        by_id=seat.user_id,
                        summary=f"Evaluator {seat.user_id} declared no conflicts",
                    )
                )

    # Awards: each lot decided on the portal's own results, confirmed when awarded.
    decisions = awards(
        [(t, row) for t, (row, stage) in zip(tenders, chosen, strict=True) if stage == "awarded"],
        commissioners,
        events,
    )
    events.flush()
    lap("awards")
    _spread_created(now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    lap("analyse")
    took["decisions"] = decisions
    took["total"] = time.perf_counter() - started
    return took


def awards(tenders, commissioners, events):
    """A confirmed decision per lot of each ``(tender, opportunity row)``; returns how many."""
    users = {u.pk: u for u in User.objects.filter(pk__in=set(commissioners.values()))}
    made = 0
    for start in range(0, len(tenders), 200):
        chunk = tenders[start : start + 200]
        full = {
            t.pk: t
            for t in Tender.objects.filter(pk__in=[t.pk for t, _row in chunk])
            .select_related("opportunity")
            .prefetch_related("opportunity__lots")
        }
        decisions, winners, summaries = [], [], []
        for tender, row in chunk:
            tender = full[tender.pk]
            by = users[commissioners[row["publisher"]]]
            evaluation = evaluation_of(tender, by)
            if not evaluation.is_moderated:
                continue
            by_lot = evaluation.results()
            awarded_at = row["awarded_at"]
            for lot in evaluation.lots:
                rows = by_lot[lot.pk if lot else None]
                chosen = [r.bid for r in rows if r.proposed]
                if not chosen:
                    continue
                decision = AwardDecision(
                    tender=tender,
                    lot=lot,
                    reason="The highest total score under the published method.",
                    results=results_snapshot(evaluation, rows),
                    intention_sent_at=awarded_at - timedelta(days=12),
                    intention_sent_by=by,
                    standstill_ends_at=awarded_at - timedelta(days=1),
                    confirmed_at=awarded_at,
                    confirmed_by=by,
                )
                decisions.append(decision)
                winners.append(chosen)
                summaries.append([r.bid for r in rows])
                for kind, at in (
                    (TenderEvent.Kind.INTENTION_SENT, decision.intention_sent_at),
                    (TenderEvent.Kind.STANDSTILL_ENDED, decision.standstill_ends_at),
                    (TenderEvent.Kind.AWARD_CONFIRMED, awarded_at),
                ):
                    events.append(
                        TenderEvent(
                            tender=tender,
                            kind=kind,
                            at=at,
                            by_id=by.pk,
                            summary=f"{kind.label}: {lot or 'the contract'}",
                        )
                    )
        decisions = AwardDecision.objects.bulk_create(decisions, batch_size=BATCH)
        AwardDecision.winners.through.objects.bulk_create(
            (
                AwardDecision.winners.through(awarddecision_id=decision.pk, bid_id=bid.pk)
                for decision, bids in zip(decisions, winners, strict=True)
                for bid in bids
            ),
            batch_size=BATCH,
        )
        AssessmentSummary.objects.bulk_create(
            (
                AssessmentSummary(decision=decision, bid=bid, sent_at=decision.intention_sent_at)
                for decision, bids in zip(decisions, summaries, strict=True)
                for bid in bids
            ),
            batch_size=BATCH,
        )
        made += len(decisions)
    return made


def _spread_created(now):
    """``auto_now_add`` stamps set by bulk_create, moved to when the rows were made."""
    statements = [
        "UPDATE tenders_tender t SET created_at = o.published_at - interval '7 days'"
        " FROM opportunities_opportunity o WHERE o.id = t.opportunity_id"
        " AND o.published_at IS NOT NULL",
        "UPDATE tenders_bid SET created_at = submitted_at - interval '5 days'"
        " WHERE submitted_at IS NOT NULL",
        "UPDATE tenders_panelmember p SET added_at = t.created_at FROM tenders_tender t"
        " WHERE t.id = p.tender_id",
        "UPDATE tenders_scoresheet SET started_at = submitted_at - interval '1 hour'"
        " WHERE submitted_at IS NOT NULL",
        "UPDATE tenders_score s SET entered_at = h.started_at, changed_at = h.started_at"
        " FROM tenders_scoresheet h WHERE h.id = s.sheet_id",
        "UPDATE tenders_assessmentsummary s SET created_at = d.intention_sent_at"
        " FROM tenders_awarddecision d WHERE d.id = s.decision_id",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


COUNTED = [
    Tender,
    Criterion,
    Bid,
    BidVersion,
    PanelMember,
    ScoreSheet,
    Score,
    Consensus,
    AwardDecision,
    AssessmentSummary,
    TenderEvent,
]

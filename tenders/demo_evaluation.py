"""Demo evaluations: one tender awarded and in its standstill, one whose award is confirmed.

The floating support for older people (two lots; the first may go to two
organisations) had five bids: a consortium, one that fails the safeguarding
question's minimum score and one abnormally low. Three evaluators, one a
service user representative who declared a conflict with one bidder, scored
them; the demo evaluator chaired and moderated; the commissioner sent the notices
of intention two days ago, so the standstill is running and every bidder has an
assessment summary. The community transport contract went the whole way a month
earlier: its award is confirmed and published at /awards/, and the winner has
asked to change its consortium.

Everything goes through the actions with ``now`` in the past, so the tender's
log reads as it would have happened, except that seeding sends no email: the
assessment summaries are marked sent with their notice. A tender that exists is
left alone.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.actions import ensure_user, set_roles
from tenders import actions
from tenders.demo import CONTINUITY_PLAN, _bid, _fill
from tenders.evaluation import evaluation_of, slots_of
from tenders.models import DEFAULT_DESCRIPTORS, AssessmentSummary, PanelRole, Tender

IN_STANDSTILL = "Supporting People: floating support for older people"
CONFIRMED = "Community transport for older and disabled residents"

# Who else sits on the panels; they cannot sign in.
EVALUATORS = [
    ("grace.adeyemi@example.org", "Grace Adeyemi", PanelRole.OFFICER),
    ("tom.hughes@example.org", "Tom Hughes", PanelRole.SERVICE_USER),
]

# name, lot numbers, price a lot, the panel's score for every question
# (safeguarding, question 3, overridden where it differs), partner
STANDSTILL_BIDS = [
    ("Hall Green Asian Elders", [1, 2], 300_000, 4, None, "Quinton Befriending Scheme"),
    ("Ladywood Lunch Club", [1], 320_000, 4, None, None),
    ("Brum Care Services Ltd", [1, 2], 180_000, 3, None, None),
    ("Billesley Tenants and Residents", [2], 310_000, 3, 1, None),
    ("Handsworth Carers Network", [1, 2], 290_000, 5, None, None),
]
CONFLICTED = "Handsworth Carers Network"
CONFIRMED_BIDS = [
    ("Moseley Deaf Club", [], 210_000, 4, None, "Stechford Learning Disability Partnership"),
    ("Alum Rock Sports Foundation", [], 195_000, 3, None, None),
    ("Brum Care Services Ltd", [], 230_000, 3, None, None),
]

REASONS = {
    1: "Thin evidence: the answer restates the question and gives no examples.",
    2: "Some of the requirement is met, but the plan leaves gaps in cover and reporting.",
    3: "Meets the requirement; the staffing plan is realistic, with minor gaps in evidence.",
    4: "A clear, well-evidenced plan with named roles, local partners and past results.",
    5: "Goes beyond the requirement: co-designed with older people, strong outcome data.",
}


def seed(*, opportunities, organisations, commissioner, chair, member, bidder):
    """``chair`` is the demo evaluator; ``member`` administers Ladywood Lunch Club, which
    bid and lost (so the demo member reads an assessment summary); ``bidder`` administers
    the other bidding organisations."""
    panel = [chair, *_evaluators()]
    now = timezone.now()
    if not Tender.objects.filter(opportunity=opportunities[IN_STANDSTILL]).exists():
        opportunity = opportunities[IN_STANDSTILL]
        tender = _evaluated(
            opportunity, organisations, commissioner, panel, [member, bidder], STANDSTILL_BIDS
        )
        _award(tender, commissioner, sent=now - timedelta(days=2))
    if not Tender.objects.filter(opportunity=opportunities[CONFIRMED]).exists():
        opportunity = opportunities[CONFIRMED]
        tender = _evaluated(
            opportunity, organisations, commissioner, panel[:2], [bidder], CONFIRMED_BIDS
        )
        sent = tender.opportunity.submission_deadline + timedelta(days=21)
        decisions = _award(tender, commissioner, sent=sent)
        for decision in decisions:
            decision = actions.confirm_award(
                decision=decision, by=commissioner, now=sent + timedelta(days=16)
            )
        winner = decisions[0].winners.get()
        actions.ask_consortium_change(
            bid=winner,
            by=bidder,
            kind="add",
            organisation=organisations["Sutton Coldfield Dementia Café"],
            share_percent=Decimal(10),
            justification="Demand in Sutton Coldfield is twice what we planned for; the café's "
            "volunteer drivers already take its members to appointments.",
            evidence=ContentFile(CONTINUITY_PLAN, name="partnership-agreement.pdf"),
            notify=False,
        )


def _evaluators():
    users = []
    for email, name, _role in EVALUATORS:
        user = ensure_user(email=email, full_name=name, password=None)
        set_roles(user=user, by=None, evaluator=True)
        users.append(user)
    return users


def _evaluated(opportunity, organisations, commissioner, panel, bidders, bids):
    """The tender with ``bids`` submitted, its box opened, scored by ``panel`` and moderated.

    Each bid is made by the first of ``bidders`` who is a member of its organisation.
    """
    deadline = opportunity.submission_deadline
    tender = actions.create_tender(
        opportunity=opportunity, by=commissioner, now=opportunity.published_at + timedelta(days=1)
    )
    actions.save_criterion(
        tender=tender,
        criterion=tender.criteria.get(number=3),
        by=commissioner,
        minimum_score=2,
        now=opportunity.published_at + timedelta(days=1),
    )
    lots = {lot.number: lot for lot in opportunity.lots.all()}
    bidding = deadline - timedelta(days=10)
    scores = {}
    for hours, (name, numbers, price, score, safeguarding, partner) in enumerate(bids):
        organisation = organisations[name]
        bidder = next(b for b in bidders if organisation.memberships.filter(user=b).exists())
        bid = _bid(tender, organisation, bidder, bidding)
        if partner:
            asked = actions.add_partner(
                bid=bid,
                by=bidder,
                organisation=organisations[partner],
                share_percent=Decimal(30),
                now=bidding,
                notify=False,
            )
            actions.answer_partnership(
                partner=asked, by=bidder, accept=True, now=bidding, notify=False
            )
        _fill(bid, bidder, bidding, lots=[lots[n] for n in numbers], price=price, ward=None)
        actions.submit(bid=bid, by=bidder, now=bidding + timedelta(hours=hours), notify=False)
        scores[bid.pk] = (score, safeguarding)
    actions.open_box(tender=tender, by=commissioner, now=deadline + timedelta(days=1))
    tender.refresh_from_db()
    _score(tender, commissioner, panel, scores, organisations)
    return tender


def _score(tender, commissioner, panel, scores, organisations):
    deadline = tender.opportunity.submission_deadline
    seats = [
        actions.add_panel_member(
            tender=tender,
            email=user.email,
            role=role,
            by=commissioner,
            now=deadline + timedelta(days=1, hours=2),
        )
        for user, role in zip(
            panel, [PanelRole.OFFICER, *(role for *_x, role in EVALUATORS)], strict=False
        )
    ]
    for seat in seats:
        seat.refresh_from_db()
        conflicted = [
            bid
            for bid in actions.declarable_bids(tender)
            if seat.role == PanelRole.SERVICE_USER and bid.organisation.name == CONFLICTED
        ]
        actions.declare_interests(
            member=seat,
            by=seat.user,
            conflicts=conflicted,
            declaration="My mother goes to their carers' group every week." if conflicted else "",
            now=deadline + timedelta(days=2),
        )
        seat.refresh_from_db()
    for offset, seat in enumerate(seats):
        evaluation = evaluation_of(tender, seat.user)
        for bid in evaluation.bids:
            agreed, safeguarding = scores[bid.pk]
            marks = {}
            for slot in slots_of(bid, evaluation.criteria, evaluation.lots):
                mark = _panel_score(agreed, safeguarding, slot.criterion.number)
                # Evaluators differ a little, and once by two marks, for moderation to settle.
                mark = max(0, min(5, mark + (0, 1, -1)[offset] * (slot.criterion.number % 2)))
                if offset == 2 and slot.criterion.number == 2:
                    mark = max(0, mark - 2)
                marks[slot] = (mark, REASONS.get(mark, DEFAULT_DESCRIPTORS[mark]))
            at = deadline + timedelta(days=5 + offset)
            actions.save_scores(member=seat, bid=bid, marks=marks, by=seat.user, now=at)
            actions.submit_scores(member=seat, bid=bid, by=seat.user, now=at)
    chair = seats[0]
    evaluation = evaluation_of(tender, chair.user)
    for bid in evaluation.bids:
        actions.record_duplication_check(
            bid=bid,
            concern=False,
            note="",
            by=chair.user,
            now=deadline + timedelta(days=3),
        )
        agreed, safeguarding = scores[bid.pk]
        for slot in slots_of(bid, evaluation.criteria, evaluation.lots):
            mark = _panel_score(agreed, safeguarding, slot.criterion.number)
            actions.record_consensus(
                bid=bid,
                criterion=slot.criterion,
                lot=slot.lot,
                score=mark,
                reason=f"Agreed at moderation. {REASONS[mark]}",
                revision=0,
                by=chair.user,
                now=deadline + timedelta(days=12),
            )
    actions.set_progress(
        tender=tender,
        by=commissioner,
        decision_expected_on=(deadline + timedelta(days=35)).date(),
        evaluation_note="Scoring is finished and the panel has agreed its scores.",
        now=deadline + timedelta(days=13),
    )


def _panel_score(agreed, safeguarding, number):
    return safeguarding if (number == 3 and safeguarding is not None) else agreed


def _award(tender, commissioner, *, sent):
    """Send the notice of intention for every lot to the bids the results propose."""
    by_lot = evaluation_of(tender, commissioner).results()
    lots = {lot.pk: lot for lot in tender.opportunity.lots.all()}
    decisions = [
        actions.send_intention(
            tender=tender,
            lot=lots.get(lot_key),
            winners=[row.bid for row in rows if row.proposed],
            reason="The highest total scores under the published method; no bid proposed "
            "failed a minimum score.",
            by=commissioner,
            now=sent,
            notify=False,
        )
        for lot_key, rows in by_lot.items()
    ]
    # Seeding sends no email: the summaries are recorded as sent with their notice, as
    # they would have been, so the award page and the log read as they would.
    AssessmentSummary.objects.filter(decision__in=decisions).update(sent_at=sent)
    return decisions

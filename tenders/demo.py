"""Demo tenders: one open and taking bids, one closed with its bid box opened.

The open one (housing support for young people, two lots) has two submitted
bids, one of them a consortium with a confirmed partner and one still asked,
and the demo member's draft. The closed one (housing support for ex-offenders)
had four bids submitted, one of them withdrawn, and a draft never submitted;
its box was opened the day after the deadline, ready for evaluation.

Everything goes through the actions with ``now`` set in the past, so hashes,
receipts and the tender's log are what they would have been. Running ``seed``
twice changes nothing: a tender that exists is left alone.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from organisations.models import Ward
from tenders import actions
from tenders.models import Tender

# A one-page PDF saying what it is, for the demo's attached file.
CONTINUITY_PLAN = rb"""%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj
4 0 obj<</Length 62>>stream
BT /F1 18 Tf 72 770 Td (Business continuity plan \(demo\)) Tj ET
endstream endobj
5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj
trailer<</Root 1 0 R>>
%%EOF
"""

OPEN = "Supporting People: housing-related support for young people"
CLOSED = "Supporting People: housing support for ex-offenders"

ANSWERS = {
    1: "Each young person gets a named support worker within five working days of referral. "
    "Together they write a support plan covering the tenancy, money, health, education and "
    "work, reviewed every eight weeks. Young people on our advisory panel interview staff and "
    "review the service each quarter.",
    2: "We measure tenancy sustainment at 6 and 12 months, planned moves on, and each young "
    "person's own outcomes star. We report to the council quarterly, and when an outcome "
    "slips we agree an improvement plan within a month.",
    3: "Every worker is trained in safeguarding children and adults at risk, supervised monthly, "
    "and knows our designated lead. Concerns are logged the same day and referred under the "
    "Birmingham Safeguarding Children Partnership's procedures.",
    4: "We will recruit locally, offer two apprenticeships a year and give 200 volunteering "
    "hours to tenants' groups in the wards we cover.",
}


def seed(*, opportunities, organisations, commissioner, member, registry_user):
    """Create the demo tenders and bids; ``member`` is the demo organisation member, whose
    Ladywood Lunch Club keeps a draft; ``registry_user`` administers the other demo
    organisations."""
    ward = Ward.objects.filter(name="Ladywood").first()
    if not Tender.objects.filter(opportunity=opportunities[OPEN]).exists():
        _seed_open(opportunities[OPEN], organisations, commissioner, member, registry_user, ward)
    if not Tender.objects.filter(opportunity=opportunities[CLOSED]).exists():
        _seed_closed(opportunities[CLOSED], organisations, commissioner, registry_user, ward)


def _seed_open(opportunity, organisations, commissioner, member, bidder, ward):
    now = opportunity.published_at + timedelta(days=1)
    tender = actions.create_tender(opportunity=opportunity, by=commissioner, now=now)
    # The first question is answered for each lot: the two areas differ.
    actions.save_criterion(
        tender=tender,
        criterion=tender.criteria.get(number=1),
        by=commissioner,
        question="How will you deliver the service in this lot's area?",
        per_lot=True,
    )
    lots = list(opportunity.lots.all())
    consortium = _bid(tender, organisations["West Midlands Homeless Partnership"], bidder, now)
    actions.add_partner(
        bid=consortium,
        by=bidder,
        organisation=organisations["Aston Young Voices"],
        share_percent=Decimal(20),
        now=now,
        notify=False,
    )
    actions.add_partner(
        bid=consortium,
        by=bidder,
        organisation=organisations["Nechells Community Food Co-op"],
        kind="subcontractor",
        share_percent=Decimal(10),
        now=now,
        notify=False,
    )
    actions.answer_partnership(
        partner=consortium.partners.first(), by=bidder, accept=True, now=now, notify=False
    )
    _fill(consortium, bidder, now, lots=lots, price=Decimal(1_050_000), ward=ward)
    # Nechells Community Food Co-op is still asked: the lead submitted before it answered.
    actions.submit(bid=consortium, by=bidder, now=now + timedelta(hours=2), notify=False)

    alone = _bid(tender, organisations["Castle Vale Community Housing"], bidder, now)
    _fill(alone, bidder, now, lots=lots[:1], price=Decimal(520_000), ward=ward)
    actions.submit(bid=alone, by=bidder, now=now + timedelta(hours=3), notify=False)

    draft = _bid(tender, organisations["Ladywood Lunch Club"], member, now)
    actions.save_lots(bid=draft, lots=lots[:1], by=member, now=now)
    criterion = tender.criteria.first()
    actions.save_answer(
        bid=draft, criterion=criterion, lot=lots[0], by=member, text=ANSWERS[1], now=now
    )


def _seed_closed(opportunity, organisations, commissioner, bidder, ward):
    start = opportunity.published_at + timedelta(days=1)
    tender = actions.create_tender(opportunity=opportunity, by=commissioner, now=start)
    bidding = opportunity.submission_deadline - timedelta(days=10)
    for hours, (name, price) in enumerate(
        [
            ("West Midlands Homeless Partnership", Decimal(360_000)),
            ("Castle Vale Community Housing", Decimal(340_000)),
            ("Brum Care Services Ltd", Decimal(255_000)),
            ("Lozells Faith Kitchen", Decimal(298_000)),
            ("Digbeth Employment Hub", Decimal(310_000)),
        ]
    ):
        bid = _bid(tender, organisations[name], bidder, bidding)
        if name == "Castle Vale Community Housing":
            partner = actions.add_partner(
                bid=bid,
                by=bidder,
                organisation=organisations["Perry Barr Refugee Welcome"],
                share_percent=Decimal(25),
                now=bidding,
                notify=False,
            )
            actions.answer_partnership(
                partner=partner, by=bidder, accept=True, now=bidding, notify=False
            )
        _fill(bid, bidder, bidding, lots=[], price=price, ward=ward)
        if name == "West Midlands Homeless Partnership":
            actions.add_attachment(
                bid=bid,
                by=bidder,
                now=bidding,
                title="Business continuity plan",
                file=ContentFile(CONTINUITY_PLAN, name="business-continuity-plan.pdf"),
            )
        actions.submit(bid=bid, by=bidder, now=bidding + timedelta(hours=hours), notify=False)
        if name == "Digbeth Employment Hub":
            actions.withdraw(bid=bid, by=bidder, now=bidding + timedelta(days=2))
    never_sent = _bid(tender, organisations["Northfield Recovery Café"], bidder, bidding)
    actions.save_answer(
        bid=never_sent, criterion=tender.criteria.first(), by=bidder, text="Draft.", now=bidding
    )
    actions.open_box(
        tender=tender, by=commissioner, now=opportunity.submission_deadline + timedelta(days=1)
    )


def _bid(tender, organisation, by, now):
    return actions.start_bid(tender=tender, organisation=organisation, by=by, now=now)


def _fill(bid, by, now, *, lots, price, ward):
    """Every section of ``bid``, priced at ``price`` a lot (or for the contract)."""
    tender = bid.tender
    if lots:
        actions.save_lots(bid=bid, lots=lots, by=by, now=now)
    for criterion in tender.criteria.all():
        for lot in lots if criterion.per_lot and lots else [None]:
            text = ANSWERS.get(criterion.number, ANSWERS[1])
            actions.save_answer(bid=bid, criterion=criterion, lot=lot, text=text, by=by, now=now)
    for lot in lots or [None]:
        lines = list(tender.price_lines.filter(lot=lot))
        unit_prices = {
            line: (price / line.quantity / len(lines)).quantize(Decimal("0.01")) for line in lines
        }
        total = sum(line.quantity * unit for line, unit in unit_prices.items())
        overheads = (total * Decimal("0.12")).quantize(Decimal("0.01"))
        volunteers = (total * Decimal("0.03")).quantize(Decimal("0.01"))
        staff = (total * Decimal("0.6")).quantize(Decimal("0.01"))
        actions.save_price(
            bid=bid,
            lot=lot,
            by=by,
            now=now,
            unit_prices=unit_prices,
            breakdown={
                "direct_delivery": total - overheads - volunteers - staff,
                "staff": staff,
                "volunteer_expenses": volunteers,
                "overheads": overheads,
            }
            if tender.full_cost_breakdown
            else None,
        )
    actions.add_commitment(
        bid=bid,
        by=by,
        now=now,
        measure="Apprenticeships for local young people",
        quantity=2,
        unit="apprenticeships",
        citywide=ward is None,
        wards=[ward] if ward else [],
    )
    actions.add_commitment(
        bid=bid,
        by=by,
        now=now,
        measure="Volunteering with tenants' and residents' groups",
        quantity=200,
        unit="hours",
        citywide=True,
    )
    actions.save_declarations(
        bid=bid,
        by=by,
        now=now,
        has_other_funding=False,
        has_conflicts=False,
        living_wage="pays",
    )

"""The exchange's demo: needs from small groups, offers from suppliers with contracts
(their pledges tied in), from a housing association, a prime contractor and a charity,
and matches in every state: waiting, declined, accepted with help recorded but not yet
confirmed, partly and fully delivered. Written through the actions; running it twice
changes nothing. No email is sent (the demo seeds with on-commit work discarded)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from commissioning.actions.contracts import add_pledge, record_contract
from commissioning.models import Contract, ContractKind
from exchange.actions import delivery, matching, posting
from exchange.models import Kind, Need, Offer, Side, Unit
from organisations.actions import update_organisation
from organisations.models import CharterPrinciple, Organisation, ServiceCategory, Ward

SUPPLIER = "Brum Care Services Ltd"
CONTRACT = "Home care in the east of the city"
# what, how many, unit: the pledges the offers below are tied to
PLEDGES = [
    ("Hours of mentoring for local community groups", Decimal(60), "hours of mentoring"),
    ("Hours volunteered by staff in east Birmingham", Decimal(300), "hours"),
    ("Work placements for local people", Decimal(8), "places"),
]

# organisation, title, kind, unit, quantity, ward, online, days until needed, description, why
NEEDS = [
    (
        "Ladywood Lunch Club",
        "A mentor to help our treasurer with the accounts",
        Kind.FINANCE,
        Unit.HOURS,
        12,
        "Ladywood",
        True,
        45,
        "Evening sessions with our volunteer treasurer to set up proper accounts and a budget.",
        "Our grant has grown and the funder wants quarterly accounts we have never had to keep.",
    ),
    (
        "Acocks Green Toy Library",
        "Shelving and storage boxes for the toy library",
        Kind.EQUIPMENT,
        Unit.ITEMS,
        15,
        "Acocks Green",
        False,
        60,
        "Sturdy shelving units and lidded boxes for the church hall store room.",
        "Toys are kept in bin bags; families would borrow more if they could see what we have.",
    ),
    (
        "Tyseley Allotment Society",
        "Volunteers to clear the new community plot",
        Kind.VOLUNTEERS,
        Unit.HOURS,
        40,
        "Tyseley & Hay Mills",
        False,
        30,
        "Two Saturdays clearing brambles and building raised beds.",
        "The plot will grow vegetables for the food bank and give older members beds they can reach.",
    ),
    (
        "Billesley Tenants and Residents",
        "Help writing our constitution",
        Kind.LEGAL,
        Unit.HOURS,
        5,
        "Billesley",
        True,
        50,
        "Someone to check our draft constitution before our first AGM.",
        "We need a constitution to open a bank account and apply for small grants.",
    ),
    (
        "Gravelly Hill Parents Forum",
        "A room for our Saturday parents' group",
        Kind.PREMISES,
        Unit.HOURS,
        48,
        "Gravelly Hill",
        False,
        90,
        "A warm room for 15 parents and a corner for toddlers, Saturday mornings.",
        "The library that hosted us has cut its opening hours.",
    ),
    (
        "Holyhead Youth Theatre",
        "Work placements for two young technicians",
        Kind.PLACEMENTS,
        Unit.PLACES,
        2,
        "Holyhead",
        False,
        120,
        "Two weeks' placement each in a workplace with practical, technical work.",
        "Our young people learn lighting and sound with us; a placement helps them into work.",
    ),
    (
        "Stirchley Repair Café",
        "Training places on electrical safety testing",
        Kind.TRAINING,
        Unit.PLACES,
        3,
        "Stirchley",
        False,
        75,
        "Places on a one-day portable appliance testing course.",
        "We can only mend electrical items if a trained volunteer tests them afterwards.",
    ),
]

# organisation, title, kind, unit, capacity, wards (empty: citywide), online, pledge, description
OFFERS = [
    (
        SUPPLIER,
        "Finance mentoring from our accounts team",
        Kind.FINANCE,
        Unit.HOURS,
        40,
        [],
        True,
        0,
        "Our finance staff mentor treasurers of small groups, in person or online.",
    ),
    (
        SUPPLIER,
        "Staff volunteering days in east Birmingham",
        Kind.VOLUNTEERS,
        Unit.HOURS,
        200,
        ["Tyseley & Hay Mills", "Bromford & Hodge Hill", "Ward End", "Acocks Green"],
        False,
        1,
        "Teams of six to eight staff for a day of practical work.",
    ),
    (
        SUPPLIER,
        "Work placements in home care",
        Kind.PLACEMENTS,
        Unit.PLACES,
        6,
        [],
        False,
        2,
        "Two-week placements shadowing our care coordinators and office team.",
    ),
    (
        SUPPLIER,
        "Shelving and storage from our office refit",
        Kind.EQUIPMENT,
        Unit.ITEMS,
        30,
        [],
        False,
        None,
        "Metal shelving units and plastic storage boxes, delivered by our van.",
    ),
    (
        "Midlands Prime Services Ltd",
        "Pro bono legal clinic",
        Kind.LEGAL,
        Unit.HOURS,
        20,
        [],
        True,
        None,
        "Our in-house lawyers advise on employment law and contracts.",
    ),
    (
        "Central Birmingham Housing Association",
        "Meeting rooms at our Nechells office",
        Kind.PREMISES,
        Unit.HOURS,
        100,
        ["Nechells", "Ladywood"],
        False,
        None,
        "Two meeting rooms with step-free access, weekdays and Saturday mornings.",
    ),
    (
        "Newtown Digital Skills",
        "Laptops to lend for a term",
        Kind.EQUIPMENT,
        Unit.ITEMS,
        10,
        ["Newtown", "Soho & Jewellery Quarter"],
        False,
        None,
        "Refurbished laptops with a charger, lent for a school term.",
    ),
]

DAY = datetime.timedelta(days=1)


def _member(organisation):
    return organisation.memberships.order_by("pk").first().user


def _contract(*, publisher, commissioner):
    """A home care contract held by a company, with pledges its offers deliver."""
    supplier = Organisation.objects.get(name=SUPPLIER)
    contract = Contract.objects.filter(title=CONTRACT).first() or record_contract(
        publisher=publisher,
        by=commissioner,
        kind=ContractKind.CONTRACT,
        lead=supplier,
        title=CONTRACT,
        description="Home care visits for adults in the east of the city.",
        category=ServiceCategory.objects.get(name="Adult social care"),
        value=Decimal("1850000"),
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2029, 3, 31),
        wards=list(Ward.objects.filter(name__in=["Bromford & Hodge Hill", "Ward End"])),
    )
    pledges = []
    for measure, quantity, unit in PLEDGES:
        pledges.append(
            contract.pledges.filter(measure=measure).first()
            or add_pledge(
                contract=contract,
                by=commissioner,
                measure=measure,
                quantity=quantity,
                unit=unit,
                citywide=True,
            )
        )
    return pledges


def _charter(registry_user):
    update_organisation(
        organisation=Organisation.objects.get(name=SUPPLIER),
        by=registry_user,
        charter_signatory_since=datetime.date(2019, 6, 1),
        charter_principles=[
            CharterPrinciple.LOCAL_EMPLOYMENT,
            CharterPrinciple.PARTNERS_IN_COMMUNITIES,
            CharterPrinciple.GOOD_EMPLOYER,
        ],
    )


def _needs(owners, today):
    needs = {}
    for org, title, kind, unit, quantity, ward, online, days, description, why in NEEDS:
        organisation = Organisation.objects.get(name=org)
        needs[title] = Need.objects.filter(title=title).first() or posting.post_need(
            organisation=organisation,
            by=owners.get(org) or _member(organisation),
            title=title,
            description=description,
            why=why,
            kind=kind,
            unit=unit,
            quantity=Decimal(quantity),
            ward=Ward.objects.get(name=ward),
            online=online,
            needed_by=today + days * DAY,
        )
    return needs


def _offers(pledges, today):
    offers = {}
    for org, title, kind, unit, capacity, wards, online, pledge, description in OFFERS:
        organisation = Organisation.objects.get(name=org)
        offers[title] = Offer.objects.filter(title=title).first() or posting.post_offer(
            organisation=organisation,
            by=_member(organisation),
            title=title,
            description=description,
            kind=kind,
            unit=unit,
            capacity=Decimal(capacity),
            citywide=not wards,
            wards=list(Ward.objects.filter(name__in=wards)),
            online=online,
            available_from=today,
            available_until=today + 365 * DAY,
            pledge=None if pledge is None else pledges[pledge],
        )
    return offers


def _finished_needs(today):
    """A need its group closed, and one whose date passed (posted as if two months ago)."""
    cafe = Organisation.objects.get(name="Sutton Coldfield Dementia Café")
    if not Need.objects.filter(organisation=cafe).exists():
        need = posting.post_need(
            organisation=cafe,
            by=_member(cafe),
            title="A volunteer driver for our monthly outing",
            description="Someone with a minibus licence, one Sunday a month.",
            why="Our members cannot use public transport on their own.",
            kind=Kind.VOLUNTEERS,
            unit=Unit.HOURS,
            quantity=Decimal(24),
            ward=Ward.objects.get(name="Sutton Trinity"),
            needed_by=today + 20 * DAY,
        )
        posting.close_need(need=need, by=_member(cafe))
    veterans = Organisation.objects.get(name="Brandwood Veterans' Breakfast Club")
    if not Need.objects.filter(organisation=veterans).exists():
        posting.post_need(
            organisation=veterans,
            by=_member(veterans),
            title="HR advice on taking on our first paid cook",
            description="An hour or two on contracts, pay and pensions for one part-time cook.",
            why="We want to get it right for our cook and for the club.",
            kind=Kind.HR,
            unit=Unit.HOURS,
            quantity=Decimal(3),
            ward=Ward.objects.get(name="Brandwood & King's Heath"),
            online=True,
            needed_by=today - 10 * DAY,
            today=today - 60 * DAY,
        )


def _match(need, offer, quantity, *, by_giver=True, message=""):
    existing = need.matches.filter(offer=offer).first()
    if existing:
        return existing, False
    proposer = _member(offer.organisation if by_giver else need.organisation)
    made = matching.propose_match(
        need=need,
        offer=offer,
        by=proposer,
        quantity=Decimal(quantity),
        message=message,
        side=Side.GIVER if by_giver else Side.RECIPIENT,
        notify=False,
    )
    return made, True


def _give(match, quantity, *, confirm, testimonial="", value=None, note=""):
    given = delivery.record_delivery(
        match=match,
        by=_member(match.offer.organisation),
        quantity=Decimal(quantity),
        delivered_on=timezone.localdate(),
        value=value,
        note=note,
        notify=False,
    )
    if confirm:
        delivery.confirm_delivery(
            delivery=given,
            by=_member(match.need.organisation),
            testimonial=testimonial,
            notify=False,
        )


def _matches(needs, offers, owners):
    ladywood = owners.get("Ladywood Lunch Club")
    # Accepted; some help confirmed, some recorded and waiting for member@ to confirm.
    match, new = _match(
        needs["A mentor to help our treasurer with the accounts"],
        offers["Finance mentoring from our accounts team"],
        8,
        message="Our finance manager, Raj, could meet your treasurer on Tuesday evenings.",
    )
    if new:
        matching.accept_match(
            match=match, by=ladywood, answer="Tuesdays are perfect, thank you.", notify=False
        )
        _give(
            match,
            4,
            confirm=True,
            value=Decimal(240),
            note="Two sessions setting up a spreadsheet of income and spending.",
            testimonial="We sent our first quarterly accounts on time, and understood them.",
        )
        _give(match, 2, confirm=False, value=Decimal(120), note="A session on budgeting.")
    # Accepted and fully given: the need is met.
    match, new = _match(
        needs["Volunteers to clear the new community plot"],
        offers["Staff volunteering days in east Birmingham"],
        40,
    )
    if new:
        matching.accept_match(match=match, by=_member(match.need.organisation), notify=False)
        _give(
            match,
            40,
            confirm=True,
            value=Decimal(600),
            testimonial="Twelve raised beds built in two Saturdays. The food bank has its first "
            "crop of potatoes.",
        )
    # Waiting for the toy library to answer.
    _match(
        needs["Shelving and storage boxes for the toy library"],
        offers["Shelving and storage from our office refit"],
        15,
        message="We have eight shelving units and plenty of boxes; our van can bring them.",
    )
    # Asked for by the group, declined with a reason.
    match, new = _match(
        needs["Help writing our constitution"],
        offers["Pro bono legal clinic"],
        5,
        by_giver=False,
        message="Could one of your lawyers read our draft constitution?",
    )
    if new:
        matching.decline_match(
            match=match,
            by=_member(match.offer.organisation),
            answer="Our lawyers only advise on employment law. The Charity Commission's model "
            "constitutions may help.",
            notify=False,
        )


def seed(*, publisher, commissioner, registry_user, owners):
    """Needs, offers and matches; ``owners`` maps organisation names to demo users who
    act for them (member@ for Ladywood Lunch Club)."""
    today = timezone.localdate()
    pledges = _contract(publisher=publisher, commissioner=commissioner)
    _charter(registry_user)
    needs = _needs(owners, today)
    _finished_needs(today)
    offers = _offers(pledges, today)
    _matches(needs, offers, owners)

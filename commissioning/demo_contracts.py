"""Demo contracts: the community transport contract made from the demo's confirmed award,
a grant to Ladywood Lunch Club (whose administrator is the demo member) and a service
level agreement with Sparkbrook Women's Centre, recorded directly, each with social value
pledges (``demo_social_value`` reports against them); KPIs with returns (one late) and
ratings over several quarters, one "Requires improvement"; and a subcontracting
opportunity on the transport contract with two applications.

Everything goes through the actions with ``now`` in the past where it matters, so
the history reads as it would have happened. Running it twice changes nothing, and
it sends no email.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from commissioning.actions import performance, supply_chain
from commissioning.actions.contracts import add_pledge, contract_from_award, record_contract
from commissioning.models import Contract, ContractKind, Frequency, KpiReturn, Rating
from commissioning.periods import add_months
from opportunities.models import Opportunity
from organisations.models import Membership, Organisation, ServiceCategory, Ward
from portal.formats import LONDON
from tenders.demo_evaluation import CONFIRMED
from tenders.models import AwardDecision

PUBLISHER = "Birmingham City Council – Adults and Social Care"

# (kind, title, description, lead, value, months ago it started, months it runs, category,
#  wards (empty: citywide))
DIRECT = [
    (
        ContractKind.GRANT,
        "Ladywood Lunch Club: hot meals and company for older people",
        "A hot two-course lunch, transport and an afternoon activity, three days a week.",
        "Ladywood Lunch Club",
        Decimal("36000"),
        11,
        24,
        "Older people's services",
        ["Ladywood"],
    ),
    (
        ContractKind.SERVICE_LEVEL_AGREEMENT,
        "Advice drop-ins for women in Sparkbrook",
        "Weekly welfare benefits and housing advice sessions with a crèche.",
        "Sparkbrook Women's Centre",
        Decimal("48500"),
        8,
        12,
        "Advice and advocacy",
        [],
    ),
]

# contract title → (KPI name, target, unit, higher is better, frequency, days to report,
#   figures by period (None: not returned), which figure was late, ratings by period)
KPIS = {
    DIRECT[0][1]: (
        "Older people attending at least one lunch a week",
        Decimal("45"),
        "people",
        True,
        Frequency.QUARTERLY,
        20,
        [Decimal("48"), Decimal("38"), Decimal("43")],
        1,
        [
            (Rating.GOOD, "Above target, and the new Friday session is full."),
            (
                Rating.REQUIRES_IMPROVEMENT,
                "Attendance fell well below target while the minibus was off the road, and "
                "the return came in late. Please send a recovery plan with the next return.",
            ),
            (
                Rating.APPROACHING,
                "Numbers are recovering; keep up the outreach with the GP surgeries.",
            ),
        ],
    ),
    DIRECT[1][1]: (
        "Women given advice who say their situation improved",
        Decimal("80"),
        "%",
        True,
        Frequency.QUARTERLY,
        20,
        [Decimal("84"), Decimal("81")],
        None,
        [(Rating.GOOD, "Strong outcomes and good feedback from the crèche.")],
    ),
}

# contract title → its social value pledges: (what, how many, unit, wards (empty: citywide))
PLEDGES = {
    DIRECT[0][1]: [
        (
            "Hot lunches served to older people who live alone",
            Decimal("4500"),
            "meals",
            ["Ladywood"],
        ),
        ("Hours given by local volunteers", Decimal("1200"), "hours", ["Ladywood"]),
    ],
    DIRECT[1][1]: [
        (
            "Women helped to claim benefits they were entitled to",
            Decimal("120"),
            "women",
            ["Sparkbrook & Balsall Heath East", "Sparkhill"],
        ),
        ("Places at the crèche while parents get advice", Decimal("300"), "places", []),
    ],
}

SUBCONTRACT = {
    "title": "Volunteer escorts for community transport trips",
    "summary": "Escorts who ride with passengers on Tuesday and Thursday trips in the north "
    "of the city, help them on and off, and stay with them at appointments.",
    "value_low": Decimal("6000"),
    "value_high": Decimal("18000"),
    "contact_name": "Moseley Deaf Club transport team",
    "contact_email": "transport@example.org",
}
APPLICANTS = [
    (
        "Kingstanding Men's Shed",
        "Six of our members already drive and escort for the Shed's own trips; we can cover "
        "both days in Kingstanding and Erdington.",
    ),
    (
        "Sutton Coldfield Dementia Café",
        "Our volunteers are trained in dementia care and know many of the passengers; we "
        "would escort on the Thursday runs.",
    ),
]


def seed(*, commissioner):
    """Make the demo contracts (see the module's docstring); returns them, the contract
    from the award first."""
    publisher = Organisation.objects.get(name=PUBLISHER)
    contracts = _from_award()
    today = timezone.localdate()
    for kind, title, description, lead, value, ago, months, category, wards in DIRECT:
        contract = Contract.objects.filter(publisher=publisher, title=title).first()
        if contract is None:
            starts_on = add_months(today.replace(day=1), -ago)
            contract = record_contract(
                publisher=publisher,
                by=commissioner,
                kind=kind,
                lead=Organisation.objects.get(name=lead),
                title=title,
                description=description,
                category=ServiceCategory.objects.get(name=category),
                value=value,
                starts_on=starts_on,
                ends_on=add_months(starts_on, months) - datetime.timedelta(days=1),
                citywide=not wards,
                wards=list(Ward.objects.filter(name__in=wards)),
            )
        _performance(contract, commissioner)
        _pledges(contract, commissioner)
        contracts.append(contract)
    if contracts and contracts[0].opportunity_id:
        _kpi_on_transport(contracts[0], commissioner)
        _subcontract(contracts[0])
    return contracts


def _from_award():
    opportunity = Opportunity.objects.filter(title=CONFIRMED).first()
    made = []
    for decision in AwardDecision.objects.confirmed().filter(tender__opportunity=opportunity):
        contract_from_award(decision=decision)
        made += list(Contract.objects.filter(bid__in=decision.winners.all()))
    return list(dict.fromkeys(made))


def _member(organisation):
    return Membership.objects.filter(organisation=organisation).order_by("pk").first().user


def _noon(day):
    """Noon on ``day``, but never later than now: the demo does not write the future."""
    return min(datetime.datetime.combine(day, datetime.time(12), tzinfo=LONDON), timezone.now())


def _performance(contract, commissioner):
    name, target, unit, higher, frequency, days, figures, late, ratings = KPIS[contract.title]
    kpi = contract.kpis.filter(name=name).first() or performance.add_kpi(
        contract=contract,
        by=commissioner,
        name=name,
        target=target,
        unit=unit,
        higher_is_better=higher,
        frequency=frequency,
        days_to_report=days,
    )
    supplier = _member(contract.suppliers.get(role="lead").organisation)
    periods = [p for p in performance.rating_periods(contract) if p.end < timezone.localdate()]
    for number, (period, figure) in enumerate(zip(periods, figures, strict=False)):
        if KpiReturn.objects.filter(kpi=kpi, period_start=period.start).exists():
            continue
        due = period.due_on(days)
        performance.submit_return(
            row=performance.ReturnRow(kpi, period.start, str(figure), ""),
            by=supplier,
            now=_noon(due + datetime.timedelta(days=9 if number == late else -3)),
        )
    for period, (rating, comment) in zip(periods, ratings, strict=False):
        if not contract.ratings.filter(period_start=period.start).exists():
            performance.rate_period(
                contract=contract,
                by=commissioner,
                period_start=period.start,
                rating=rating,
                comment=comment,
                now=_noon(period.due_on(days) + datetime.timedelta(days=12)),
                notify=False,
            )


def _pledges(contract, commissioner):
    """The contract's demo pledges, each added once (a contract that has ended gets none)."""
    if contract.last_day < timezone.localdate():
        return
    for measure, quantity, unit, wards in PLEDGES[contract.title]:
        if not contract.pledges.filter(measure=measure).exists():
            add_pledge(
                contract=contract,
                by=commissioner,
                measure=measure,
                quantity=quantity,
                unit=unit,
                citywide=not wards,
                wards=list(Ward.objects.filter(name__in=wards)),
            )


def _kpi_on_transport(contract, commissioner):
    if not contract.kpis.exists():
        performance.add_kpi(
            contract=contract,
            by=commissioner,
            name="Trips that arrive on time",
            target=Decimal("95"),
            unit="%",
            frequency=Frequency.MONTHLY,
            days_to_report=15,
        )


def _subcontract(contract):
    subcontract = contract.subcontracts.first()
    if subcontract is None:
        today = timezone.localdate()
        noon = datetime.time(12)
        subcontract = supply_chain.post_subcontract(
            contract=contract,
            by=_member(contract.suppliers.get(role="lead").organisation),
            clarification_deadline=datetime.datetime.combine(
                today + datetime.timedelta(days=14), noon, tzinfo=LONDON
            ),
            submission_deadline=datetime.datetime.combine(
                today + datetime.timedelta(days=28), noon, tzinfo=LONDON
            ),
            **SUBCONTRACT,
        )
    for name, message in APPLICANTS:
        organisation = Organisation.objects.get(name=name)
        if not subcontract.applications.filter(organisation=organisation).exists():
            supply_chain.apply_to_subcontract(
                subcontract=subcontract,
                organisation=organisation,
                by=_member(organisation),
                message=message,
            )

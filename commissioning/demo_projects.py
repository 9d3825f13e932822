"""Demo commissioning projects and market engagement for Adults and Social Care.

A project in each phase of the cycle, with their moves, needs assessments,
outcomes and co-production partners; a market day three weeks ahead that is
full, with a waiting list; an online listening exercise; and a provider forum
six weeks ago with what it changed recorded. Projects and events go through the
actions (moves dated in the past); registrations are written directly so that
seeding sends no email. A project or event that exists (by title) is left alone.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from commissioning.actions import engagement as events
from commissioning.actions import projects as actions
from commissioning.models import (
    EngagementEvent,
    EventKind,
    Phase,
    Project,
    Registration,
)
from organisations.models import Membership, ServiceCategory, Ward

# phase: (title, category, wards (empty: citywide), budget, summary)
PROJECTS = {
    Phase.ANALYSE: (
        "Tackling loneliness among older people in Ladywood and Nechells",
        "Older people's services",
        ["Ladywood", "Nechells"],
        None,
        "Understanding why older people in the city centre wards are more isolated than "
        "elsewhere, and what local groups already do about it, before deciding what to fund.",
    ),
    Phase.PLAN: (
        "Short breaks and respite for unpaid carers",
        "Carers' support",
        [],
        Decimal("850000"),
        "Planned, flexible breaks for the 110,000 unpaid carers in Birmingham, designed with "
        "carers and the groups that support them.",
    ),
    Phase.DO: (
        "Community mental health and wellbeing hubs",
        "Mental health",
        ["Erdington", "Handsworth", "Small Heath"],
        Decimal("1200000"),
        "Drop-in hubs run by local organisations where adults can get early help for their "
        "mental health without a referral.",
    ),
    Phase.REVIEW: (
        "Day opportunities for older people 2023 to 2026",
        "Older people's services",
        [],
        Decimal("2400000"),
        "Lunch clubs, activity groups and day centres funded for three years: what they "
        "achieved, and what should follow when the grants end.",
    ),
}

NEEDS = {
    Phase.ANALYSE: "Early findings: the 2021 Census shows one in three people over 65 in "
    "Ladywood lives alone, against one in four across the city. We are gathering "
    "what lunch clubs, faith groups and GP social prescribers see.",
    Phase.PLAN: "The Carers' Survey 2025 found 62% of carers had no break in the past year. "
    "Carers from South Asian communities and young adult carers use the current "
    "offer least. Demand is highest in the east of the city.",
    Phase.DO: "Emergency mental health admissions rose 18% in three years, concentrated in "
    "Erdington, Handsworth and Small Heath. People told the listening exercise they "
    "wanted somewhere local to go before things reach crisis.",
    Phase.REVIEW: "The 2022 assessment found 4,000 older people relied on day opportunities, "
    "many of them small groups run by volunteers.",
}

OUTCOMES = {
    Phase.PLAN: [
        ("More carers have a break they planned", "Carers reporting a break in the last year"),
        ("Carers from under-served communities use breaks", "Uptake by ethnicity and ward"),
    ],
    Phase.DO: [
        ("Adults get help before reaching crisis", "Emergency admissions from the three wards"),
        ("People feel better after using a hub", "WEMWBS scores at first and sixth visit"),
    ],
    Phase.REVIEW: [
        ("Older people feel less lonely", "UCLA loneliness scale, yearly"),
        ("Small groups keep going", "Groups still running at the end of the grant"),
    ],
}

NOTES = {
    Phase.PLAN: "Needs assessment agreed by the Adults' commissioning board.",
    Phase.DO: "Outcomes agreed with the co-production group; pipeline published.",
    Phase.REVIEW: "Grants in their final year: review with the groups and the people they serve.",
}

# (project phase, organisation index in ``organisations``, kind, contribution)
PARTNERS = [
    (Phase.PLAN, 0, "service_users", "Runs the carers' reference group that shapes the service"),
    (Phase.PLAN, 1, "provider", "Shares what breaks carers in the east of the city use now"),
    (Phase.DO, 2, "provider", "Peer support workers and lived experience of the hubs' model"),
    (Phase.REVIEW, 3, "community", "Lunch club volunteers gathering members' views"),
]


def seed(*, publisher, commissioner, organisations):
    """Create the demo projects and events; return the projects by phase name.

    ``organisations`` are demo third-sector organisations (at least four) that
    take part. Running it twice changes nothing, and it sends no email.
    """
    now = timezone.now()
    projects = {phase.value: _project(phase, publisher, commissioner, now) for phase in PROJECTS}
    for phase, index, kind, contribution in PARTNERS:
        project = projects[phase.value]
        organisation = organisations[index % len(organisations)]
        if not project.partners.filter(organisation=organisation).exists():
            actions.add_partner(
                project=project,
                by=commissioner,
                organisation=organisation,
                kind=kind,
                contribution=contribution,
            )
    _events(publisher, commissioner, organisations, projects, now)
    return projects


def _project(phase, publisher, commissioner, now):
    title, category, ward_names, budget, summary = PROJECTS[phase]
    existing = Project.objects.filter(publisher=publisher, title=title).first()
    if existing is not None:
        return existing
    wards = list(Ward.objects.filter(name__in=ward_names))
    project = actions.create_project(
        publisher=publisher,
        by=commissioner,
        title=title,
        summary=summary,
        category=ServiceCategory.objects.filter(name=category).first()
        or ServiceCategory.objects.order_by("name").first(),
        citywide=not wards,
        wards=wards,
        budget=budget,
    )
    actions.set_needs_assessment(project=project, by=commissioner, text=NEEDS[phase])
    for description, measure in OUTCOMES.get(phase, []):
        actions.add_outcome(
            project=project, by=commissioner, description=description, measure=measure
        )
    moves = list(Phase).index(phase)
    for step in range(moves):
        to_phase = list(Phase)[step + 1]
        project = actions.move_phase(
            project=project,
            by=commissioner,
            note=NOTES[to_phase],
            now=now - timedelta(days=120 * (moves - step)),
        )
    return project


def _event(publisher, commissioner, title, **fields):
    existing = EngagementEvent.objects.filter(publisher=publisher, title=title).first()
    if existing is not None:
        return existing, False
    event = events.create_event(
        publisher=publisher,
        by=commissioner,
        title=title,
        contact_email=commissioner.email,
        accessibility="Step-free access, a hearing loop and accessible toilets. Tell us about "
        "any other needs when you register.",
        **fields,
    )
    return event, True


def _events(publisher, commissioner, organisations, projects, now):
    day = (now + timedelta(days=21)).replace(hour=10, minute=0, second=0, microsecond=0)
    market_day, created = _event(
        publisher,
        commissioner,
        "Carers' breaks market day",
        kind=EventKind.MARKET_DAY,
        description="Meet the commissioners planning short breaks for carers, hear what "
        "carers told us, and tell us what your organisation could offer, alone or with others.",
        starts_at=day,
        ends_at=day + timedelta(hours=4),
        venue="The Council House, Victoria Square, Birmingham B1 1BB",
        capacity=6,
        project=projects[Phase.PLAN.value],
    )
    if created:
        _attendees(market_day, organisations, now, places=6, waiting=2)
    online = (now + timedelta(days=10)).replace(hour=18, minute=0, second=0, microsecond=0)
    _event(
        publisher,
        commissioner,
        "Listening exercise: loneliness in the city centre",
        kind=EventKind.LISTENING,
        description="An evening online for groups working with older people in Ladywood and "
        "Nechells: what you see, what works and what is missing.",
        starts_at=online,
        ends_at=online + timedelta(hours=1, minutes=30),
        online=True,
        joining_details="Microsoft Teams: the link is emailed the day before.",
        capacity=40,
        project=projects[Phase.ANALYSE.value],
    )
    held = (now - timedelta(days=42)).replace(hour=13, minute=30, second=0, microsecond=0)
    forum, created = _event(
        publisher,
        commissioner,
        "Mental health hubs provider forum",
        kind=EventKind.PROVIDER_FORUM,
        description="A forum for organisations interested in running the community mental "
        "health and wellbeing hubs.",
        starts_at=held,
        ends_at=held + timedelta(hours=2),
        venue="Erdington Library, Orphanage Road, Birmingham B24 9HP",
        capacity=30,
        project=projects[Phase.DO.value],
    )
    if created:
        _attendees(forum, organisations, held - timedelta(days=14), places=5, waiting=0)
        events.record_what_changed(
            event=forum,
            by=commissioner,
            text="Small groups said one contract for all three hubs would shut them out. The "
            "hubs are now commissioned as three lots, each open to a consortium, and the "
            "bidding window was extended to 12 weeks.",
            now=held + timedelta(days=3),
        )


ATTENDEES = [
    ("Amina Hussain", ""),
    ("Gareth Evans", "Wheelchair user: a space near the door, please"),
    ("Precious Okoro", ""),
    ("Harjit Kaur", "BSL interpreter"),
    ("Tom Whitehouse", ""),
    ("Lena Novak", "Large-print papers"),
    ("Kwame Mensah", ""),
    ("Siobhan Doyle", "Step-free route"),
]


def _attendees(event, organisations, registered, *, places, waiting):
    """Registrations written directly, so no email goes: ``places`` with a place, then
    ``waiting`` on the waiting list, spread over the organisations."""
    for n, (name, needs) in enumerate(ATTENDEES[: places + waiting]):
        organisation = organisations[n % len(organisations)]
        member = Membership.objects.filter(organisation=organisation).order_by("pk").first()
        at = registered + timedelta(hours=n)
        Registration.objects.create(
            event=event,
            organisation=organisation,
            attendee_name=name,
            attendee_email=f"{name.lower().replace(' ', '.')}@example.org",
            access_needs=needs,
            registered_at=at,
            registered_by=member.user if member else None,
            place_confirmed_at=at if n < places else None,
        )

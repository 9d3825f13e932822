"""The demo pipeline: plans across the next four quarters, one published, one withdrawn.

Items are added and withdrawn through the actions (which send no email); the
link to the published opportunity and the follows are written straight to the
tables, as ``opportunities.demo`` does, because linking would email followers.
Follows of the published item are marked told: the demo sends no email.
Running ``seed`` twice changes nothing.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from commissioning import ocds
from commissioning.actions import pipeline as actions
from commissioning.models import PipelineFollow, PipelineItem
from organisations.models import Organisation, ServiceCategory, Ward

CONTACT = ("Joanne Pryce", "commissioning@example.org")

# title, summary, category, value, quarters from now, wards (None: city-wide),
# project phase it comes from, followers; the first is published as ``opportunity``.
PLANS = [
    (
        "Befriending for older people living alone",
        "Volunteer befriending by phone and in person for people over 65, planned with "
        "older people's forums in the south-west of the city.",
        "Older people's services",
        75_000,
        0,
        ["Quinton", "Harborne", "Bartley Green"],
        "do",
        ["Ladywood Lunch Club", "Hall Green Asian Elders"],
    ),
    (
        "Social prescribing link workers in Ladywood and Nechells",
        "Link workers based in GP surgeries and community centres who connect people "
        "to local groups, advice and activities rather than prescriptions.",
        "Health and wellbeing",
        240_000,
        1,
        ["Ladywood", "Nechells"],
        "plan",
        ["Ladywood Lunch Club", "Nechells Community Food Co-op"],
    ),
    (
        "Food pantry network in Nechells and Bordesley",
        "Grants for community food pantries with advice on debt and benefits on site.",
        "Food and poverty",
        85_000,
        1,
        ["Nechells", "Bordesley & Highgate"],
        "plan",
        ["Nechells Community Food Co-op"],
    ),
    (
        "Warm spaces and winter wellbeing grants",
        "Small grants for community venues that open as warm, welcoming spaces from "
        "November to March, with a hot drink and someone to talk to.",
        "Community development",
        150_000,
        2,
        None,
        None,
        ["Ladywood Lunch Club"],
    ),
    (
        "Youth work in Aston and Lozells",
        "Detached and centre-based youth work on weekday evenings and weekends, shaped "
        "with young people from the two wards.",
        "Youth services",
        180_000,
        2,
        ["Aston", "Lozells"],
        None,
        ["Aston Young Voices"],
    ),
    (
        "Recovery groups for children who have lived with domestic abuse",
        "Group work for children aged 5 to 16 and their mothers, across the city.",
        "Domestic abuse",
        320_000,
        3,
        None,
        None,
        [],
    ),
    (
        "Men's mental health peer support in Erdington",
        "Peer-led groups and walk-and-talk sessions for men, with routes into talking therapies.",
        "Mental health",
        60_000,
        4,
        ["Erdington", "Stockland Green"],
        None,
        ["Erdington Mental Health Forum"],
    ),
]

WITHDRAWN = (
    "Community transport to day centres",
    "Accessible minibuses taking older and disabled people to day centres.",
    "Adult social care",
    400_000,
    1,
    None,
    "The council is reviewing all of its transport contracts together; this plan is "
    "folded into that review, and we will consult providers again in the spring.",
)


def _quarter(steps):
    year, quarter = actions.current_quarter()
    for _step in range(steps):
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return year, quarter


def _category(name):
    category, _created = ServiceCategory.objects.get_or_create(
        slug=slugify(name), defaults={"name": name}
    )
    return category


def _add(
    existing,
    *,
    publisher,
    commissioner,
    project,
    title,
    summary,
    category,
    value,
    steps,
    ward_names,
):
    if title in existing:
        return existing[title]
    wards = list(Ward.objects.filter(name__in=ward_names or []))
    year, quarter = _quarter(steps)
    return actions.add_item(
        publisher=publisher,
        by=commissioner,
        title=title,
        summary=summary,
        category=_category(category),
        estimated_value=Decimal(value),
        expected_year=year,
        expected_quarter=quarter,
        citywide=not wards,
        wards=wards,
        project=project if project is not None and project.publisher_id == publisher.pk else None,
        contact_name=CONTACT[0],
        contact_email=CONTACT[1],
    )


def seed(*, publisher, commissioner, projects, opportunity):
    """Create the demo pipeline of ``publisher``; returns its items by title.

    ``projects`` maps a phase (``"plan"``, ``"do"``, …) to a project of the
    publisher's, or is empty (items then come from no project). ``opportunity``
    is one of the publisher's published opportunities: the first plan is marked
    as published as it, and its followers as already told.
    """
    existing = {item.title: item for item in PipelineItem.objects.filter(publisher=publisher)}
    organisations = {o.name: o for o in Organisation.objects.exclude(pk=publisher.pk)}
    items = {}
    for index, (title, summary, category, value, steps, ward_names, phase, followers) in enumerate(
        PLANS
    ):
        item = _add(
            existing,
            publisher=publisher,
            commissioner=commissioner,
            project=projects.get(phase) if phase else None,
            title=title,
            summary=summary,
            category=category,
            value=value,
            steps=steps,
            ward_names=ward_names,
        )
        for name in followers:
            if name in organisations:
                PipelineFollow.objects.get_or_create(item=item, organisation=organisations[name])
        if index == 0 and item.opportunity_id is None:
            PipelineItem.objects.filter(pk=item.pk).update(
                opportunity=opportunity, published_at=opportunity.published_at
            )
            item.opportunity, item.published_at = opportunity, opportunity.published_at
            # What link_opportunity records: the tender names the plan it came from.
            ocds.record_tender_planned_by(item, date=opportunity.published_at)
        items[title] = item
    published = items[PLANS[0][0]]
    if published.opportunity_id and published.opportunity.published_at is not None:
        PipelineFollow.objects.filter(item=published, told_at__isnull=True).update(
            told_at=timezone.now()
        )
    title, summary, category, value, steps, ward_names, reason = WITHDRAWN
    item = _add(
        existing,
        publisher=publisher,
        commissioner=commissioner,
        project=None,
        title=title,
        summary=summary,
        category=category,
        value=value,
        steps=steps,
        ward_names=ward_names,
    )
    if not item.is_withdrawn:
        actions.withdraw_item(item=item, by=commissioner, reason=reason)
    items[title] = item
    return items

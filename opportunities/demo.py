"""Demo opportunities drawn from the commissioning described in the seed documents.

About 30 in every status: drafts, open (some closing soon, some new), closed,
awarded and cancelled; clarification questions on some (two still waiting for
an answer), organisations following the open ones and a partner board with
contact requests. Running ``seed`` twice changes nothing: opportunities are
matched by title, and the rest by what they belong to.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from opportunities import actions
from opportunities.actions.following import DEADLINE_REMINDERS
from opportunities.models import (
    CpvCode,
    Follow,
    Opportunity,
    PartnerContact,
    PartnerListing,
    PartnerRole,
    Procedure,
    Question,
)
from organisations.models import Membership, Organisation, ServiceCategory, Ward

C = "Commissioning team"

# title, summary, category, (low, high), procedure, cpv, wards (None = citywide),
# small?, state, days (open: days until bids close; past states: days since they closed), lots
OPPORTUNITIES = [
    (
        "Supporting People: housing-related support for young people",
        "Floating support that helps young people aged 16 to 25 keep their tenancies and move on to independence.",
        "Housing and homelessness",
        (900_000, 1_200_000),
        Procedure.LIGHT_TOUCH,
        ["85312000-9", "70333000-4"],
        None,
        False,
        "open",
        70,
        [("North and east Birmingham", 2), ("South and west Birmingham", 2)],
    ),
    (
        "Supporting People: support for people with mental health needs",
        "Housing-related support for adults with mental health needs living in their own homes.",
        "Mental health",
        (600_000, 750_000),
        Procedure.LIGHT_TOUCH,
        ["85312400-3"],
        None,
        False,
        "open",
        40,
        [("Floating support", 3), ("Accommodation-based support", 2)],
    ),
    (
        "Supporting People: domestic abuse refuge and outreach",
        "Refuge places and community outreach for women and children escaping domestic abuse, co-designed with survivors.",
        "Domestic abuse",
        (450_000, 450_000),
        Procedure.LIGHT_TOUCH,
        ["85311000-2", "85312300-2"],
        None,
        False,
        "open",
        5,
        [],
    ),
    (
        "Supporting People: housing support for ex-offenders",
        "Support for people leaving prison to find and keep a home.",
        "Housing and homelessness",
        (300_000, 380_000),
        Procedure.LIGHT_TOUCH,
        ["85312400-3"],
        None,
        False,
        "closed",
        20,
        [],
    ),
    (
        "Young people's substance misuse service",
        "Early help and treatment for young people under 18 affected by drugs and alcohol, and their families.",
        "Drug and alcohol services",
        (500_000, 650_000),
        Procedure.LIGHT_TOUCH,
        ["85323000-9", "85312500-4"],
        None,
        False,
        "open",
        84,
        [],
    ),
    (
        "Legal entitlement advice services",
        "Free advice on welfare benefits, debt and housing, delivered in community venues across the city.",
        "Advice and advocacy",
        (250_000, 300_000),
        Procedure.LIGHT_TOUCH,
        ["79111000-5", "85312310-5"],
        None,
        True,
        "open",
        95,
        [("Welfare benefits advice", 3), ("Debt advice", 2), ("Housing advice", 2)],
    ),
    (
        "Carers' support service",
        "Information, advice, breaks and wellbeing support for unpaid carers of all ages.",
        "Carers' support",
        (400_000, 500_000),
        Procedure.LIGHT_TOUCH,
        ["85312000-9"],
        None,
        True,
        "open",
        60,
        [],
    ),
    (
        "Young carers' groups in the north of the city",
        "Weekly groups and trips for young carers aged 8 to 17.",
        "Carers' support",
        (40_000, 40_000),
        Procedure.OPEN,
        ["85311300-5"],
        ["Kingstanding", "Erdington", "Perry Barr"],
        True,
        "open",
        3,
        [],
    ),
    (
        "Early years out-of-school support",
        "Play and learning sessions for children under five and their parents in community settings.",
        "Children and families",
        (120_000, 160_000),
        Procedure.OPEN,
        ["85312110-3", "80000000-4"],
        ["Ladywood", "Nechells", "Aston"],
        True,
        "open",
        30,
        [],
    ),
    (
        "Integrated sexual health service",
        "Contraception, testing and treatment, with outreach to groups at higher risk.",
        "Health and wellbeing",
        (2_500_000, 3_000_000),
        Procedure.LIGHT_TOUCH,
        ["85100000-0", "85312330-1"],
        None,
        False,
        "closed",
        45,
        [],
    ),
    (
        "Homeless Gateway: single point of access",
        "The single point of access into homelessness services, assessing need and referring people on.",
        "Housing and homelessness",
        (800_000, 900_000),
        Procedure.LIGHT_TOUCH,
        ["85312400-3"],
        None,
        False,
        "awarded",
        120,
        [],
    ),
    (
        "Community lunch clubs for older people",
        "Grants-to-contracts pilot for lunch clubs that reduce isolation among older people.",
        "Older people's services",
        (8_000, 9_500),
        Procedure.QUOTATION,
        ["85311100-3", "55520000-1"],
        ["Ladywood"],
        True,
        "open",
        21,
        [],
    ),
    (
        "Befriending for older people living alone",
        "Volunteer befriending by phone and in person for people over 65.",
        "Older people's services",
        (60_000, 75_000),
        Procedure.OPEN,
        ["85311100-3"],
        ["Quinton", "Harborne", "Bartley Green"],
        True,
        "open",
        90,
        [],
    ),
    (
        "Dementia cafés across Sutton Coldfield",
        "Monthly cafés for people living with dementia and their carers.",
        "Older people's services",
        (25_000, 25_000),
        Procedure.QUOTATION,
        ["85312100-0"],
        ["Sutton Trinity", "Sutton Vesey", "Sutton Four Oaks"],
        True,
        "draft",
        90,
        [],
    ),
    (
        "Refugee and asylum seeker welcome service",
        "Orientation, English practice and advice for people newly arrived in Birmingham.",
        "Refugees and asylum seekers",
        (150_000, 180_000),
        Procedure.LIGHT_TOUCH,
        ["85312300-2"],
        None,
        True,
        "open",
        88,
        [],
    ),
    (
        "Employment support for disabled people",
        "Job coaching and in-work support for disabled people and people with long-term health conditions.",
        "Employment and skills",
        (350_000, 420_000),
        Procedure.LIGHT_TOUCH,
        ["85312510-7", "80500000-9"],
        None,
        False,
        "open",
        12,
        [],
    ),
    (
        "Digital skills for older residents",
        "Friendly sessions to help older people get online safely.",
        "Employment and skills",
        (18_000, 22_000),
        Procedure.QUOTATION,
        ["80500000-9"],
        ["Hall Green North", "Hall Green South"],
        True,
        "awarded",
        60,
        [],
    ),
    (
        "Holiday activities and food programme",
        "Activities and a healthy meal in the school holidays for children on free school meals.",
        "Children and families",
        (700_000, 850_000),
        Procedure.OPEN,
        ["92000000-1", "55520000-1"],
        None,
        True,
        "open",
        50,
        [("Easter", 10), ("Summer", 20), ("Christmas", 10)],
    ),
    (
        "Youth work in Castle Vale",
        "Detached and centre-based youth work for young people aged 11 to 19.",
        "Youth services",
        (45_000, 55_000),
        Procedure.OPEN,
        ["98133110-8"],
        ["Castle Vale"],
        True,
        "cancelled",
        10,
        [],
    ),
    (
        "Men's mental health peer support",
        "Peer-led groups that help men talk about their mental health.",
        "Mental health",
        (30_000, 36_000),
        Procedure.QUOTATION,
        ["85312320-8"],
        ["Kingstanding", "Oscott"],
        True,
        "open",
        6,
        [],
    ),
    (
        "Community food network coordination",
        "Coordinating food banks and community pantries so surplus food reaches the people who need it.",
        "Food and poverty",
        (90_000, 90_000),
        Procedure.OPEN,
        ["85312200-1"],
        None,
        True,
        "open",
        85,
        [],
    ),
    (
        "Physical activity for people with long-term conditions",
        "Gentle exercise and walking groups in parks and community centres.",
        "Sport and physical activity",
        (70_000, 85_000),
        Procedure.OPEN,
        ["92600000-7"],
        ["Alum Rock", "Small Heath", "Bordesley Green"],
        True,
        "draft",
        100,
        [],
    ),
    (
        "Advocacy for adults with learning disabilities",
        "Independent and self-advocacy so people with learning disabilities have a say in their care.",
        "Learning disabilities",
        (200_000, 240_000),
        Procedure.LIGHT_TOUCH,
        ["85312300-2"],
        None,
        False,
        "closed",
        5,
        [],
    ),
    (
        "Arts on prescription",
        "Creative workshops for people referred by GPs and social prescribers.",
        "Arts, culture and heritage",
        (35_000, 35_000),
        Procedure.QUOTATION,
        ["92000000-1"],
        ["Balsall Heath West", "Moseley"],
        True,
        "open",
        25,
        [],
    ),
    (
        "Green spaces volunteering programme",
        "Volunteer days that improve parks and help people into training.",
        "Environment and green spaces",
        (50_000, 60_000),
        Procedure.OPEN,
        ["98000000-3"],
        ["Weoley & Selly Oak", "Stirchley"],
        True,
        "awarded",
        200,
        [],
    ),
    (
        "Deaf community advice and interpreting",
        "Advice sessions in British Sign Language and interpreting for appointments.",
        "Disability services",
        (55_000, 65_000),
        Procedure.OPEN,
        ["85312310-5"],
        None,
        True,
        "open",
        84,
        [],
    ),
    (
        "Sickle cell and thalassaemia community support",
        "Peer support and awareness raising with communities most affected.",
        "Health and wellbeing",
        (28_000, 30_000),
        Procedure.QUOTATION,
        ["85323000-9"],
        None,
        True,
        "open",
        14,
        [],
    ),
    (
        "Domestic abuse perpetrator programme",
        "Accredited group work with perpetrators, with partner support alongside.",
        "Domestic abuse",
        (180_000, 220_000),
        Procedure.LIGHT_TOUCH,
        ["85312320-8"],
        None,
        False,
        "cancelled",
        30,
        [],
    ),
    (
        "Infrastructure support for the third sector",
        "Training, governance and funding advice for small voluntary and community groups.",
        "Community development",
        (150_000, 175_000),
        Procedure.OPEN,
        ["75200000-8"],
        None,
        True,
        "open",
        77,
        [],
    ),
    (
        "Warm spaces coordination",
        "Coordinating a network of warm, welcoming spaces over the winter.",
        "Food and poverty",
        (20_000, 20_000),
        Procedure.QUOTATION,
        ["85320000-8"],
        None,
        True,
        "closed",
        2,
        [],
    ),
]


def _noon(day):
    """Deadlines fall at 12:00 UK time, as commissioners usually set them."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def seed(*, publisher, by):
    """Create the demo opportunities for ``publisher`` and the questions, follows and
    partner listings on them; returns the opportunities by title."""
    categories = {c.name: c for c in ServiceCategory.objects.all()}
    wards = {w.name: w for w in Ward.objects.all()}
    codes = {c.code: c for c in CpvCode.objects.all()}
    existing = {o.title: o for o in Opportunity.objects.filter(publisher=publisher)}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    today = timezone.localdate(now)
    created = {}
    for title, summary, category, (
        low,
        high,
    ), procedure, cpv, ward_names, small, state, days, lots in OPPORTUNITIES:
        if title in existing:
            created[title] = existing[title]
            continue
        if state in {"open", "draft"}:
            deadline = _noon(today + timedelta(days=days))
            published = now - timedelta(days=max(0, 84 - days)) if state == "open" else None
        else:
            deadline = _noon(today - timedelta(days=days))
            published = deadline - timedelta(days=84)
        opportunity = actions.create_draft(
            publisher=publisher,
            by=by,
            title=title,
            summary=summary,
            description=f"{summary}\n\n## What we want\n\n- a service that people trust\n"
            "- clear outcomes agreed with the people who use it\n- partnership with local groups",
            category=categories[category],
            value_low=Decimal(low),
            value_high=Decimal(high),
            procedure=procedure,
            cpv_codes=[codes[c] for c in cpv if c in codes],
            citywide=ward_names is None,
            wards=[wards[n] for n in ward_names or []],
            suitable_for_small=small,
            clarification_deadline=_noon(
                timezone.localdate(deadline) - timedelta(days=min(14, max(1, days // 3)))
            ),
            submission_deadline=deadline,
            short_window_reason=(
                "The current contract ends soon and the service must not stop."
                if published and deadline - published < timedelta(weeks=12)
                else ""
            ),
            contract_start=(deadline + timedelta(days=90)).date(),
            duration_months=36,
            extension_options="up to 2 further years",
            contact_name=C,
            contact_email="commissioning@example.org",
            lots=[{"title": name, "max_awards": awards} for name, awards in lots],
        )
        if published is not None:
            actions.publish(opportunity=opportunity, by=by, now=published)
        if state == "awarded":
            actions.record_award(opportunity=opportunity, at=deadline + timedelta(days=30))
        if state == "cancelled":
            actions.cancel(
                opportunity=opportunity,
                by=by,
                reason="The budget for this service has been withdrawn for this year.",
            )
        created[title] = opportunity
    organisations = {o.name: o for o in Organisation.objects.all()}
    _seed_questions(created, organisations, by=by)
    _seed_follows(created, organisations, now=now)
    _seed_partner_board(created, organisations)
    return created


# --- Questions, follows and the partner board ---------------------------------------
#
# Written straight to the tables rather than through the actions: the actions
# stamp everything "now" and email followers and partners, while the demo needs
# a history (questions asked weeks ago, some on opportunities that have since
# closed) and must not send mail. Every moment is a number of days after the
# opportunity was published, so each row respects the rules: questions before
# the deadline for questions, answers after them, nothing on drafts.

# fmt: off
# opportunity title, asking organisation, day asked, question, (days to answer, answer) or None
QUESTIONS = [
    ("Supporting People: housing-related support for young people", "West Midlands Homeless Partnership", 2,
     "Will TUPE apply to staff working on the current contracts? If so, when will you share the staff information so that we can price the transfer?",
     (3, "We expect TUPE to apply to some staff on the current contracts. We have asked the current providers for anonymised information about those staff: roles, hours, pay, pension and length of service. We will add it to the tender documents as an amendment, and everyone following this opportunity will be told. Please take your own advice on TUPE; the information is provided in good faith but we cannot guarantee it.")),
    ("Supporting People: housing-related support for young people", "Castle Vale Community Housing", 4,
     "Can we bid for both lots, and can one organisation win both?",
     (3, "Yes. You can bid for one lot or both, and each lot is evaluated separately. Up to two organisations will be awarded each lot, and the same organisation may win both. If you bid for both, please answer the questions separately for each lot so we can score them on their own.")),
    ("Supporting People: housing-related support for young people", "Aston Young Voices", 12,
     "Care leavers are mentioned in both lots. If a young person moves from the north of the city to the south during their support, which lot's provider keeps working with them?",
     None),
    ("Supporting People: support for people with mental health needs", "Erdington Mental Health Forum", 6,
     "Do you accept bids from a consortium of small organisations? We would like to bid with two other local mental health groups.",
     (4, "Yes, consortium bids are welcome. One organisation must be named as the lead: it signs the contract with the council, is responsible for the whole service and pays its partners. Tell us in your bid who the partners are and what each of them will deliver. Once bids close, a consortium cannot change its members without our agreement.")),
    ("Supporting People: support for people with mental health needs", "Harborne Counselling Collective", 15,
     "What evidence of social value are you looking for, and how much is it worth in the scoring?",
     (5, "Social value is worth 20% of the marks; quality is 60% and price 20%. Tell us what your organisation will do for Birmingham beyond the service itself, for example jobs and volunteering for local people, paying the Real Living Wage or buying from local suppliers. Give numbers you can commit to and say how you will report them. Commitments we can measure score higher than general statements.")),
    ("Community lunch clubs for older people", "Ladywood Lunch Club", 10,
     "What insurance do we need? We are run by volunteers and have public liability cover of £2 million.",
     (2, "For this pilot, public liability cover of £2 million is enough. If you employ any paid staff you must also have employer's liability cover of at least £5 million, which the law requires. You do not need professional indemnity insurance for a lunch club.")),
    ("Community lunch clubs for older people", "Hall Green Asian Elders", 60,
     "Can the money pay for halal and vegetarian meals bought in from a local caterer, or must the food be cooked on site?",
     None),
    ("Holiday activities and food programme", "Shard End Youth Boxing", 5,
     "Can we bid for the summer lot only? We do not have the staff to run sessions at Easter and Christmas as well.",
     (2, "Yes. Each holiday is a separate lot and you can bid for one, two or all three. Up to 20 organisations will be funded for the summer, and up to 10 each for Easter and Christmas.")),
    ("Holiday activities and food programme", "Alum Rock Sports Foundation", 12,
     "What safeguarding training do our coaches and volunteers need?",
     (3, "Everyone working with children must have had safeguarding training in the last three years. Session leads need level 2 or equivalent, and each provider needs a designated safeguarding lead trained to level 3. Anyone in regulated activity needs an enhanced DBS check with a barred list check. The Birmingham Safeguarding Children Partnership runs free training for voluntary groups.")),
    ("Employment support for disabled people", "Digbeth Employment Hub", 20,
     "How long is the mobilisation period between award and the start of the contract?",
     (5, "There will be about three months between the award and the start of the contract. In the first fortnight we will meet the successful provider to agree a mobilisation plan, including how people supported by the current service are handed over.")),
    ("Carers' support service", "Handsworth Carers Network", 8,
     "Do we have to pay our staff the Real Living Wage, and should our prices include it?",
     (4, "Yes. The council expects everyone working on its contracts, including subcontractors' staff, to be paid at least the Real Living Wage set by the Living Wage Foundation, so please price your bid on that basis. It does not apply to volunteers, whose expenses should be shown separately.")),
    ("Integrated sexual health service", "Brum Care Services Ltd", 14,
     "Will TUPE apply to NHS staff on the current service, and will they keep their NHS pension?",
     (6, "Yes. TUPE will apply, and staff transferring from NHS employers keep access to the NHS Pension Scheme under the New Fair Deal. The new provider will need to apply for an NHS Pension direction. The employer contribution rate is in the pricing schedule.")),
    ("Integrated sexual health service", "Birmingham Sickle Cell Support", 30,
     "We are a small charity and could not deliver the whole service. Could we take part as a subcontractor delivering outreach?",
     (5, "Yes. Bidders may use subcontractors and we would welcome specialist community organisations delivering outreach. The lead provider must name its subcontractors in the bid and pay them within 30 days. Organisations looking for a lead can use the partner board on this opportunity.")),
    ("Advocacy for adults with learning disabilities", "Stechford Learning Disability Partnership", 25,
     "We also provide supported living. Can we still bid for the advocacy service?",
     (4, "Yes, but the advocacy must be independent of any care or support you provide to the same people. Tell us how you will keep the two apart, for example separate management, premises and referral routes, and how a person you house would be offered an advocate from another organisation if they wished.")),
]

# organisation, opportunity title, day it started following
FOLLOWS = [
    ("Ladywood Lunch Club", "Community lunch clubs for older people", 2),
    ("Ladywood Lunch Club", "Early years out-of-school support", 5),
    ("West Midlands Homeless Partnership", "Supporting People: housing-related support for young people", 1),
    ("West Midlands Homeless Partnership", "Supporting People: support for people with mental health needs", 2),
    ("Handsworth Carers Network", "Carers' support service", 1),
    ("Handsworth Carers Network", "Young carers' groups in the north of the city", 10),
    ("Erdington Mental Health Forum", "Supporting People: support for people with mental health needs", 3),
    ("Erdington Mental Health Forum", "Men's mental health peer support", 7),
    ("Shard End Youth Boxing", "Holiday activities and food programme", 4),
    ("Digbeth Employment Hub", "Employment support for disabled people", 1),
]

# opportunity title, organisation, role, day listed, what it brings and seeks
PARTNER_LISTINGS = [
    ("Supporting People: housing-related support for young people", "West Midlands Homeless Partnership", PartnerRole.LEAD, 3,
     "We intend to lead a bid for both lots. We bring 20 years of supported housing, an audited quality system and the finance team to manage a contract of this size. We are looking for small organisations rooted in their communities, especially youth groups and groups working with care leavers, to deliver part of the support, paid at full cost."),
    ("Supporting People: housing-related support for young people", "Aston Young Voices", PartnerRole.SUBCONTRACTOR, 6,
     "We run youth groups and peer mentoring in Aston and Newtown with three youth workers and twelve volunteers. We could deliver mentoring and group activities for young people in the north and east lot as a subcontractor. We cannot hold a contract this size ourselves."),
    ("Supporting People: domestic abuse refuge and outreach", "Heartlands Domestic Abuse Service", PartnerRole.LEAD, 30,
     "We run refuge places across the city and will lead a bid. We want partners who can deliver community outreach in languages other than English, and a specialist service for LGBT+ survivors."),
    ("Supporting People: domestic abuse refuge and outreach", "Sparkbrook Women's Centre", PartnerRole.PARTNER, 35,
     "Specialist domestic abuse caseworkers speaking Urdu, Punjabi and Somali, and a weekly drop-in in Sparkbrook. We would like to join a consortium as the outreach partner rather than lead."),
    ("Holiday activities and food programme", "Nechells Community Food Co-op", PartnerRole.SUBCONTRACTOR, 6,
     "We can cook and deliver healthy meals for up to 300 children a day in the north and east of the city, from our kitchen and cold store in Nechells. We are looking for activity providers who need a food partner for the summer lot."),
    ("Holiday activities and food programme", "Shard End Youth Boxing", PartnerRole.LEAD, 9,
     "We will bid for the summer lot in Shard End and Hodge Hill. We need a partner to provide the meals, and another to run arts or music sessions for younger children."),
    ("Carers' support service", "Handsworth Carers Network", PartnerRole.LEAD, 5,
     "We support 900 carers in the north-west of the city and will lead a citywide bid. We are looking for partners with links to carers in South Asian, African-Caribbean and Eastern European communities, and a partner to run young carers' groups."),
    ("Employment support for disabled people", "Digbeth Employment Hub", PartnerRole.LEAD, 8,
     "A social enterprise with ten years of job coaching and links with over 200 local employers. We will lead a bid and want partners who specialise in supporting people with learning disabilities, autistic people and Deaf people into work."),
    ("Employment support for disabled people", "Midlands Autism Alliance", PartnerRole.PARTNER, 14,
     "Clinical expertise in autism and a training academy. We can train job coaches and deliver in-work support for autistic adults. We are looking for a lead with strong links to employers."),
]

# opportunity title, listing organisation, organisation writing, days after the listing, message
PARTNER_CONTACTS = [
    ("Supporting People: housing-related support for young people", "West Midlands Homeless Partnership", "Aston Young Voices", 2,
     "We would like to talk about joining your bid for the north and east lot. We run peer mentoring for 16 to 19 year olds in Aston and Newtown and could take referrals from your support workers. Could we meet in the next fortnight?"),
    ("Supporting People: domestic abuse refuge and outreach", "Sparkbrook Women's Centre", "Heartlands Domestic Abuse Service", 4,
     "Thank you for your listing: your caseworkers' languages are exactly the gap in our outreach plan. Could your director meet ours next week to talk about a partnership agreement and how we would share the budget?"),
]
# fmt: on


def _once(model, lookup, *, timestamps, **fields):
    """The row matching ``lookup``, created with ``fields`` if there is none.

    ``timestamps`` are written after creating, since ``auto_now_add`` would
    otherwise stamp them now.
    """
    row = model.objects.filter(**lookup).order_by("pk").first()
    if row is None:
        row = model.objects.create(**lookup, **fields)
        model.objects.filter(pk=row.pk).update(**timestamps)
        for name, value in timestamps.items():
            setattr(row, name, value)
    return row


def _member(organisation):
    """Who acts for a demo organisation: the person who registered it."""
    return Membership.objects.filter(organisation=organisation).order_by("pk").first().user


def _after_publication(opportunity, days):
    return opportunity.published_at + timedelta(days=days)


def _seed_questions(opportunities, organisations, *, by):
    """Clarification questions, answered by ``by`` except those left for the demo."""
    for title, asker, day, text, answered in QUESTIONS:
        opportunity, organisation = opportunities[title], organisations[asker]
        asked_at = _after_publication(opportunity, day)
        days_to_answer, answer = answered or (0, "")
        _once(
            Question,
            {"opportunity": opportunity, "text": text},
            timestamps={"asked_at": asked_at},
            organisation=organisation,
            asked_by=_member(organisation),
            answer=answer,
            answered_at=asked_at + timedelta(days=days_to_answer) if answer else None,
            answered_by=by if answer else None,
        )


def _seed_follows(opportunities, organisations, *, now):
    """Follows; reminders whose moment has passed are marked sent, as the job would have."""
    for name, title, day in FOLLOWS:
        opportunity = opportunities[title]
        followed_at = _after_publication(opportunity, day)
        reminded = {}
        for days, field in DEADLINE_REMINDERS.items():
            moment = opportunity.submission_deadline - timedelta(days=days)
            if followed_at <= moment <= now:
                reminded[field] = moment
        _once(
            Follow,
            {"opportunity": opportunity, "organisation": organisations[name]},
            timestamps={"created_at": followed_at},
            **reminded,
        )


def _seed_partner_board(opportunities, organisations):
    """Partner listings on open opportunities and a few contact requests between them."""
    listings = {}
    for title, name, role, day, message in PARTNER_LISTINGS:
        opportunity, organisation = opportunities[title], organisations[name]
        listings[title, name] = _once(
            PartnerListing,
            {"opportunity": opportunity, "organisation": organisation},
            timestamps={"created_at": _after_publication(opportunity, day)},
            role=role,
            message=message,
            created_by=_member(organisation),
        )
    for title, listed, name, days, message in PARTNER_CONTACTS:
        listing, organisation = listings[title, listed], organisations[name]
        _once(
            PartnerContact,
            {"listing": listing, "organisation": organisation},
            timestamps={"sent_at": listing.created_at + timedelta(days=days)},
            sent_by=_member(organisation),
            message=message,
        )

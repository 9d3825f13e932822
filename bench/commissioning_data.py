"""A reproducible commissioning cycle at scale, on top of ``bench/dataset.py``'s data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/commissioning_data.py --size 100000 [--reuse]

Connects to (``--reuse``) or makes and fills (``bench/dataset.py``, ``--size``
opportunities, a tenth as many organisations) the search dataset's database,
then adds with ``bulk_create``, seeded: a commissioner for each publisher,
projects in every phase with their moves, outcomes and co-production partners,
pipeline items (over ten years and the next two; some published as one of the
dataset's opportunities, some withdrawn, some followed), contracts of every kind
led by the dataset's organisations (its mix of legal forms and income bands),
some with consortium members or subcontractors, KPIs with returns and ratings,
pledges with social value returns whose lines are by ward, engagement events
with registrations and waiting lists, and decommissionings (most with notice
given, some ending their contract early). Skipped when the database already has
contracts. Actions are skipped for speed, as ``dataset.py`` does: rows are
written as the actions would leave them.
"""

import argparse
import math
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from commissioning.models import (  # noqa: E402
    Contract,
    ContractKind,
    ContractSupplier,
    CoProductionPartner,
    Decommissioning,
    DecommissioningKind,
    DecommissioningNotice,
    EngagementEvent,
    EventKind,
    Frequency,
    Kpi,
    KpiReturn,
    Outcome,
    PerformanceRating,
    Phase,
    PhaseMove,
    PipelineFollow,
    PipelineItem,
    Pledge,
    Project,
    Rating,
    Registration,
    SocialValueLine,
    SocialValueReturn,
    SupplierRole,
)
from commissioning.models.performance import MONTHS_IN_PERIOD  # noqa: E402
from opportunities.models import Opportunity  # noqa: E402
from organisations.models import Membership, MembershipRole, Organisation, Ward  # noqa: E402

BATCH = 2000
YEARS = dataset.YEARS
SIZES = {
    "projects": 10_000,
    "pipeline": 100_000,
    "contracts": 100_000,
    "events": 5_000,
    "decommissionings": 3_000,
}
CITYWIDE_SHARE = 0.15
# Of the pipeline items whose quarter has passed: published as an opportunity,
# withdrawn, and the rest still waiting (overdue); of those to come, withdrawn.
PUBLISHED_SHARE = 0.7
PAST_WITHDRAWN_SHARE = 0.15
WITHDRAWN_SHARE = 0.03
FOLLOWED_SHARE = 0.1
CONSORTIUM_SHARE = 0.2
SUBCONTRACTOR_SHARE = 0.05
KPI_SHARE = 0.3
PLEDGE_SHARE = 1 / 3
PERIODS_KEPT = 6  # returns and ratings for at most the latest six periods
KINDS = [
    (ContractKind.CONTRACT, 0.5),
    (ContractKind.GRANT, 0.25),
    (ContractKind.SERVICE_LEVEL_AGREEMENT, 0.15),
    (ContractKind.PARTNERSHIP_AGREEMENT, 0.1),
]
KPI_NAMES = [
    ("People supported", "people", True),
    ("Sessions delivered", "sessions", True),
    ("Service users reporting improved wellbeing", "%", True),
    ("Average wait from referral", "days", False),
    ("Volunteer hours", "hours", True),
]
PLEDGES = [
    ("Local people employed", "jobs"),
    ("Apprenticeships started", "apprenticeships"),
    ("Volunteering hours given", "hours"),
    ("Spend with local suppliers", "£"),
]
RATINGS = [Rating.GOOD] * 5 + [Rating.APPROACHING] * 3 + [Rating.REQUIRES_IMPROVEMENT] * 2
RATINGS += [Rating.INADEQUATE]


def _batches(count):
    for start in range(0, count, BATCH):
        yield range(start, min(start + BATCH, count))


def _money(rng, low, high):
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    return Decimal(round(value / 100) * 100)


def _months_later(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def _at(day):
    """Noon on ``day``, in the portal's time zone."""
    return timezone.make_aware(datetime.combine(day, dtime(12)))


def _wards(rng, wards):
    return [] if rng.random() < CITYWIDE_SHARE else rng.sample(wards, rng.randint(1, 3))


def _set_wards(model, rows, ward_lists, field="wards"):
    """Bulk-create the ``field`` many-to-many rows: ``ward_lists[i]`` for ``rows[i]``."""
    through = getattr(model, field).through
    own = f"{model._meta.model_name}_id"
    through.objects.bulk_create(
        (
            through(**{own: row.pk, "ward_id": ward})
            for row, wards in zip(rows, ward_lists, strict=True)
            for ward, *_rest in wards
        ),
        batch_size=BATCH * 3,
    )


class Context:
    """What the dataset already holds: wards, categories, publishers and the rest."""

    def __init__(self, rng, text, now):
        self.rng, self.text, self.now, self.today = rng, text, now, timezone.localdate(now)
        self.wards = list(Ward.objects.order_by("pk").values_list("pk", "name"))
        self.categories = dataset._categories()
        self.publishers = list(
            Organisation.objects.filter(publishing_allowed_at__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.suppliers = list(
            Organisation.objects.filter(publishing_allowed_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.commissioners = {}  # publisher → its commissioner's user pk
        self.members = {}  # other organisation → its member's user pk
        self.leads = {}  # contract → its lead supplier
        self.projects = {}  # publisher → project pks

    def title(self):
        return self.text.title(self.rng.choice(self.wards)[1])


def _admins(ctx, organisations, who):
    """An admin member of each organisation, ``<who><pk>@bench.example``; ``{org: user}``."""
    users = User.objects.bulk_create(
        (
            User(
                email=f"{who}{pk}@bench.example",
                full_name=f"{who.title()} {pk}",
                password="!",  # unusable: nobody signs in as a bench user
                email_confirmed_at=ctx.now,
            )
            for pk in organisations
        ),
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        (
            Membership(organisation_id=pk, user=user, role=MembershipRole.ADMIN)
            for pk, user in zip(organisations, users, strict=True)
        ),
        batch_size=BATCH,
    )
    return {pk: user.pk for pk, user in zip(organisations, users, strict=True)}


def make_people(ctx):
    """A commissioner for each publisher and a member for every other organisation."""
    ctx.commissioners = _admins(ctx, ctx.publishers, "commissioner")
    ctx.members = _admins(ctx, ctx.suppliers, "member")


PHASES = [Phase.ANALYSE, Phase.PLAN, Phase.DO, Phase.REVIEW]


def make_projects(ctx, count):
    """Projects spread over the four phases, each with the moves that brought it there."""
    rng = ctx.rng
    for numbers in _batches(count):
        rows, wards, phases = [], [], []
        for n in numbers:
            publisher = rng.choice(ctx.publishers)
            phase = rng.choice(PHASES)
            rows.append(
                Project(
                    reference=f"PRJ-B-{n:06d}",
                    publisher_id=publisher,
                    lead_commissioner_id=ctx.commissioners[publisher],
                    title=ctx.title(),
                    summary=ctx.text.summary(),
                    category_id=rng.choice(ctx.categories),
                    citywide=False,
                    budget=_money(rng, 10_000, 5_000_000) if rng.random() < 0.8 else None,
                    needs_assessment="" if phase == Phase.ANALYSE else ctx.text.description()[0],
                    phase=phase,
                    created_by_id=ctx.commissioners[publisher],
                )
            )
            wards.append(_wards(rng, ctx.wards))
            rows[-1].citywide = not wards[-1]
            phases.append(PHASES.index(phase))
        rows = Project.objects.bulk_create(rows)
        _set_wards(Project, rows, wards)
        moves, outcomes, partners = [], [], []
        for project, steps in zip(rows, phases, strict=True):
            ctx.projects.setdefault(project.publisher_id, []).append(project.pk)
            at = ctx.now - timedelta(days=rng.uniform(30 * (steps + 1), 365 * 3))
            for step in range(steps):
                at += timedelta(days=rng.uniform(7, 90))
                moves.append(
                    PhaseMove(
                        project=project,
                        from_phase=PHASES[step],
                        to_phase=PHASES[step + 1],
                        moved_at=min(at, ctx.now),
                        moved_by_id=project.lead_commissioner_id,
                    )
                )
            if steps >= 1:
                for _ in range(rng.randint(1, 3)):
                    outcomes.append(
                        Outcome(project=project, description=rng.choice(ctx.text.sentences)[:500])
                    )
            for org in rng.sample(ctx.suppliers, rng.randint(0, 3)):
                partners.append(
                    CoProductionPartner(
                        project=project,
                        organisation_id=org,
                        kind=rng.choice(CoProductionPartner.Kind.values),
                        added_by_id=project.lead_commissioner_id,
                    )
                )
        PhaseMove.objects.bulk_create(moves)
        Outcome.objects.bulk_create(outcomes)
        CoProductionPartner.objects.bulk_create(partners)


def _project_of(ctx, publisher, share=0.3):
    projects = ctx.projects.get(publisher)
    return ctx.rng.choice(projects) if projects and ctx.rng.random() < share else None


def make_pipeline(ctx, count):
    """Items from ten years ago to two years ahead; a share of the past ones published
    as one of the dataset's opportunities (each at most once), some withdrawn."""
    rng = ctx.rng
    year_now = ctx.today.year
    quarter_now = (ctx.today.month - 1) // 3 + 1
    published = list(
        Opportunity.objects.filter(published_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "published_at")
    )
    rng.shuffle(published)
    for numbers in _batches(count):
        rows, wards = [], []
        for n in numbers:
            publisher = rng.choice(ctx.publishers)
            year = rng.randint(year_now - YEARS + 1, year_now + 2)
            quarter = rng.randint(1, 4)
            past = (year, quarter) < (year_now, quarter_now)
            opportunity, published_at = (
                published.pop()
                if past and published and rng.random() < PUBLISHED_SHARE
                else (None, None)
            )
            withdrawn = opportunity is None and rng.random() < (
                PAST_WITHDRAWN_SHARE / (1 - PUBLISHED_SHARE) if past else WITHDRAWN_SHARE
            )
            wards.append(_wards(rng, ctx.wards))
            rows.append(
                PipelineItem(
                    reference=f"PIP-B-{n:06d}",
                    publisher_id=publisher,
                    project_id=_project_of(ctx, publisher),
                    title=ctx.title(),
                    summary=ctx.text.summary(),
                    category_id=rng.choice(ctx.categories),
                    estimated_value=_money(rng, 5_000, 5_000_000),
                    expected_year=year,
                    expected_quarter=quarter,
                    citywide=not wards[-1],
                    contact_name="Commissioning team",
                    contact_email="commissioning@example.org",
                    created_by_id=ctx.commissioners[publisher],
                    opportunity_id=opportunity,
                    published_at=published_at,
                    withdrawn_at=ctx.now - timedelta(days=rng.uniform(1, 700))
                    if withdrawn
                    else None,
                    withdrawal_reason="The need is now met another way." if withdrawn else "",
                )
            )
        rows = PipelineItem.objects.bulk_create(rows)
        _set_wards(PipelineItem, rows, wards)
        PipelineFollow.objects.bulk_create(
            PipelineFollow(item=item, organisation_id=org, created_by_id=ctx.members[org])
            for item in rows
            if item.withdrawn_at is None and rng.random() < FOLLOWED_SHARE
            for org in rng.sample(ctx.suppliers, rng.randint(1, 3))
        )


def _kind(rng):
    roll, total = rng.random(), 0.0
    for kind, share in KINDS:
        total += share
        if roll < total:
            return kind
    return KINDS[0][0]


def make_contracts(ctx, count):
    """Contracts started over ten years, each with its lead supplier and sometimes a
    consortium; KPIs, returns and ratings on some, pledges and returns on others."""
    rng = ctx.rng
    awarded = list(
        Opportunity.objects.filter(awarded_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for numbers in _batches(count):
        rows, wards = [], []
        for n in numbers:
            publisher = rng.choice(ctx.publishers)
            kind = _kind(rng)
            starts_on = ctx.today - timedelta(days=rng.randrange(-60, YEARS * 365))
            from_tender = kind == ContractKind.CONTRACT and awarded and rng.random() < 0.5
            wards.append(_wards(rng, ctx.wards))
            rows.append(
                Contract(
                    reference=f"CON-{starts_on.year}-{n:06d}",
                    kind=kind,
                    publisher_id=publisher,
                    project_id=_project_of(ctx, publisher),
                    opportunity_id=rng.choice(awarded) if from_tender else None,
                    title=ctx.title(),
                    description=ctx.text.summary(),
                    category_id=rng.choice(ctx.categories),
                    citywide=not wards[-1],
                    value=_money(rng, 2_000, 5_000_000),
                    starts_on=starts_on,
                    ends_on=_months_later(starts_on, rng.choice([6, 12, 24, 36, 60])),
                    extension_options="Up to two further years" if rng.random() < 0.3 else "",
                    created_by_id=ctx.commissioners[publisher],
                )
            )
        rows = Contract.objects.bulk_create(rows)
        _set_wards(Contract, rows, wards)
        _suppliers(ctx, rows)
        _performance(ctx, [c for c in rows if rng.random() < KPI_SHARE])
        _social_value(ctx, [c for c in rows if rng.random() < PLEDGE_SHARE])


def _suppliers(ctx, contracts):
    rng, made = ctx.rng, []
    for contract in contracts:
        members = 1
        if rng.random() < CONSORTIUM_SHARE:
            members += rng.randint(1, 3)
        subcontractor = rng.random() < SUBCONTRACTOR_SHARE
        orgs = rng.sample(ctx.suppliers, members + subcontractor)
        ctx.leads[contract.pk] = orgs[0]
        roles = [SupplierRole.LEAD] + [SupplierRole.PARTNER] * (members - 1)
        roles += [SupplierRole.SUBCONTRACTOR] * subcontractor
        made += [
            ContractSupplier(
                contract=contract, organisation_id=org, role=role, joined_on=contract.starts_on
            )
            for org, role in zip(orgs, roles, strict=True)
        ]
    ContractSupplier.objects.bulk_create(made, batch_size=BATCH * 2)


def _periods(contract, months, today):
    """The latest PERIODS_KEPT period starts of the contract that have ended by today."""
    starts, start = [], contract.starts_on
    while True:
        end = _months_later(start, months)
        if end > min(today, contract.ends_on):
            break
        starts.append((start, end - timedelta(days=1)))
        start = end
    return starts[-PERIODS_KEPT:]


def _performance(ctx, contracts):
    rng, now = ctx.rng, ctx.now
    kpis, ratings = [], []
    for contract in contracts:
        for name, unit, higher in rng.sample(KPI_NAMES, rng.randint(1, 3)):
            kpis.append(
                Kpi(
                    contract=contract,
                    name=name,
                    target=Decimal(rng.randint(10, 500)),
                    unit=unit,
                    higher_is_better=higher,
                    frequency=rng.choice(
                        [Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.QUARTERLY]
                    ),
                )
            )
        for start, end in _periods(contract, 3, ctx.today):
            if rng.random() < 0.8:
                ratings.append(
                    PerformanceRating(
                        contract=contract,
                        period_start=start,
                        period_end=end,
                        rating=rng.choice(RATINGS),
                        comment="Discussed at the quarterly review.",
                        rated_at=min(ctx.now, _at(end + timedelta(days=30))),
                        rated_by_id=ctx.commissioners[contract.publisher_id],
                    )
                )
    kpis = Kpi.objects.bulk_create(kpis, batch_size=BATCH * 2)
    returns = []
    for kpi in kpis:
        for start, end in _periods(kpi.contract, MONTHS_IN_PERIOD[kpi.frequency], ctx.today):
            if rng.random() < 0.9:
                late = rng.random() < 0.1
                due = end + timedelta(days=kpi.days_to_report)
                submitted = due + timedelta(
                    days=rng.randint(1, 30) if late else -rng.randint(0, 15)
                )
                returns.append(
                    KpiReturn(
                        kpi=kpi,
                        period_start=start,
                        value=kpi.target * Decimal(rng.uniform(0.6, 1.3)).quantize(Decimal("0.01")),
                        commentary="",
                        submitted_at=min(now, _at(submitted)),
                        submitted_by_id=ctx.members[ctx.leads[kpi.contract_id]],
                        late=late,
                    )
                )
    KpiReturn.objects.bulk_create(returns, batch_size=BATCH * 2)
    PerformanceRating.objects.bulk_create(ratings, batch_size=BATCH * 2)


DISTRICTS = [f"B{n}" for n in range(1, 49)]


def _social_value(ctx, contracts):
    """1–3 pledges each; a return a year for the years started, with lines in 1–4 wards."""
    rng = ctx.rng
    pledges, pledge_wards = [], []
    for contract in contracts:
        for measure, unit in rng.sample(PLEDGES, rng.randint(1, 3)):
            pledges.append(
                Pledge(
                    contract=contract,
                    measure=measure,
                    quantity=Decimal(rng.randint(5, 200)),
                    unit=unit,
                )
            )
            pledge_wards.append(_wards(rng, ctx.wards))
            pledges[-1].citywide = not pledge_wards[-1]
    pledges = Pledge.objects.bulk_create(pledges, batch_size=BATCH * 2)
    _set_wards(Pledge, pledges, pledge_wards)
    returns, wards_of_return = [], []
    for pledge, wards in zip(pledges, pledge_wards, strict=True):
        for start, end in _periods(pledge.contract, 12, ctx.today)[-3:]:
            returns.append(
                SocialValueReturn(
                    pledge=pledge,
                    period_start=start,
                    period_end=end,
                    description="Delivered as pledged.",
                    submitted_at=min(ctx.now, _at(end + timedelta(days=20))),
                    submitted_by_id=ctx.members[ctx.leads[pledge.contract_id]],
                )
            )
            wards_of_return.append(wards or ctx.wards)
    returns = SocialValueReturn.objects.bulk_create(returns, batch_size=BATCH * 2)
    SocialValueLine.objects.bulk_create(
        (
            SocialValueLine(
                social_value_return=svr,
                ward_id=ward,
                postcode_district=rng.choice(DISTRICTS),
                quantity=Decimal(rng.randint(1, 40)),
            )
            for svr, wards in zip(returns, wards_of_return, strict=True)
            for ward, *_rest in rng.sample(wards, min(len(wards), rng.randint(1, 4)))
        ),
        batch_size=BATCH * 3,
    )


def make_events(ctx, count):
    """Events over the last three years and the next six months, in a place or online;
    registrations up to a little over capacity (the rest on the waiting list)."""
    rng = ctx.rng
    for numbers in _batches(count):
        rows = []
        for _n in numbers:
            publisher = rng.choice(ctx.publishers)
            starts = ctx.now + timedelta(days=rng.uniform(-3 * 365, 180), hours=rng.randint(0, 8))
            online = rng.random() < 0.4
            ends = starts + timedelta(hours=rng.randint(1, 4))
            changed = ends + timedelta(days=7) < ctx.now and rng.random() < 0.3
            rows.append(
                EngagementEvent(
                    project_id=_project_of(ctx, publisher, share=0.5),
                    publisher_id=publisher,
                    kind=rng.choice(EventKind.values),
                    title=ctx.title(),
                    description=ctx.text.summary(),
                    starts_at=starts,
                    ends_at=ends,
                    online=online,
                    venue="" if online else f"{rng.choice(ctx.wards)[1]} Community Centre",
                    joining_details="A link is sent the day before." if online else "",
                    capacity=rng.randint(10, 120),
                    accessibility="Step-free access; hearing loop.",
                    contact_email="engagement@example.org",
                    created_by_id=ctx.commissioners[publisher],
                    cancelled_at=starts - timedelta(days=3) if rng.random() < 0.03 else None,
                    what_changed="The specification now asks for evening sessions."
                    if changed
                    else "",
                    what_changed_at=ends + timedelta(days=7) if changed else None,
                    what_changed_by_id=ctx.commissioners[publisher] if changed else None,
                )
            )
        rows = EngagementEvent.objects.bulk_create(rows)
        registrations = []
        for event in rows:
            taken = rng.randint(0, int(event.capacity * 1.2))
            opened = event.starts_at - timedelta(days=60)
            for i, org in enumerate(rng.choices(ctx.suppliers, k=taken)):
                at = opened + timedelta(minutes=i * 30)
                registrations.append(
                    Registration(
                        event=event,
                        organisation_id=org,
                        attendee_name=f"Attendee {i}",
                        attendee_email=f"attendee{event.pk}-{i}@bench.example",
                        registered_at=at,
                        registered_by_id=ctx.members[org],
                        place_confirmed_at=at if i < event.capacity else None,
                        cancelled_at=at + timedelta(days=1) if rng.random() < 0.05 else None,
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=BATCH * 3)


def make_decommissionings(ctx, count):
    """Plans for ``count`` distinct contracts still running or recently ended; four in
    five with notice given (a short notice with its reason); an ended contract's
    ``ended_on`` set when the plan ended it early."""
    rng = ctx.rng
    since = ctx.today - timedelta(days=2 * 365)
    candidates = list(
        Contract.objects.filter(ends_on__gte=since, starts_on__lte=ctx.today)
        .order_by("pk")
        .values_list("pk", "publisher_id", "starts_on", "ends_on")
    )
    chosen = rng.sample(candidates, min(count, len(candidates)))
    plans, ended = [], []
    for pk, publisher, starts_on, ends_on in chosen:
        kind = rng.choice(DecommissioningKind.values)
        takes_effect = ends_on if kind == DecommissioningKind.NOT_RENEW else None
        if takes_effect is None:
            takes_effect = starts_on + (ends_on - starts_on) * rng.uniform(0.3, 0.95)
        noticed = rng.random() < 0.8
        notice_at = _at(takes_effect - timedelta(days=rng.choice([45, 100, 120, 180])))
        short = noticed and (takes_effect - notice_at.date()).days < 92
        plans.append(
            Decommissioning(
                contract_id=pk,
                kind=kind,
                reasons="The service is being brought together with another.",
                impact_assessment="Users will move to the new service; no gap in support.",
                support="Ask the commissioning team or the local infrastructure body.",
                takes_effect_on=takes_effect,
                short_notice_reason="Funding ends at short notice." if short else "",
                created_by_id=ctx.commissioners[publisher],
                notice_given_at=min(notice_at, ctx.now) if noticed else None,
                notice_given_by_id=ctx.commissioners[publisher] if noticed else None,
            )
        )
        if noticed and kind == DecommissioningKind.END and takes_effect <= ctx.today:
            ended.append(Contract(pk=pk, ended_on=takes_effect))
    plans = Decommissioning.objects.bulk_create(plans, batch_size=BATCH)
    Contract.objects.bulk_update(ended, ["ended_on"], batch_size=BATCH)
    suppliers = {}
    for contract, org in ContractSupplier.objects.filter(
        contract__in=[p.contract_id for p in plans]
    ).values_list("contract", "organisation"):
        suppliers.setdefault(contract, []).append(org)
    Decommissioning.affected_organisations.through.objects.bulk_create(
        (
            Decommissioning.affected_organisations.through(
                decommissioning_id=plan.pk, organisation_id=org
            )
            for plan in plans
            for org in suppliers.get(plan.contract_id, [])
        ),
        batch_size=BATCH * 3,
    )
    DecommissioningNotice.objects.bulk_create(
        (
            DecommissioningNotice(
                decommissioning=plan, organisation_id=org, sent_at=plan.notice_given_at
            )
            for plan in plans
            if plan.notice_given_at
            for org in suppliers.get(plan.contract_id, [])
        ),
        batch_size=BATCH * 3,
    )


def _spread_created(now):
    """``created_at`` is set to now by bulk_create; spread it as the records' own dates."""
    statements = [
        (Project, "created_at = %s - (id %% 1095) * interval '1 day'"),
        (
            PipelineItem,
            "created_at = LEAST(%s, make_timestamptz(expected_year, expected_quarter * 3 - 2, 1,"
            " 12, 0, 0) - interval '200 days')",
        ),
        (Contract, "created_at = starts_on - interval '30 days'"),
        (EngagementEvent, "created_at = starts_at - interval '60 days'"),
        (Decommissioning, "created_at = COALESCE(notice_given_at, %s) - interval '14 days'"),
    ]
    with connection.cursor() as cursor:
        for model, assignment in statements:
            params = [now] * assignment.count("%s")
            # Both parts are this module's own constants.
            cursor.execute(f"UPDATE {model._meta.db_table} SET {assignment}", params)  # noqa: S608


def make_commissioning(*, seed=1, now=None, **sizes):
    """Fill the connected database (which has ``dataset.make_dataset``'s rows); returns
    the seconds each part took. ``sizes`` override ``SIZES``."""
    sizes = {**SIZES, **sizes}
    now = now or timezone.now()
    rng = Random(seed)
    ctx = Context(rng, dataset.Text(rng), now)
    if not ctx.publishers or not ctx.suppliers:
        raise ValueError("The database has no publishers or no other organisations: run dataset.py")
    took, started = {}, time.perf_counter()
    for name, make in [
        ("people", lambda: make_people(ctx)),
        ("projects", lambda: make_projects(ctx, sizes["projects"])),
        ("pipeline", lambda: make_pipeline(ctx, sizes["pipeline"])),
        ("contracts", lambda: make_contracts(ctx, sizes["contracts"])),
        ("events", lambda: make_events(ctx, sizes["events"])),
        ("decommissionings", lambda: make_decommissionings(ctx, sizes["decommissionings"])),
    ]:
        make()
        took[name] = time.perf_counter() - started - sum(took.values())
    if connection.vendor == "postgresql":
        _spread_created(now)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    took["total"] = time.perf_counter() - started
    return took


COUNTED = [
    Project,
    PhaseMove,
    CoProductionPartner,
    PipelineItem,
    PipelineFollow,
    Contract,
    ContractSupplier,
    Kpi,
    KpiReturn,
    PerformanceRating,
    Pledge,
    SocialValueReturn,
    SocialValueLine,
    EngagementEvent,
    Registration,
    Decommissioning,
    DecommissioningNotice,
]


def remove_commissioning():
    """Empty every commissioning table and remove the bench's users, for ``--again``."""
    tables = [t for t in connection.introspection.table_names() if t.startswith("commissioning_")]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables))
    Membership.objects.filter(user__email__endswith="@bench.example").delete()
    User.objects.filter(email__endswith="@bench.example").delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="opportunities")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    parser.add_argument(
        "--again", action="store_true", help="with --reuse: remove the rows made before, remake"
    )
    for name, default in SIZES.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")
    started = time.perf_counter()
    dataset.open_database(size=args.size, seed=args.seed, reuse=args.reuse)
    if args.again:
        removed = time.perf_counter()
        remove_commissioning()
        print(f"removed           the earlier rows in {time.perf_counter() - removed:.1f} s")
    if Contract.objects.exists():
        print("commissioning     already made; nothing to do")
        return
    took = make_commissioning(seed=args.seed, **{name: getattr(args, name) for name in SIZES})
    print("took              " + ", ".join(f"{name} {s:.1f} s" for name, s in took.items()))
    for model in COUNTED:
        print(f"{model.__name__:<22}{model.objects.count():>10,}")
    print(f"whole run         {time.perf_counter() - started:.1f} s (kept for --reuse)")


if __name__ == "__main__":
    main()

"""Factories for the commissioning records, on top of ``tests.factories``."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from commissioning.models import (
    Contract,
    ContractKind,
    ContractSupplier,
    Decommissioning,
    DecommissioningKind,
    EngagementEvent,
    EventKind,
    Kpi,
    PipelineItem,
    Pledge,
    Project,
    SupplierRole,
)
from tests.factories import (
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    UserFactory,
)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project in the analyse phase."""

    class Meta:
        model = Project

    reference = factory.Sequence(lambda n: f"PRJ-2026-{n + 1:04d}")
    publisher = factory.SubFactory(PublisherFactory)
    lead_commissioner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Day opportunities for older people {n}")
    summary = "Places to meet, eat and keep active, close to home."
    category = factory.SubFactory(ServiceCategoryFactory)
    citywide = True
    budget = Decimal("250000")


class EngagementEventFactory(factory.django.DjangoModelFactory):
    """A market day in a fortnight, in a venue, with 20 places."""

    class Meta:
        model = EngagementEvent

    publisher = factory.SubFactory(PublisherFactory)
    kind = EventKind.MARKET_DAY
    title = factory.Sequence(lambda n: f"Market day {n}")
    description = "Meet the commissioners and tell us what works."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    venue = "Council House, Victoria Square, Birmingham B1 1BB"
    capacity = 20
    accessibility = "Step-free access, hearing loop, accessible toilets."
    contact_email = "engagement@example.org"


class PipelineItemFactory(factory.django.DjangoModelFactory):
    """A planned procurement expected next year, not yet an opportunity."""

    class Meta:
        model = PipelineItem

    reference = factory.Sequence(lambda n: f"PIP-2026-{n + 1:04d}")
    publisher = factory.SubFactory(PublisherFactory)
    title = factory.Sequence(lambda n: f"Befriending service {n}")
    summary = "Volunteers visiting people who live alone."
    category = factory.SubFactory(ServiceCategoryFactory)
    estimated_value = Decimal("120000")
    expected_year = factory.LazyFunction(lambda: timezone.localdate().year + 1)
    expected_quarter = 2
    citywide = True
    contact_name = "Commissioning team"
    contact_email = "commissioning@example.org"


class ContractFactory(factory.django.DjangoModelFactory):
    """A two-year contract recorded directly, with a lead supplier (``supplier=``)."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"CON-2026-{n + 1:04d}")
    kind = ContractKind.CONTRACT
    publisher = factory.SubFactory(PublisherFactory)
    title = factory.Sequence(lambda n: f"Advice service {n}")
    category = factory.SubFactory(ServiceCategoryFactory)
    citywide = True
    value = Decimal("100000")
    starts_on = date(2026, 4, 1)
    ends_on = date(2028, 3, 31)

    @factory.post_generation
    def supplier(obj, create, extracted, **kwargs):
        if create:
            ContractSupplier.objects.create(
                contract=obj,
                organisation=extracted or OrganisationFactory(),
                role=SupplierRole.LEAD,
                joined_on=obj.starts_on,
            )


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    contract = factory.SubFactory(ContractFactory)
    name = "People supported to stay in their own homes"
    target = Decimal("100")
    unit = "people"


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    contract = factory.SubFactory(ContractFactory)
    measure = "Hours of volunteering for local groups"
    quantity = Decimal("200")
    unit = "hours"
    citywide = True


# --- decommissioning ---------------------------------------------------------


class DecommissioningFactory(factory.django.DjangoModelFactory):
    """A plan not to renew a contract at its end, notice not yet given."""

    class Meta:
        model = Decommissioning

    contract = factory.SubFactory(ContractFactory)
    kind = DecommissioningKind.NOT_RENEW
    reasons = "The service will be brought together with two others in one new contract."
    impact_assessment = "About 300 people a year use the service; they will move to the new one."
    support = "BVSC, 0121 678 8808, for advice on funding and changing services."
    takes_effect_on = factory.SelfAttribute("contract.ends_on")


# --- projects (engagement) -------------------------------------------------------------------


def registration(event, *, organisation=None, email=None, confirmed=True, **fields):
    """A registration written directly (no email), with a place unless ``confirmed=False``."""
    from commissioning.models import Registration

    now = timezone.now()
    return Registration.objects.create(
        event=event,
        organisation=organisation or OrganisationFactory(),
        attendee_name=fields.pop("attendee_name", "Sam Attendee"),
        attendee_email=email or f"attendee{Registration.objects.count() + 1}@example.org",
        registered_at=fields.pop("registered_at", now),
        place_confirmed_at=now if confirmed else None,
        **fields,
    )


# Contracts and performance ------------------------------------------------------------


def supplier_member(contract, *, role="member"):
    """A user who is a member of ``contract``'s lead supplier."""
    from tests.factories import MembershipFactory

    lead = contract.suppliers.get(role=SupplierRole.LEAD).organisation
    return MembershipFactory(organisation=lead, role=role).user


def commissioner_of(contract):
    """A commissioner of ``contract``'s publisher."""
    from tests.factories import MembershipFactory

    return MembershipFactory(organisation=contract.publisher).user


# --- spend: social value returns, postcodes -------------------------------------------


class PostcodeWardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commissioning.PostcodeWard"

    postcode = factory.Sequence(lambda n: f"B{n % 90 + 1} {n % 10}YA")
    ward = factory.SubFactory("tests.factories.WardFactory")


class SocialValueReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commissioning.SocialValueReturn"

    pledge = factory.SubFactory(PledgeFactory)
    period_start = date(2026, 4, 1)
    period_end = date(2026, 6, 30)
    description = "Volunteering sessions with local groups."
    submitted_at = factory.LazyFunction(timezone.now)


class SocialValueLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commissioning.SocialValueLine"

    social_value_return = factory.SubFactory(SocialValueReturnFactory)
    ward = factory.SubFactory("tests.factories.WardFactory")
    postcode_district = "B15"
    quantity = Decimal("1")

"""Factories for the exchange, on top of ``tests.factories``: open needs and offers."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from exchange.models import Kind, Need, Offer, Unit
from tests.factories import MembershipFactory, OrganisationFactory, WardFactory


class NeedFactory(factory.django.DjangoModelFactory):
    """20 hours of mentoring needed in a ward within two months, by a charity."""

    class Meta:
        model = Need

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Mentoring for our new treasurer {n}")
    description = "Someone to help our treasurer set up the accounts."
    why = "We took on our first paid worker and the books have grown."
    kind = Kind.MENTORING
    unit = Unit.HOURS
    quantity = Decimal("20")
    ward = factory.SubFactory(WardFactory)
    needed_by = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


class OfferFactory(factory.django.DjangoModelFactory):
    """40 hours of mentoring across the city for the next six months, by a company."""

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, legal_form="private_company")
    title = factory.Sequence(lambda n: f"Finance mentoring from our accountants {n}")
    description = "Our accountants give time to local groups."
    kind = Kind.MENTORING
    unit = Unit.HOURS
    capacity = Decimal("40")
    citywide = True
    available_from = factory.LazyFunction(timezone.localdate)
    available_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=180))

    @factory.post_generation
    def wards(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.wards.set(extracted)


def member_of(organisation):
    """A new member of ``organisation``."""
    return MembershipFactory(organisation=organisation).user

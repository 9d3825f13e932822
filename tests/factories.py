from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from opportunities.models import Opportunity, Procedure
from organisations.models import (
    Councillor,
    LegalForm,
    Membership,
    MembershipRole,
    Organisation,
    ServiceCategory,
    Ward,
)
from portal.markdown import for_storage

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ["gss_code"]

    gss_code = factory.Sequence(lambda n: f"E05{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"Ward {n}")
    slug = factory.Sequence(lambda n: f"ward-{n}")


class CouncillorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Councillor
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    full_name = factory.SelfAttribute("user.full_name")
    email = factory.SelfAttribute("user.email")

    @factory.post_generation
    def wards(obj, create, extracted, **kwargs):
        if create:
            obj.wards.set(extracted if extracted is not None else [WardFactory()])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community Group {n}")
    slug = factory.Sequence(lambda n: f"community-group-{n}")
    legal_form = LegalForm.REGISTERED_CHARITY
    description = "Runs lunch clubs and advice sessions."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")


class PublisherFactory(OrganisationFactory):
    legal_form = LegalForm.PUBLIC_BODY
    publishing_allowed_at = factory.LazyFunction(timezone.now)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A published, open opportunity with a 12-week window, unless told otherwise."""

    class Meta:
        model = Opportunity

    reference = factory.Sequence(lambda n: f"BCC-2026-{n + 1:04d}")
    publisher = factory.SubFactory(PublisherFactory)
    title = factory.Sequence(lambda n: f"Community support service {n}")
    summary = "Support for people in their own homes."
    description = "The service helps people live independently."
    # As the publishing actions store it.
    description_html = factory.LazyAttribute(lambda o: for_storage(o.description))
    category = factory.SubFactory(ServiceCategoryFactory)
    value_low = Decimal("50000")
    value_high = Decimal("50000")
    procedure = Procedure.OPEN
    citywide = True
    clarification_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(weeks=10))
    submission_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(weeks=12))
    contact_name = "Commissioning team"
    contact_email = "commissioning@example.org"
    published_at = factory.LazyFunction(timezone.now)

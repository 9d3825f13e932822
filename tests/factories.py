import factory
from django.utils import timezone

from accounts.models import User
from organisations.models import (
    Councillor,
    LegalForm,
    Membership,
    MembershipRole,
    Organisation,
    Ward,
)

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

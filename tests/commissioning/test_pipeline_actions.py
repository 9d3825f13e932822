"""Adding, changing, withdrawing, linking and following pipeline items."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commissioning.actions import pipeline as actions
from commissioning.models import PipelineFollow, PipelineItem
from opportunities.actions import publish
from tests.commissioning.factories import PipelineItemFactory, ProjectFactory
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    UserFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    return PublisherFactory()


@pytest.fixture
def officer(publisher):
    """A commissioner of ``publisher``."""
    return MembershipFactory(organisation=publisher).user


def fields(**changes):
    year, quarter = actions.current_quarter()
    values = {
        "title": "Befriending for older people",
        "summary": "Volunteers visiting people who live alone.",
        "category": ServiceCategoryFactory(),
        "estimated_value": Decimal("75000"),
        "expected_year": year + 1,
        "expected_quarter": 2,
        "contact_name": "Joanne Pryce",
        "contact_email": "joanne@example.org",
        "citywide": True,
    }
    values.update(changes)
    return values


def add(publisher, officer, **changes):
    return actions.add_item(publisher=publisher, by=officer, **fields(**changes))


# --- Adding ------------------------------------------------------------------------------


def test_an_item_gets_the_next_reference_of_the_year(publisher, officer):
    year = timezone.localdate().year

    first, second = add(publisher, officer), add(publisher, officer)

    assert (first.reference, second.reference) == (f"PIP-{year}-0001", f"PIP-{year}-0002")
    assert first.publisher == publisher and first.created_by == officer


def test_an_item_in_wards_keeps_them(publisher, officer):
    wards = [WardFactory(), WardFactory()]

    item = add(publisher, officer, citywide=False, wards=wards)

    assert set(item.wards.all()) == set(wards)


def test_a_citywide_item_keeps_no_wards(publisher, officer):
    item = add(publisher, officer, citywide=True, wards=[WardFactory()])

    assert item.citywide and not item.wards.exists()


def test_an_item_needs_wards_or_the_whole_city(publisher, officer):
    with pytest.raises(ValidationError) as refused:
        add(publisher, officer, citywide=False, wards=[])

    assert "wards" in refused.value.message_dict
    assert not PipelineItem.objects.exists()


def test_a_quarter_that_has_passed_is_refused(publisher, officer):
    year, quarter = actions.current_quarter()
    past = (year - 1, 4) if quarter == 1 else (year, quarter - 1)

    with pytest.raises(ValidationError) as refused:
        add(publisher, officer, expected_year=past[0], expected_quarter=past[1])

    assert "expected_quarter" in refused.value.message_dict


def test_this_quarter_is_accepted(publisher, officer):
    year, quarter = actions.current_quarter()

    assert add(publisher, officer, expected_year=year, expected_quarter=quarter).pk


def test_a_year_too_far_ahead_is_refused(publisher, officer):
    year, _quarter = actions.current_quarter()

    with pytest.raises(ValidationError) as refused:
        add(publisher, officer, expected_year=year + actions.YEARS_AHEAD + 1)

    assert "expected_year" in refused.value.message_dict


def test_the_project_must_be_the_publishers_own(publisher, officer):
    with pytest.raises(ValidationError) as refused:
        add(publisher, officer, project=ProjectFactory())
    assert "project" in refused.value.message_dict

    own = ProjectFactory(publisher=publisher)
    assert add(publisher, officer, project=own).project == own


def test_only_the_publishers_commissioners_add_items(publisher):
    outsiders = [
        UserFactory(),
        MembershipFactory(organisation=PublisherFactory()).user,
    ]
    for outsider in outsiders:
        with pytest.raises(PermissionError):
            add(publisher, outsider)
    # A member of an organisation that may not publish is no commissioner either.
    organisation = OrganisationFactory()
    with pytest.raises(PermissionError):
        add(organisation, MembershipFactory(organisation=organisation).user)
    assert not PipelineItem.objects.exists()


# --- Changing and withdrawing ------------------------------------------------------------


def test_changing_an_item_saves_the_fields_and_wards(publisher, officer):
    item = add(publisher, officer)
    ward = WardFactory()

    actions.update_item(
        item=item, by=officer, **fields(title="New title", citywide=False, wards=[ward])
    )

    item.refresh_from_db()
    assert item.title == "New title" and not item.citywide
    assert list(item.wards.all()) == [ward]


def test_an_item_whose_quarter_has_passed_can_still_be_corrected(publisher, officer):
    item = PipelineItemFactory(publisher=publisher, expected_year=2020, expected_quarter=1)

    actions.update_item(
        item=item, by=officer, **fields(title="Typo fixed", expected_year=2020, expected_quarter=1)
    )

    item.refresh_from_db()
    assert item.title == "Typo fixed"


def test_only_the_publishers_commissioners_change_an_item(publisher, officer):
    item = add(publisher, officer)

    with pytest.raises(PermissionError):
        actions.update_item(item=item, by=UserFactory(), **fields(title="Hijacked"))

    item.refresh_from_db()
    assert item.title == "Befriending for older people"


def test_withdrawing_keeps_the_reason_and_takes_it_off_the_public_list(publisher, officer):
    item = add(publisher, officer)

    actions.withdraw_item(item=item, by=officer, reason="  The budget was cut.  ")

    item.refresh_from_db()
    assert item.withdrawn_at is not None
    assert item.withdrawal_reason == "The budget was cut."
    assert not PipelineItem.objects.public().exists()
    assert not PipelineItem.objects.coming().exists()


def test_withdrawing_needs_a_reason(publisher, officer):
    item = add(publisher, officer)

    with pytest.raises(ValidationError):
        actions.withdraw_item(item=item, by=officer, reason="   ")

    item.refresh_from_db()
    assert item.withdrawn_at is None


def test_a_withdrawn_item_cannot_be_withdrawn_again_or_changed(publisher, officer):
    item = add(publisher, officer)
    actions.withdraw_item(item=item, by=officer, reason="No budget")

    with pytest.raises(ValueError):
        actions.withdraw_item(item=item, by=officer, reason="Again")
    with pytest.raises(ValueError):
        actions.update_item(item=item, by=officer, **fields())


def test_a_published_item_cannot_be_withdrawn(publisher, officer):
    item = PipelineItemFactory(publisher=publisher, opportunity=OpportunityFactory())

    with pytest.raises(ValueError):
        actions.withdraw_item(item=item, by=officer, reason="Changed our minds")


def test_only_the_publishers_commissioners_withdraw(publisher):
    item = PipelineItemFactory(publisher=publisher)

    with pytest.raises(PermissionError):
        actions.withdraw_item(item=item, by=UserFactory(), reason="No")


# --- Linking to the opportunity it became ------------------------------------------------


def test_an_item_links_to_one_of_the_publishers_drafts(publisher, officer):
    item = PipelineItemFactory(publisher=publisher)
    draft = OpportunityFactory(publisher=publisher, published_at=None)

    actions.link_opportunity(item=item, opportunity=draft, by=officer)

    item.refresh_from_db()
    assert item.opportunity == draft
    assert PipelineItem.objects.coming().filter(pk=item.pk).exists()  # a draft is not public
    assert not item.is_published
    assert item.published_at is None


def test_linking_a_published_opportunity_publishes_the_item(publisher, officer):
    item = PipelineItemFactory(publisher=publisher)
    opportunity = OpportunityFactory(publisher=publisher)

    actions.link_opportunity(item=item, opportunity=opportunity, by=officer)

    assert list(PipelineItem.objects.published()) == [item]
    assert not PipelineItem.objects.coming().exists()
    item.refresh_from_db()
    assert item.published_at == opportunity.published_at


def test_a_linked_draft_published_later_flips_the_item_to_published(publisher, officer):
    item = PipelineItemFactory(publisher=publisher)
    other = PipelineItemFactory(publisher=publisher)
    draft = OpportunityFactory(
        publisher=publisher, published_at=None, short_window_reason="The service must not stop."
    )
    actions.link_opportunity(item=item, opportunity=draft, by=officer)

    publish(opportunity=draft, by=officer)

    # At once: the list checks the opportunity too, before the job marks the item.
    assert list(PipelineItem.objects.coming()) == [other]
    assert list(PipelineItem.objects.published()) == [item]
    # The 15-minute job copies the date, once.
    assert actions.tell_followers() == 0
    item.refresh_from_db()
    draft.refresh_from_db()
    assert item.published_at == draft.published_at is not None
    assert actions.mark_published() == 0
    assert list(PipelineItem.objects.coming()) == [other]


def test_marking_published_leaves_drafts_and_unlinked_items_alone(publisher, officer):
    draft = OpportunityFactory(publisher=publisher, published_at=None)
    linked = PipelineItemFactory(publisher=publisher, opportunity=draft)
    unlinked = PipelineItemFactory(publisher=publisher)

    assert actions.mark_published() == 0

    assert PipelineItem.objects.filter(published_at__isnull=True).count() == 2
    assert set(PipelineItem.objects.coming()) == {linked, unlinked}


def test_another_publishers_opportunity_cannot_be_linked(publisher, officer):
    item = PipelineItemFactory(publisher=publisher)

    with pytest.raises(ValidationError):
        actions.link_opportunity(item=item, opportunity=OpportunityFactory(), by=officer)


def test_an_opportunity_linked_to_another_item_or_cancelled_cannot_be_linked(publisher, officer):
    taken = OpportunityFactory(publisher=publisher)
    PipelineItemFactory(publisher=publisher, opportunity=taken)
    cancelled = OpportunityFactory(publisher=publisher, cancelled_at=timezone.now())
    item = PipelineItemFactory(publisher=publisher)

    for opportunity in (taken, cancelled):
        with pytest.raises(ValidationError):
            actions.link_opportunity(item=item, opportunity=opportunity, by=officer)
    assert list(actions.linkable_opportunities(item)) == []


def test_a_linked_draft_can_be_swapped_but_a_published_link_cannot(publisher, officer):
    item = PipelineItemFactory(publisher=publisher)
    first = OpportunityFactory(publisher=publisher, published_at=None)
    second = OpportunityFactory(publisher=publisher)
    actions.link_opportunity(item=item, opportunity=first, by=officer)

    actions.link_opportunity(item=item, opportunity=second, by=officer)
    assert item.opportunity == second

    with pytest.raises(ValueError):
        actions.link_opportunity(item=item, opportunity=first, by=officer)


def test_a_withdrawn_item_cannot_be_linked(publisher, officer):
    item = PipelineItemFactory(publisher=publisher, withdrawn_at=timezone.now())

    with pytest.raises(ValueError):
        actions.link_opportunity(
            item=item, opportunity=OpportunityFactory(publisher=publisher), by=officer
        )


def test_only_the_publishers_commissioners_link(publisher):
    item = PipelineItemFactory(publisher=publisher)

    with pytest.raises(PermissionError):
        actions.link_opportunity(
            item=item, opportunity=OpportunityFactory(publisher=publisher), by=UserFactory()
        )


# --- Following ----------------------------------------------------------------------------


@pytest.fixture
def membership():
    return MembershipFactory()


def follow(item, membership):
    return actions.follow(item=item, organisation=membership.organisation, by=membership.user)


def test_following_twice_keeps_one_follow(membership):
    item = PipelineItemFactory()

    assert follow(item, membership) == follow(item, membership)
    assert PipelineFollow.objects.get().created_by == membership.user


def test_unfollowing_is_idempotent(membership):
    item = PipelineItemFactory()
    follow(item, membership)

    for _ in range(2):
        actions.unfollow(item=item, organisation=membership.organisation, by=membership.user)

    assert not PipelineFollow.objects.exists()


def test_only_members_follow_for_their_organisation(membership):
    item = PipelineItemFactory()

    with pytest.raises(PermissionError):
        actions.follow(item=item, organisation=membership.organisation, by=UserFactory())
    with pytest.raises(PermissionError):
        actions.unfollow(item=item, organisation=membership.organisation, by=UserFactory())
    assert not PipelineFollow.objects.exists()


def test_withdrawn_published_and_own_items_cannot_be_followed(membership):
    withdrawn = PipelineItemFactory(withdrawn_at=timezone.now())
    published = PipelineItemFactory(opportunity=OpportunityFactory())
    own = PipelineItemFactory(publisher=membership.organisation)

    for item in (withdrawn, published, own):
        with pytest.raises(ValueError):
            follow(item, membership)
    assert not PipelineFollow.objects.exists()

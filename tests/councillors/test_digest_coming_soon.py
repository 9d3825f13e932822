"""The digest's "Coming soon in your wards": planned procurements from the pipeline."""

import pytest
from django.utils import timezone

from councillors import coming_soon, digest
from councillors.render import render
from tests.commissioning.factories import PipelineItemFactory
from tests.councillors.conftest import NOW
from tests.factories import CouncillorFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def digest_for(councillor):
    return digest.build(councillor, digest.load_context(now=NOW, councillors=[councillor]))


def plan(title, *, wards=(), citywide=False, **fields):
    item = PipelineItemFactory(title=title, citywide=citywide, **fields)
    item.wards.set(wards)
    return item


def titles(content):
    return [item.title for item in content.coming_soon.items]


def test_lists_plans_in_the_councillors_wards_then_citywide_ones(now, wards, ward_councillor):
    plan("Citywide advice", citywide=True, expected_quarter=1)
    plan("Aston youth work", wards=[wards["Aston"]], expected_quarter=3)
    plan("Nechells pantry", wards=[wards["Nechells"]], expected_quarter=2)
    plan("Ladywood lunch club", wards=[wards["Ladywood"]])

    content = digest_for(ward_councillor)

    assert titles(content) == ["Nechells pantry", "Aston youth work", "Citywide advice"]
    assert [item.citywide for item in content.coming_soon.items] == [False, False, True]


def test_published_and_withdrawn_plans_are_left_out_but_a_linked_draft_is_not(
    now, wards, ward_councillor
):
    aston = [wards["Aston"]]
    plan("Published", wards=aston, opportunity=OpportunityFactory())
    plan("Withdrawn", wards=aston, withdrawn_at=timezone.now(), withdrawal_reason="No budget")
    plan("Draft made", wards=aston, opportunity=OpportunityFactory(published_at=None))

    assert titles(digest_for(ward_councillor)) == ["Draft made"]


def test_the_list_is_capped_and_says_how_many_more_with_a_link_per_ward(
    now, wards, ward_councillor
):
    for n in range(coming_soon.LISTED + 2):
        plan(f"Plan {n}", wards=[wards["Aston"]])

    section = digest_for(ward_councillor).coming_soon

    assert len(section.items) == coming_soon.LISTED
    assert section.more == 2
    assert [link.name for link in section.ward_links] == ["Aston", "Nechells"]
    assert [link.url.rsplit("/", 2)[-2:] for link in section.ward_links] == [
        ["pipeline", "?ward=aston"],
        ["pipeline", "?ward=nechells"],
    ]


def test_both_parts_of_the_email_show_the_section(now, wards, ward_councillor):
    item = plan("Aston youth work", wards=[wards["Aston"]], estimated_value=180000)
    plan("Across the city advice", citywide=True)

    rendered = render(digest_for(ward_councillor))

    for part in (rendered.text, rendered.html):
        assert "Coming soon in your wards".lower() in part.lower()
        assert "Aston youth work" in part
        assert item.reference in part
        assert "£180,000" in part
        assert item.expected_in_words in part
        assert "Across the city" in part
        assert "/pipeline/?ward=aston" in part


def test_with_nothing_planned_the_section_says_so(now, ward_councillor):
    rendered = render(digest_for(ward_councillor))

    assert "Nothing is planned in your wards yet." in rendered.text
    assert "Nothing is planned in your wards yet." in rendered.html


def test_a_councillor_without_wards_gets_no_section(now, wards):
    plan("Citywide advice", citywide=True)
    councillor = CouncillorFactory(wards=[])

    content = digest_for(councillor)

    assert content.coming_soon is None
    assert "Coming soon in your wards" not in render(content).html

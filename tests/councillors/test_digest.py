"""What each councillor's digest lists, in what order and with which markers; how it renders."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councillors import digest
from councillors.models import Digest
from councillors.render import render
from councillors.tokens import read_unsubscribe_token
from organisations.models import Councillor
from tests.commissioning.factories import PipelineItemFactory
from tests.councillors.conftest import NOW, live_opportunity
from tests.factories import (
    CouncillorFactory,
    OrganisationFactory,
    ServiceCategoryFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db


def digest_for(councillor, now=NOW):
    return digest.build(councillor, digest.load_context(now=now, councillors=[councillor]))


def titles(items):
    return [item.opportunity.title for item in items]


def item_titled(content, title):
    return next(item for item in content.items if item.opportunity.title == title)


# --- Order ------------------------------------------------------------------------------


def test_ward_opportunities_come_first_then_citywide_then_the_rest_by_category(
    now, wards, ward_councillor
):
    parks = ServiceCategoryFactory(name="Parks", slug="parks")
    advice = ServiceCategoryFactory(name="advice and guidance", slug="advice")
    live_opportunity("Parks in Ladywood", wards=[wards["Ladywood"]], category=parks)
    live_opportunity("Advice in Edgbaston", wards=[wards["Edgbaston"]], category=advice)
    live_opportunity("City-wide carers", citywide=True)
    live_opportunity("Youth club in Nechells", wards=[wards["Nechells"]])
    # In one of their wards and city-wide: listed once, with their wards.
    live_opportunity("Aston and the city", wards=[wards["Aston"]], citywide=True, days_left=40)

    content = digest_for(ward_councillor)

    assert titles(content.in_your_wards) == ["Aston and the city", "Youth club in Nechells"]
    assert titles(content.citywide) == ["City-wide carers"]
    assert [group.name for group in content.other_by_category] == ["advice and guidance", "Parks"]
    assert [titles(group.items) for group in content.other_by_category] == [
        ["Advice in Edgbaston"],
        ["Parks in Ladywood"],
    ]
    assert content.opportunity_count == 5
    assert len(list(content.items)) == 5


def test_each_list_puts_the_soonest_deadline_first(now, wards, ward_councillor):
    parks = ServiceCategoryFactory(name="Parks", slug="parks")
    for days in (50, 20, 35):
        live_opportunity(f"Aston {days}", wards=[wards["Aston"]], days_left=days)
        live_opportunity(f"City {days}", citywide=True, days_left=days)
        live_opportunity(f"Parks {days}", wards=[wards["Ladywood"]], days_left=days, category=parks)

    content = digest_for(ward_councillor)

    assert titles(content.in_your_wards) == ["Aston 20", "Aston 35", "Aston 50"]
    assert titles(content.citywide) == ["City 20", "City 35", "City 50"]
    assert titles(content.other_by_category[0].items) == ["Parks 20", "Parks 35", "Parks 50"]


def test_only_opportunities_open_for_bids_are_listed(now, ward_councillor, live_opportunities):
    live_opportunity("Draft", citywide=True).__class__.objects.filter(title="Draft").update(
        published_at=None
    )
    live_opportunity("Cancelled", citywide=True, cancelled_at=now)
    live_opportunity("Awarded", citywide=True, awarded_at=now)
    closed = live_opportunity("Closed", citywide=True)
    closed.__class__.objects.filter(pk=closed.pk).update(
        clarification_deadline=now - timedelta(days=2), submission_deadline=now
    )

    content = digest_for(ward_councillor)

    assert sorted(titles(content.items)) == sorted(live_opportunities)


# --- Markers ----------------------------------------------------------------------------


def test_new_means_published_since_the_last_digest_was_sent(now, wards, ward_councillor):
    live_opportunity("Published a month ago", citywide=True, published_days_ago=30)
    live_opportunity("Published 5 days ago", citywide=True, published_days_ago=5)
    live_opportunity("Published yesterday", citywide=True, published_days_ago=1)
    # Last sent 3 days ago; this week's digest is claimed but not sent, so it does not count.
    Digest.objects.create(councillor=ward_councillor, week="2026-W48", sent_at=now - timedelta(3))
    Digest.objects.create(councillor=ward_councillor, week="2026-W49", sent_at=None)
    first_timer = CouncillorFactory(wards=[wards["Aston"]])

    context = digest.load_context(now=now, councillors=[ward_councillor, first_timer])
    regular, first = digest.build(ward_councillor, context), digest.build(first_timer, context)

    assert [i.opportunity.title for i in regular.items if i.is_new] == ["Published yesterday"]
    assert regular.new_count == 1
    # Never had a digest: new is what was published in the last 7 days.
    assert [i.opportunity.title for i in first.items if i.is_new] == [
        "Published 5 days ago",
        "Published yesterday",
    ]
    # Rendered from the same run, each digest keeps its own markers.
    assert render(regular).text.count("[New since your last digest]") == 1
    assert render(first).text.count("[New since your last digest]") == 0
    assert render(first).text.count("[New this week]") == 2
    assert render(regular).html.count("New since your last digest") == 1


def test_closes_within_14_days_is_marked_and_moves_with_the_clock(
    now, time_machine, ward_councillor
):
    live_opportunity("Closes in 10 days", citywide=True, days_left=10)
    live_opportunity("Closes in 20 days", citywide=True, days_left=20)

    content = digest_for(ward_councillor)
    assert [i.opportunity.title for i in content.items if i.closes_soon] == ["Closes in 10 days"]

    later = now + timedelta(days=7)
    time_machine.move_to(later, tick=False)
    content = digest_for(ward_councillor, now=later)
    assert all(item.closes_soon for item in content.items)


def test_markers_are_written_in_words_in_both_parts(now, ward_councillor):
    live_opportunity("Closes soon, new", citywide=True, days_left=5, published_days_ago=1)
    live_opportunity("Neither", citywide=True)
    Digest.objects.create(councillor=ward_councillor, week="2026-W48", sent_at=now - timedelta(7))

    rendered = render(digest_for(ward_councillor))

    for part in (rendered.text, rendered.html):
        assert part.count("New since your last digest") == 1
        assert part.count("Closes within 14 days") == 1
    text_entry = rendered.text.split("* Closes soon, new")[1].split("* Neither")[0]
    assert "[New since your last digest] [Closes within 14 days]" in text_entry


# --- The email --------------------------------------------------------------------------


def test_plain_text_lists_every_title_with_its_details_and_the_unsubscribe_link(
    now, ward_councillor, live_opportunities, settings
):
    settings.SITE_URL = "https://portal.example.org"
    content = digest_for(ward_councillor)

    text = render(content).text

    for title, opportunity in live_opportunities.items():
        assert f"* {title}\n" in text
        assert f"https://portal.example.org/opportunities/{opportunity.reference}/" in text
    assert "£50,000 excluding VAT" in text
    assert "Bids close at 7am on Friday 29 January 2027 (UK time)" in text
    assert content.unsubscribe_url in text
    assert content.preferences_url in text
    assert content.unsubscribe_url.startswith("https://portal.example.org/councillors/digest/")
    # In the order of the digest: wards, city-wide, the rest.
    assert text.index("Youth club in Aston") < text.index("Advice across the city")
    assert text.index("Advice across the city") < text.index("Lunch club in Ladywood")
    assert "{" not in text and "&amp;" not in text


def test_the_unsubscribe_link_names_the_councillor(now, ward_councillor):
    content = digest_for(ward_councillor)

    token = re.search(r"/digest/unsubscribe/([^/]+)/$", content.unsubscribe_url).group(1)

    assert read_unsubscribe_token(token) == ward_councillor.pk
    assert content.unsubscribe_url.endswith(reverse("councillors:unsubscribe", args=[token]))


def test_each_opportunity_links_to_its_page_and_to_signposting(now, ward_councillor):
    opportunity = live_opportunity("Youth club", citywide=True)

    rendered = render(digest_for(ward_councillor))

    signpost = reverse("councillors:signpost", args=[opportunity.reference])
    assert f'href="http://127.0.0.1:8000{signpost}"' in rendered.html
    assert "Tell a local group about this" in rendered.html
    assert f"Tell a local group about this: http://127.0.0.1:8000{signpost}" in rendered.text


def test_subject_and_introduction_count_the_opportunities(
    now, ward_councillor, live_opportunities, settings
):
    settings.SERVICE_NAME = "Find It In Birmingham"

    content = digest_for(ward_councillor)
    rendered = render(content)

    assert (
        rendered.subject
        == "Opportunities open this week: 3 (1 in your wards) – Find It In Birmingham"
    )
    assert content.intro == (
        "3 opportunities are open for bids this week, 1 of them in your wards. "
        "Please tell local groups about any that suit them."
    )
    assert content.week == "2026-W49"
    assert content.week_label == "Week beginning 30 November 2026"
    assert content.web_url.endswith(reverse("councillors:digest", args=["2026-W49"]))


def test_html_escapes_a_hostile_title(now, ward_councillor):
    live_opportunity('<script>alert("x")</script><img src=x onerror=alert(1)>', citywide=True)

    html = render(digest_for(ward_councillor)).html

    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_html_is_laid_out_for_mail_programs_and_fetches_nothing(
    now, ward_councillor, live_opportunities, settings
):
    settings.COUNCIL_BRAND_COLOUR = "#123456"

    html = render(digest_for(ward_councillor)).html

    assert re.findall(r"<img\b[^>]*>", html) == []
    assert "<link" not in html and "url(" not in html and "@import" not in html
    assert "<style" not in html and 'class="' not in html  # inline styles only
    assert 'role="presentation"' in html and "max-width:600px" in html
    assert "background-color:#123456" in html
    assert html.count("Tell a local group about this") == 3


def test_a_councillor_without_wards_gets_a_digest_that_says_so(now, live_opportunities):
    councillor = CouncillorFactory(full_name="No Wards", wards=[])
    OrganisationFactory(name="New group somewhere")

    content = digest_for(councillor)
    rendered = render(content)

    assert content.in_your_wards == [] and content.new_organisations == []
    assert sorted(titles(content.items)) == sorted(live_opportunities)
    assert content.intro.startswith("3 opportunities are open for bids this week. ")
    assert rendered.subject.startswith("Opportunities open this week: 3 – ")
    for part in (rendered.text, rendered.html):
        assert "We do not know which wards you represent" in part
        assert "In your wards" not in part and "IN YOUR WARDS" not in part
        assert "New organisations in your wards" not in part
        assert "Advice across the city" in part


def test_with_nothing_open_the_digest_still_says_so(now, ward_councillor):
    content = digest_for(ward_councillor)
    rendered = render(content)

    assert content.intro == "No opportunities are open for bids this week."
    assert "Nothing open this week is in your wards." in rendered.text
    assert "Nothing open this week is in your wards." in rendered.html


# --- New organisations ------------------------------------------------------------------


def test_organisations_registered_this_week_in_their_wards_are_listed(
    now, time_machine, wards, ward_councillor
):
    time_machine.move_to(now - timedelta(days=8), tick=False)
    OrganisationFactory(name="Old Aston group").wards_served.set([wards["Aston"]])
    time_machine.move_to(now - timedelta(days=2), tick=False)
    serving = OrganisationFactory(name="Aston and Nechells food bank", slug="food-bank")
    serving.wards_served.set([wards["Nechells"], wards["Aston"], wards["Ladywood"]])
    OrganisationFactory(name="Based in Nechells", ward=wards["Nechells"])
    OrganisationFactory(name="Ladywood choir").wards_served.set([wards["Ladywood"]])
    OrganisationFactory(name="Nowhere in particular")
    time_machine.move_to(now, tick=False)

    content = digest_for(ward_councillor)
    rendered = render(content)

    assert [(o.name, o.wards) for o in content.new_organisations] == [
        ("Aston and Nechells food bank", ["Aston", "Nechells"]),
        ("Based in Nechells", ["Nechells"]),
    ]
    assert content.new_organisations[0].url == "http://127.0.0.1:8000" + reverse(
        "organisations:profile", args=["food-bank"]
    )
    for part in (rendered.text, rendered.html):
        assert "Aston and Nechells food bank" in part
        assert "Ladywood choir" not in part and "Old Aston group" not in part


# --- Scale ------------------------------------------------------------------------------


def queries_to_build_and_render(now):
    with CaptureQueriesContext(connection) as captured:
        for _councillor, content in digest.build_all(Councillor.objects.all(), now=now):
            render(content)
    return len(captured.captured_queries)


def make_councillors(count, wards):
    ward_list = list(wards.values())
    for n in range(count):
        CouncillorFactory(wards=ward_list[n % 4 : n % 4 + 2])


def make_opportunities(count, wards):
    """``count`` live opportunities and as many planned ones on the pipeline."""
    ward_list = list(wards.values())
    for n in range(count):  # each with a publisher and category of its own
        live_opportunity(
            f"Opportunity {n}", wards=ward_list[n % 3 : n % 3 + 1], citywide=n % 5 == 0
        )
        planned = PipelineItemFactory(title=f"Plan {n}", citywide=n % 5 == 0)
        planned.wards.set(ward_list[n % 3 : n % 3 + 1])


def test_queries_do_not_grow_with_the_number_of_councillors(now, wards):
    make_opportunities(5, wards)
    make_councillors(2, wards)
    few = queries_to_build_and_render(now)
    Digest.objects.create(councillor=Councillor.objects.first(), week="2026-W48", sent_at=now)
    OrganisationFactory().wards_served.set([wards["Aston"]])
    make_councillors(18, wards)

    assert queries_to_build_and_render(now) == few <= 10


def test_queries_do_not_grow_with_the_number_of_opportunities(now, wards):
    make_councillors(3, wards)
    make_opportunities(5, wards)
    few = queries_to_build_and_render(now)
    make_opportunities(35, wards)

    assert queries_to_build_and_render(now) == few <= 10


def test_build_all_builds_one_digest_per_councillor(now, wards):
    make_councillors(3, wards)
    CouncillorFactory(wards=[WardFactory()])

    built = list(digest.build_all(Councillor.objects.order_by("pk"), now=now))

    assert [councillor.pk for councillor, _content in built] == list(
        Councillor.objects.order_by("pk").values_list("pk", flat=True)
    )
    assert all(content.councillor == councillor for councillor, content in built)

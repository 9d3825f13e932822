"""The digest's "Needs in your wards": open needs on the social value exchange (R03 d)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from councillors import digest, exchange_needs
from councillors.actions import runs
from councillors.render import render
from organisations.models import Councillor
from tests.councillors.conftest import NOW, received
from tests.exchange.factories import NeedFactory
from tests.factories import CouncillorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def digest_for(councillor):
    return digest.build(councillor, digest.load_context(now=NOW, councillors=[councillor]))


def need(title, ward, *, due_in=30, **fields):
    return NeedFactory(
        title=title, ward=ward, needed_by=NOW.date() + timedelta(days=due_in), **fields
    )


def titles(content):
    return [item.title for item in content.needs_in_wards.items]


def test_lists_open_needs_in_the_councillors_wards_soonest_due_first(now, wards, ward_councillor):
    need("Aston, due in 40 days", wards["Aston"], due_in=40)
    need("Nechells, due in 10 days", wards["Nechells"], due_in=10)
    need("Aston, due in 20 days", wards["Aston"], due_in=20)
    need("Ladywood, another councillor's ward", wards["Ladywood"], due_in=5)

    assert titles(digest_for(ward_councillor)) == [
        "Nechells, due in 10 days",
        "Aston, due in 20 days",
        "Aston, due in 40 days",
    ]


def test_needs_no_longer_looking_for_help_are_left_out(now, wards, ward_councillor):
    aston = wards["Aston"]
    need("Open", aston, due_in=20)
    need("Partly promised", aston, due_in=25, quantity=Decimal(10), promised=Decimal(4))
    need("Closed", aston, closed_at=timezone.now())
    need("Met", aston, met_at=timezone.now())
    need("Fully promised", aston, quantity=Decimal(10), promised=Decimal(10))
    need("Past its date", aston, due_in=-1)

    section = digest_for(ward_councillor).needs_in_wards
    assert [(item.title, item.still_needed) for item in section.items] == [
        ("Open", "20 hours"),
        ("Partly promised", "6 hours"),
    ]


def test_the_list_is_capped_and_says_how_many_more_with_a_link_per_ward(
    now, wards, ward_councillor
):
    for n in range(exchange_needs.LISTED + 2):
        need(f"Need {n}", wards["Aston"], due_in=10 + n)

    section = digest_for(ward_councillor).needs_in_wards

    assert titles(digest_for(ward_councillor)) == [f"Need {n}" for n in range(5)]
    assert section.more == 2
    assert [link.name for link in section.ward_links] == ["Aston", "Nechells"]
    assert [link.url.rsplit("/", 2)[-2:] for link in section.ward_links] == [
        ["needs", "?ward=aston"],
        ["needs", "?ward=nechells"],
    ]


def test_both_parts_of_the_email_show_the_section(now, wards, ward_councillor):
    group = OrganisationFactory(name="Aston Food Bank <Trust>")
    item = need(
        "Volunteers for Saturday deliveries",
        wards["Aston"],
        organisation=group,
        quantity=Decimal(12),
        due_in=19,
    )

    rendered = render(digest_for(ward_councillor))

    for part in (rendered.text, rendered.html):
        assert "needs in your wards" in part.lower()
        assert "Volunteers for Saturday deliveries" in part
        assert f"/exchange/needs/{item.pk}/" in part
        assert "12 hours, needed by 19 December 2026" in part
        assert "/exchange/needs/?ward=aston" in part
        assert "/exchange/needs/?ward=nechells" in part
    assert "Aston Food Bank <Trust>" in rendered.text
    assert "Aston Food Bank &lt;Trust&gt;" in rendered.html
    # After the planned procurements, before the new organisations.
    text = rendered.text
    assert text.index("COMING SOON") < text.index("NEEDS IN YOUR WARDS")
    assert text.index("NEEDS IN YOUR WARDS") < text.index("NEW ORGANISATIONS")


def test_with_no_needs_the_section_says_so(now, ward_councillor):
    rendered = render(digest_for(ward_councillor))

    message = "No group in your wards is asking for help on the exchange just now."
    assert message in rendered.text
    assert message in rendered.html


def test_a_councillor_without_wards_gets_no_section(now, wards):
    need("Aston need", wards["Aston"])
    councillor = CouncillorFactory(wards=[])

    content = digest_for(councillor)

    assert content.needs_in_wards is None
    assert "Needs in your wards" not in render(content).html


def test_the_needs_are_read_in_one_query_however_many_there_are(now, wards):
    for n in range(3):
        CouncillorFactory(wards=[list(wards.values())[n]])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            for _councillor, content in digest.build_all(Councillor.objects.all(), now=NOW):
                render(content)
        return len(captured.captured_queries)

    need("First", wards["Aston"])
    few = queries()
    for n in range(20):
        need(f"Need {n}", list(wards.values())[n % 4])

    assert queries() == few


def test_each_councillor_still_gets_one_email_a_week_with_the_section(
    now, wards, ward_councillor, django_capture_on_commit_callbacks
):
    need("Volunteers for Saturday deliveries", wards["Aston"])
    other = CouncillorFactory(wards=[wards["Ladywood"]])

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            runs.start_run()

    assert received() == {ward_councillor.email: 1, other.email: 1}
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "Volunteers for Saturday deliveries" in by_address[ward_councillor.email].body
    assert "Volunteers for Saturday deliveries" not in by_address[other.email].body

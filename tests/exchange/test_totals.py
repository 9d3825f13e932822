"""The help delivered, in public: confirmed deliveries only, by ward and by kind, each
unit on its own, against figures worked out by hand."""

from decimal import Decimal

import pytest
from django.utils import timezone

from exchange import totals
from exchange.actions.delivery import confirm_delivery, record_delivery
from exchange.actions.matching import accept_match, propose_match
from exchange.models import Kind, Unit
from tests.exchange.factories import NeedFactory, OfferFactory, member_of
from tests.factories import WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _totals_made_afresh():
    totals.forget()


def delivered(
    quantity, *, ward, kind=Kind.MENTORING, unit=Unit.HOURS, value=None, confirm=True, said=""
):
    """Help of ``quantity`` given through the actions to a need in ``ward``: proposed,
    accepted, recorded and (``confirm``) confirmed with testimonial ``said``."""
    need = NeedFactory(ward=ward, kind=kind, unit=unit, quantity=Decimal(100))
    offer = OfferFactory(kind=kind, unit=unit, capacity=Decimal(100))
    giver, recipient = member_of(offer.organisation), member_of(need.organisation)
    match = propose_match(need=need, offer=offer, by=giver, quantity=Decimal(quantity))
    accept_match(match=match, by=recipient)
    delivery = record_delivery(
        match=match,
        by=giver,
        quantity=Decimal(quantity),
        delivered_on=timezone.localdate(),
        value=None if value is None else Decimal(value),
    )
    if confirm:
        delivery = confirm_delivery(delivery=delivery, by=recipient, testimonial=said)
    return delivery


@pytest.fixture
def example():
    """Ladywood: 7 + 3 hours of mentoring (£70 + £30), 2 items of equipment (£500),
    and 40 hours recorded but not confirmed (£400). Aston: 5 training places (no value)
    and 4 hours of legal advice (£200)."""
    ladywood, aston = WardFactory(name="Ladywood"), WardFactory(name="Aston")
    delivered(7, ward=ladywood, value=70)
    delivered(3, ward=ladywood, value=30)
    delivered(2, ward=ladywood, kind=Kind.EQUIPMENT, unit=Unit.ITEMS, value=500)
    delivered(40, ward=ladywood, value=400, confirm=False)
    delivered(5, ward=aston, kind=Kind.TRAINING, unit=Unit.PLACES)
    delivered(4, ward=aston, kind=Kind.LEGAL, value=200)
    return ladywood, aston


def _figures(row):
    return {key: row[key] for key in ("hours", "items", "places", "value", "deliveries")}


def test_the_totals_count_confirmed_help_only_and_each_unit_apart(example):
    assert _figures(totals.figures()["overall"]) == {
        "hours": Decimal(14),
        "items": Decimal(2),
        "places": Decimal(5),
        "value": Decimal(800),
        "deliveries": 5,
    }


def test_the_totals_by_ward_put_help_in_its_needs_ward(example):
    rows = totals.figures()["by_ward"]
    assert [row["name"] for row in rows] == ["Aston", "Ladywood"]
    assert _figures(rows[0]) == {
        "hours": Decimal(4),
        "items": Decimal(0),
        "places": Decimal(5),
        "value": Decimal(200),
        "deliveries": 2,
    }
    assert _figures(rows[1]) == {
        "hours": Decimal(10),
        "items": Decimal(2),
        "places": Decimal(0),
        "value": Decimal(600),
        "deliveries": 3,
    }
    assert rows[1]["slug"] == example[0].slug


def test_the_totals_by_kind_are_in_the_order_of_the_kinds(example):
    rows = totals.figures()["by_kind"]
    assert [
        (row["name"], row["hours"], row["items"], row["places"], row["value"]) for row in rows
    ] == [
        ("Mentoring", Decimal(10), 0, 0, Decimal(100)),
        ("Equipment", 0, Decimal(2), 0, Decimal(500)),
        ("Legal advice", Decimal(4), 0, 0, Decimal(200)),
        ("Training places", 0, 0, Decimal(5), 0),
    ]


def test_with_nothing_confirmed_the_totals_are_nought():
    delivered(6, ward=WardFactory(), confirm=False)
    assert _figures(totals.figures()["overall"]) == {
        "hours": 0,
        "items": 0,
        "places": 0,
        "value": 0,
        "deliveries": 0,
    }
    assert totals.figures()["by_ward"] == [] and totals.figures()["by_kind"] == []


def test_a_chart_shows_the_largest_first_and_leaves_out_those_without_any(example):
    rows = totals.figures()["by_kind"]
    hours = totals.MEASURE["hours"]
    assert [row["name"] for row in totals.largest(rows, hours)] == ["Mentoring", "Legal advice"]
    assert [row["name"] for row in totals.largest(rows, totals.MEASURE["value"], 1)] == [
        "Equipment"
    ]


def test_the_figures_are_made_afresh_once_more_help_is_confirmed(django_assert_num_queries):
    ward = WardFactory(name="Ladywood")
    delivered(7, ward=ward)
    assert totals.figures()["overall"]["hours"] == 7
    with django_assert_num_queries(1):  # only what says whether they are up to date
        assert totals.figures()["overall"]["hours"] == 7
    delivered(3, ward=ward)
    assert totals.figures()["by_ward"][0]["hours"] == 10


def test_the_newest_three_testimonials_are_shown():
    ward = WardFactory()
    for said in ["First", "", "Second", "Third", "Fourth"]:
        delivered(1, ward=ward, said=said)
    delivered(1, ward=ward, confirm=False)
    assert [d.testimonial for d in totals.recent_testimonials()] == ["Fourth", "Third", "Second"]

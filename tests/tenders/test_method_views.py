"""The commissioner's tender page and the pages that set the evaluation method,
and the method as the opportunity's public page shows it."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from opportunities.models import Amendment
from tenders import actions
from tenders.models import Criterion, PriceFormula, PriceLine, Tender, TieBreak
from tests.tenders.conftest import complete, open_opportunity

pytestmark = pytest.mark.django_db

OUTSIDERS = ["commissioner", "organisation_admin", "other_member", "visitor"]


def url(name, tender_or_opportunity, *args):
    opportunity = getattr(tender_or_opportunity, "opportunity", tender_or_opportunity)
    return reverse(f"tenders:{name}", args=[opportunity.reference, *args])


def signed_in(client, user):
    client.force_login(user)
    return client


def lock(tender):
    Tender.objects.filter(pk=tender.pk).update(locked_at=timezone.now())
    tender.refresh_from_db()


def weights_data(tender, price="20", each=None):
    data = {"price_weight": price}
    for criterion in tender.criteria.all():
        data[f"weight_{criterion.pk}"] = each or str(criterion.weight)
    return data


def criterion_data(**fields):
    return {
        "group": "quality",
        "question": "How will you involve carers?",
        "guidance": "Say how and how often.",
        "word_limit": "300",
        "weight": "10",
        "descriptors": "Nothing\nSome\nA lot",
        "minimum_score": "",
    } | fields


# The tender page


def test_a_commissioner_sets_up_the_tender_from_the_template(client, opportunity, publisher_member):
    signed_in(client, publisher_member)
    page = client.get(url("tender", opportunity))
    assert page.status_code == 200
    assert "Set up the tender" in page.text

    response = client.post(url("tender", opportunity), follow=True)

    tender = Tender.objects.get(opportunity=opportunity)
    assert tender.criteria.count() == 4
    assert tender.price_lines.count() == 2  # one for each lot
    assert "60% quality" in response.text
    assert "Quality questions (60%)" in response.text
    assert "Social value questions (20%)" in response.text
    assert "Price (20%)" in response.text
    assert "Bidding cannot start" not in response.text


def test_setting_up_twice_keeps_one_tender(client, tender, publisher_member):
    signed_in(client, publisher_member)
    client.post(url("tender", tender))
    assert Tender.objects.filter(opportunity=tender.opportunity).count() == 1
    assert tender.criteria.count() == 4


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_from_every_method_page(request, persona, tender):
    client = request.getfixturevalue(persona)
    criterion, line = tender.criteria.first(), tender.price_lines.first()
    pages = [
        url("tender", tender),
        url("settings", tender),
        url("weights", tender),
        url("add_criterion", tender),
        url("edit_criterion", tender, criterion.pk),
        url("remove_criterion", tender, criterion.pk),
        url("add_price_line", tender),
        url("edit_price_line", tender, line.pk),
        url("remove_price_line", tender, line.pk),
    ]
    for page in pages:
        assert client.get(page).status_code == 404, page
        assert client.post(page, criterion_data()).status_code == 404, page
    assert tender.criteria.count() == 4
    assert Tender.objects.filter(opportunity=tender.opportunity).count() == 1


def test_an_outsider_cannot_set_up_a_tender(commissioner, opportunity):
    assert commissioner.post(url("tender", opportunity)).status_code == 404
    assert not Tender.objects.filter(opportunity=opportunity).exists()


def test_the_tender_page_lists_what_stops_bidding(client, tender, publisher_member):
    actions.update_tender(tender=tender, by=publisher_member, price_weight=Decimal(30))
    response = signed_in(client, publisher_member).get(url("tender", tender))
    assert "Bidding cannot start until these are put right:" in response.text
    assert "The weights add up to 110%; they must add up to 100%" in response.text


def test_the_tender_page_counts_submitted_bids_and_nothing_more(
    client, tender, publisher_member, bid, bidder
):
    complete(bid, bidder, lots=[tender.opportunity.lots.get(number=1)])
    actions.submit(bid=bid, by=bidder)
    response = signed_in(client, publisher_member).get(url("tender", tender))
    assert "1 bid submitted" in response.text
    assert "Lot 1: Lot 1 area: 1 bid" in response.text
    assert "Lot 2: Lot 2 area: 0 bids" in response.text
    assert bidder.organisation.name not in response.text
    assert bid.reference not in response.text
    assert "Open the bid box" not in response.text
    assert "It can be opened after the deadline for bids" in response.text
    assert "The method is locked" in response.text


def test_a_draft_without_lots_gets_one_price_line(client, publisher_member):
    publisher = publisher_member.memberships.get().organisation
    opportunity = open_opportunity(publisher, lots=0, published_at=None)
    signed_in(client, publisher_member).post(url("tender", opportunity))
    tender = Tender.objects.get(opportunity=opportunity)
    assert list(tender.price_lines.values_list("lot", flat=True)) == [None]
    page = client.get(url("tender", tender))
    assert "Per lot" not in page.text
    assert "max_lots_won" not in client.get(url("settings", tender)).text


def _add_questions(tender, by, count):
    for number in range(count):
        actions.save_criterion(
            tender=tender,
            by=by,
            group="quality",
            question=f"Extra question {number}",
            weight=Decimal(1),
            descriptors=["No", "Yes"],
        )
        actions.save_price_line(
            tender=tender, by=by, lot=None, description=f"Line {number}", quantity=Decimal(2)
        )


def test_the_tender_page_costs_the_same_queries_for_2_or_12_questions(
    client, publisher_member, django_assert_max_num_queries
):
    publisher = publisher_member.memberships.get().organisation
    small, large = (
        actions.create_tender(opportunity=open_opportunity(publisher), by=publisher_member)
        for _ in range(2)
    )
    for criterion in small.criteria.all()[2:]:
        actions.remove_criterion(criterion=criterion, by=publisher_member)
    _add_questions(large, publisher_member, 8)
    signed_in(client, publisher_member)
    client.get(url("tender", small))  # warm the session and caches
    with django_assert_max_num_queries(15) as small_queries:
        client.get(url("tender", small))
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(url("tender", large))
    assert "Extra question 7" in response.text


# Weights


def test_weights_are_saved_as_typed_with_or_without_the_sign(client, tender, publisher_member):
    signed_in(client, publisher_member)
    first, second, *_ = tender.criteria.all()
    data = weights_data(tender, price="10%")
    data[f"weight_{first.pk}"] = "25 %"
    data[f"weight_{second.pk}"] = "25"
    response = client.post(url("weights", tender), data)
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.price_weight == Decimal(10)
    assert Criterion.objects.get(pk=first.pk).weight == Decimal(25)


def test_the_weights_page_shows_weights_as_people_write_them(client, tender, publisher_member):
    page = signed_in(client, publisher_member).get(url("weights", tender))
    assert 'value="20"' in page.text
    assert "E+" not in page.text
    assert "quality 60%, social value 20% and price 20%, a total of 100%" in page.text


def test_weights_not_adding_up_to_100_are_refused(client, tender, publisher_member):
    signed_in(client, publisher_member)
    response = client.post(url("weights", tender), weights_data(tender, price="30"))
    assert response.status_code == 200
    assert "The weights add up to 110%; they must add up to 100%" in response.text
    assert 'href="#id_price_weight"' in response.text
    assert 'value="30"' in response.text  # nothing typed is lost
    tender.refresh_from_db()
    assert tender.price_weight == Decimal(20)


def test_a_weight_that_is_not_a_number_is_named(client, tender, publisher_member):
    signed_in(client, publisher_member)
    response = client.post(url("weights", tender), weights_data(tender, price="a fifth"))
    assert "Enter the weight of price as a number, like 20 or 20%" in response.text
    first = tender.criteria.first()
    data = weights_data(tender) | {f"weight_{first.pk}": "0"}
    response = client.post(url("weights", tender), data)
    assert "The weight of question 1 must be more than 0%" in response.text


# Questions


def test_a_commissioner_adds_a_question(client, tender, publisher_member):
    signed_in(client, publisher_member)
    form = client.get(url("add_criterion", tender))
    assert "The first line describes a mark of 0" in form.text
    response = client.post(url("add_criterion", tender), criterion_data(minimum_score="1"))
    assert response.status_code == 302
    criterion = tender.criteria.get(question="How will you involve carers?")
    assert criterion.descriptors == ["Nothing", "Some", "A lot"]
    assert (criterion.number, criterion.weight, criterion.minimum_score) == (5, 10, 1)
    assert criterion.word_limit == 300


def test_a_minimum_above_the_scale_is_refused_on_its_field(client, tender, publisher_member):
    signed_in(client, publisher_member)
    response = client.post(url("add_criterion", tender), criterion_data(minimum_score="4"))
    assert response.status_code == 200
    assert "The minimum score, 4, is above the top of the scale, 2" in response.text
    assert 'href="#id_minimum_score"' in response.text
    assert "How will you involve carers?" in response.text
    assert not tender.criteria.filter(question="How will you involve carers?").exists()


def test_a_weight_over_100_is_refused_with_the_percent_sign(client, tender, publisher_member):
    signed_in(client, publisher_member)
    response = client.post(url("add_criterion", tender), criterion_data(weight="150%"))
    assert "The weight must be 100% or less" in response.text
    assert 'value="150%"' in response.text


def test_editing_a_question_leaves_its_weight_to_the_weights_page(client, tender, publisher_member):
    criterion = tender.criteria.first()
    signed_in(client, publisher_member)
    page = client.get(url("edit_criterion", tender, criterion.pk))
    assert 'name="weight"' not in page.text
    assert "No answer, or the answer does not address the question." in page.text
    data = criterion_data(question="Changed question", per_lot="on")
    del data["weight"]
    assert client.post(url("edit_criterion", tender, criterion.pk), data).status_code == 302
    criterion.refresh_from_db()
    assert (criterion.question, criterion.per_lot, criterion.weight) == (
        "Changed question",
        True,
        Decimal(20),
    )


def test_removing_a_question_asks_first(client, tender, publisher_member):
    criterion = tender.criteria.first()
    signed_in(client, publisher_member)
    page = client.get(url("remove_criterion", tender, criterion.pk))
    assert "Are you sure you want to remove question 1?" in page.text
    assert tender.criteria.filter(pk=criterion.pk).exists()
    client.post(url("remove_criterion", tender, criterion.pk))
    assert not tender.criteria.filter(pk=criterion.pk).exists()


def test_a_question_of_another_tender_is_404(client, tender, publisher_member):
    publisher = publisher_member.memberships.get().organisation
    other = actions.create_tender(opportunity=open_opportunity(publisher), by=publisher_member)
    foreign = other.criteria.first()
    signed_in(client, publisher_member)
    assert client.get(url("edit_criterion", tender, foreign.pk)).status_code == 404
    assert client.post(url("remove_criterion", tender, foreign.pk)).status_code == 404


# Price lines


def test_a_commissioner_adds_changes_and_removes_a_price_line(client, tender, publisher_member):
    lot = tender.opportunity.lots.get(number=2)
    signed_in(client, publisher_member)
    data = {
        "lot": lot.pk,
        "description": "Support sessions",
        "quantity": "1,200",
        "unit": "session",
    }
    assert client.post(url("add_price_line", tender), data).status_code == 302
    line = tender.price_lines.get(description="Support sessions")
    assert (line.lot, line.quantity, line.unit, line.number) == (lot, Decimal(1200), "session", 2)

    assert 'value="1200"' in client.get(url("edit_price_line", tender, line.pk)).text
    data |= {"description": "Group sessions", "quantity": "600"}
    assert client.post(url("edit_price_line", tender, line.pk), data).status_code == 302
    line.refresh_from_db()
    assert (line.description, line.quantity) == ("Group sessions", Decimal(600))

    client.post(url("remove_price_line", tender, line.pk))
    assert not PriceLine.objects.filter(pk=line.pk).exists()


def test_a_price_line_needs_a_lot_when_there_are_lots(client, tender, publisher_member):
    signed_in(client, publisher_member)
    response = client.post(
        url("add_price_line", tender), {"description": "Sessions", "quantity": "0"}
    )
    assert "Select the lot the line prices" in response.text
    assert "The quantity must be more than 0" in response.text
    assert 'value="Sessions"' in response.text


# The rules


def test_a_commissioner_changes_the_rules(client, tender, publisher_member):
    signed_in(client, publisher_member)
    page = client.get(url("settings", tender))
    assert "a price twice the lowest gets half the marks" in page.text
    response = client.post(
        url("settings", tender),
        {
            "price_formula": "deviation",
            "abnormally_low_percent": "75%",
            "full_cost_breakdown": "no",
            "tie_break": "price",
            "max_lots_per_bidder": "2",
            "max_lots_won": "",
        },
    )
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.price_formula == PriceFormula.DEVIATION
    assert tender.abnormally_low_percent == 75
    assert tender.full_cost_breakdown is False
    assert tender.tie_break == TieBreak.PRICE
    assert (tender.max_lots_per_bidder, tender.max_lots_won) == (2, None)


def test_a_percentage_out_of_range_is_refused(client, tender, publisher_member):
    signed_in(client, publisher_member)
    response = client.post(
        url("settings", tender),
        {
            "price_formula": "lowest_ratio",
            "abnormally_low_percent": "150",
            "full_cost_breakdown": "yes",
            "tie_break": "quality",
        },
    )
    assert "Enter a percentage between 1 and 100" in response.text
    assert 'value="150"' in response.text


# Once bids are in, and after the deadline


def test_once_locked_a_change_needs_a_reason_and_is_an_amendment(client, tender, publisher_member):
    lock(tender)
    signed_in(client, publisher_member)
    page = client.get(url("settings", tender))
    assert "Why is the method changing?" in page.text
    assert "every organisation with a bid will be emailed" in page.text
    data = {
        "price_formula": "lowest_ratio",
        "abnormally_low_percent": "70",
        "full_cost_breakdown": "yes",
        "tie_break": "quality",
    }

    refused = client.post(url("settings", tender), data)
    assert "Say why the method is changing" in refused.text
    assert 'href="#id_reason"' in refused.text
    assert not Amendment.objects.filter(opportunity=tender.opportunity).exists()

    response = client.post(
        url("settings", tender), data | {"reason": "The market survey showed lower prices."}
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get(opportunity=tender.opportunity)
    assert "The market survey showed lower prices." in amendment.summary
    tender.refresh_from_db()
    assert tender.abnormally_low_percent == 70


def test_once_locked_a_wrong_total_and_a_missing_reason_are_reported_together(
    client, tender, publisher_member
):
    lock(tender)
    response = signed_in(client, publisher_member).post(
        url("weights", tender), weights_data(tender, price="30")
    )
    assert "Say why the method is changing" in response.text
    assert "The weights add up to 110%; they must add up to 100%" in response.text


def test_once_locked_a_price_line_change_needs_a_reason(client, tender, publisher_member):
    lock(tender)
    lot = tender.opportunity.lots.get(number=1)
    signed_in(client, publisher_member)
    data = {"lot": lot.pk, "description": "Extra sessions", "quantity": "10", "unit": "session"}
    refused = client.post(url("add_price_line", tender), data)
    assert "Say why the method is changing" in refused.text
    assert 'value="Extra sessions"' in refused.text
    client.post(url("add_price_line", tender), data | {"reason": "Extra sessions are needed."})
    line = tender.price_lines.get(description="Extra sessions")

    refused = client.post(url("remove_price_line", tender, line.pk))
    assert "Say why the method is changing" in refused.text
    client.post(url("remove_price_line", tender, line.pk), {"reason": "Not needed after all."})
    assert not PriceLine.objects.filter(pk=line.pk).exists()
    assert Amendment.objects.filter(opportunity=tender.opportunity).count() == 2


def test_once_locked_questions_are_not_added_or_removed(client, tender, publisher_member):
    lock(tender)
    criterion = tender.criteria.first()
    signed_in(client, publisher_member)
    for page in (url("add_criterion", tender), url("remove_criterion", tender, criterion.pk)):
        response = client.get(page)
        assert "Questions cannot be added or removed now" in response.text
    client.post(url("remove_criterion", tender, criterion.pk), {"reason": "Not needed."})
    assert tender.criteria.filter(pk=criterion.pk).exists()
    page = client.get(url("tender", tender))
    assert url("add_criterion", tender) not in page.text
    assert url("remove_criterion", tender, criterion.pk) not in page.text
    assert url("edit_criterion", tender, criterion.pk) in page.text


def test_after_the_deadline_the_method_cannot_change(client, tender, publisher_member):
    criterion = tender.criteria.first()
    with time_machine.travel(tender.opportunity.submission_deadline + timedelta(minutes=1)):
        signed_in(client, publisher_member)
        for name, args in [
            ("settings", []),
            ("weights", []),
            ("add_criterion", []),
            ("edit_criterion", [criterion.pk]),
            ("remove_criterion", [criterion.pk]),
            ("add_price_line", []),
        ]:
            response = client.get(url(name, tender, *args))
            assert "The method can no longer change" in response.text, name
            assert "<form" not in response.text.split('id="main-content"')[1], name
        client.post(url("remove_criterion", tender, criterion.pk))
        assert tender.criteria.filter(pk=criterion.pk).exists()
        page = client.get(url("tender", tender))
        assert "the method can no longer change" in page.text
        assert url("add_criterion", tender) not in page.text


# The public method


def test_the_published_method_is_on_the_opportunity_page(client, tender, publisher_member):
    criterion = tender.criteria.first()
    actions.save_criterion(tender=tender, by=publisher_member, criterion=criterion, minimum_score=2)
    response = client.get(reverse("opportunities:detail", args=[tender.opportunity.reference]))
    assert "How bids will be scored" in response.text
    assert "A bid scoring below 2 on this question fails" in response.text
    assert "Excellent: goes beyond the requirement, with strong evidence of how." in response.text
    assert "Up to 500 words" in response.text
    assert "never rejected automatically" in response.text
    assert "a bid of £100,000 scores £80,000 ÷ £100,000 × 20 = 16 out of 20" in response.text
    assert "The higher quality score wins" in response.text


def test_a_draft_does_not_show_its_method(client, publisher_member):
    publisher = publisher_member.memberships.get().organisation
    opportunity = open_opportunity(publisher, published_at=None)
    actions.create_tender(opportunity=opportunity, by=publisher_member)
    response = signed_in(client, publisher_member).get(
        reverse("opportunities:detail", args=[opportunity.reference])
    )
    assert response.status_code == 200
    assert "How bids will be scored" not in response.text
    assert "Tender and bid box" in response.text


def test_an_opportunity_without_a_tender_shows_no_method(client, opportunity):
    response = client.get(reverse("opportunities:detail", args=[opportunity.reference]))
    assert response.status_code == 200
    assert "How bids will be scored" not in response.text


def test_the_public_method_costs_the_same_queries_for_2_or_12_questions(
    client, publisher_member, django_assert_max_num_queries
):
    publisher = publisher_member.memberships.get().organisation
    small, large = (
        actions.create_tender(opportunity=open_opportunity(publisher), by=publisher_member)
        for _ in range(2)
    )
    for criterion in small.criteria.all()[2:]:
        actions.remove_criterion(criterion=criterion, by=publisher_member)
    _add_questions(large, publisher_member, 8)
    detail = reverse("opportunities:detail", args=[small.opportunity.reference])
    client.get(detail)
    with django_assert_max_num_queries(30) as small_queries:
        client.get(detail)
    with django_assert_max_num_queries(len(small_queries)):
        response = client.get(reverse("opportunities:detail", args=[large.opportunity.reference]))
    assert "Extra question 7" in response.text

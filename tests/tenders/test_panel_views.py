"""The panel pages: the commissioners naming it, the evaluator's list of panels and their
page for a tender (declaring, the bids to score, the chair's progress table)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from tenders import actions
from tests.factories import MembershipFactory, PublisherFactory, UserFactory
from tests.tenders.bidding import signed_in
from tests.tenders.conftest import complete, submitted_bids
from tests.tenders.panels import declared, opened_tender, score_all, seat

pytestmark = pytest.mark.django_db


def _url(tender, name="tenders:panel", *args):
    return reverse(name, args=[tender.opportunity.reference, *args])


def test_a_commissioner_adds_an_evaluator_by_email(client, tender, publisher_member):
    signed_in(client, publisher_member)
    assert "Nobody is on the panel yet." in client.get(_url(tender)).text
    assert _url(tender) in client.get(_url(tender, "tenders:tender")).text
    evaluator = UserFactory(is_evaluator=True, full_name="Femi Okafor")
    response = client.post(
        _url(tender), {"email": evaluator.email, "role": "service_user"}, follow=True
    )
    assert "Femi Okafor is on the panel." in response.text
    assert "Service user representative" in response.text and "Chair" in response.text
    assert tender.panel.get().user == evaluator


def test_a_non_evaluator_is_refused_with_a_message(client, tender, publisher_member):
    signed_in(client, publisher_member)
    someone = UserFactory()
    page = client.post(_url(tender), {"email": someone.email, "role": "officer"}).text
    assert "There is a problem" in page
    assert f"{someone.email} is not an evaluator." in page
    assert not tender.panel.exists()


def test_the_chair_is_changed_a_role_changed_and_a_member_removed(client, tender, publisher_member):
    first, second = seat(tender, publisher_member), seat(tender, publisher_member)
    signed_in(client, publisher_member)
    client.post(_url(tender, "tenders:panel_chair", second.pk))
    assert list(tender.panel.filter(is_chair=True)) == [second]
    client.post(_url(tender, "tenders:panel_member", first.pk), {"role": "service_user"})
    first.refresh_from_db()
    assert first.role == "service_user"
    page = client.get(_url(tender, "tenders:panel_remove", second.pk)).text
    assert "name another chair before removing them" in page
    client.post(_url(tender, "tenders:panel_remove", second.pk))
    assert tender.panel.count() == 2
    client.post(_url(tender, "tenders:panel_remove", first.pk))
    assert list(tender.panel.all()) == [second]


def test_nobody_else_manages_the_panel(client, tender, publisher_member):
    member = seat(tender, publisher_member)
    outsiders = [
        member.user,
        UserFactory(is_evaluator=True),
        MembershipFactory(organisation=PublisherFactory()).user,
    ]
    for outsider in outsiders:
        signed_in(client, outsider)
        for url in (
            _url(tender),
            _url(tender, "tenders:panel_member", member.pk),
            _url(tender, "tenders:panel_remove", member.pk),
        ):
            assert client.get(url).status_code == 404
        assert client.post(_url(tender, "tenders:panel_chair", member.pk)).status_code == 404
    client.logout()
    assert client.get(_url(tender)).status_code == 404


def test_the_evaluators_list_shows_only_their_panels(client, opened_bids, tender, publisher_member):
    member = seat(tender, publisher_member)
    signed_in(client, member.user)
    page = client.get(reverse("tenders:evaluations")).text
    assert tender.opportunity.title in page and "Declare first" in page
    member = actions.declare_interests(member=member, by=member.user)
    assert "0 of 3 bids submitted" in client.get(reverse("tenders:evaluations")).text
    for bid in opened_bids:
        score_all(member, bid)
    assert "Moderation" in client.get(reverse("tenders:evaluations")).text

    signed_in(client, UserFactory(is_evaluator=True))
    page = client.get(reverse("tenders:evaluations")).text
    assert "You are not on any evaluation panel" in page
    assert tender.opportunity.title not in page
    for user in (UserFactory(), publisher_member):
        signed_in(client, user)
        assert client.get(reverse("tenders:evaluations")).status_code == 404


def test_before_opening_the_bids_are_sealed(client, tender, publisher_member):
    submitted_bids(tender, ["40000"])
    member = seat(tender, publisher_member)
    signed_in(client, member.user)
    page = client.get(_url(tender, "tenders:evaluation")).text
    assert "Bids are sealed" in page
    assert "Declare your interests" not in page
    assert "Community Group" not in page  # no bidder's name
    assert "sealed until the bid box is opened" in client.get(reverse("tenders:evaluations")).text


def test_before_declaring_only_the_bidders_names_are_shown(
    client, opened_bids, tender, publisher_member
):
    member = seat(tender, publisher_member)
    signed_in(client, member.user)
    page = client.get(_url(tender, "tenders:evaluation")).text
    for bid in opened_bids:
        assert bid.organisation.name in page
        assert bid.reference not in page
    assert "We will do it well." not in page
    for bid in opened_bids:
        assert client.get(_url(tender, "tenders:score_bid", bid.reference)).status_code == 404


def test_a_declared_conflict_hides_the_bid(client, opened_bids, tender, publisher_member):
    member = seat(tender, publisher_member)
    signed_in(client, member.user)
    page = client.post(_url(tender, "tenders:evaluation"), {"has_conflict": "some"}).text
    assert "Choose the bidders you have a conflict with" in page
    assert "Describe the conflict of interest" in page
    conflicted = opened_bids[1]
    client.post(
        _url(tender, "tenders:evaluation"),
        {"has_conflict": "some", "conflicts": [conflicted.pk], "declaration": "I am a trustee."},
    )
    member.refresh_from_db()
    assert member.has_declared and list(member.conflicts.all()) == [conflicted]
    page = client.get(_url(tender, "tenders:evaluation")).text
    assert opened_bids[0].reference in page and opened_bids[2].reference in page
    assert conflicted.reference not in page
    assert client.get(_url(tender, "tenders:score_bid", conflicted.reference)).status_code == 404
    assert (
        client.get(_url(tender, "tenders:score_bid", opened_bids[0].reference)).status_code == 200
    )
    # A further conflict hides another bid.
    client.post(
        _url(tender, "tenders:evaluation"),
        {"conflicts": [opened_bids[2].pk], "declaration": "Former employer."},
    )
    page = client.get(_url(tender, "tenders:evaluation")).text
    assert opened_bids[2].reference not in page and opened_bids[0].reference in page
    assert "0 of 1 bids submitted" in client.get(reverse("tenders:evaluations")).text


def test_no_conflict_shows_every_bid_to_score(client, opened_bids, tender, publisher_member):
    member = seat(tender, publisher_member)
    signed_in(client, member.user)
    response = client.post(
        _url(tender, "tenders:evaluation"), {"has_conflict": "none"}, follow=True
    )
    assert "Your declaration is recorded." in response.text
    for bid in opened_bids:
        assert bid.reference in response.text


def test_an_evaluator_not_on_the_panel_sees_nothing(client, opened_bids, tender, publisher_member):
    declared(tender, publisher_member)
    for outsider in (UserFactory(is_evaluator=True), UserFactory(), publisher_member):
        signed_in(client, outsider)
        assert client.get(_url(tender, "tenders:evaluation")).status_code == 404
        for bid in opened_bids:
            url = _url(tender, "tenders:score_bid", bid.reference)
            assert client.get(url).status_code == 404


def test_the_chair_sees_everyones_progress(client, opened_bids, tender, publisher_member):
    chair = declared(tender, publisher_member)
    conflicted = declared(tender, publisher_member, conflicts=[opened_bids[0]])
    waiting = seat(tender, publisher_member)
    score_all(conflicted, opened_bids[1])
    signed_in(client, chair.user)
    page = client.get(_url(tender, "tenders:evaluation")).text
    table = page.split('id="panel-progress"')[1].split("</table>")[0]
    rows = table.split("<tr")[2:]
    assert escape(chair.user.full_name) in rows[0] and "0 of 3" in rows[0]
    assert escape(conflicted.user.full_name) in rows[1] and "1 of 2" in rows[1]
    assert escape(waiting.user.full_name) in rows[2] and "Not declared" in rows[2]
    signed_in(client, conflicted.user)
    assert 'id="panel-progress"' not in client.get(_url(tender, "tenders:evaluation")).text


def test_the_evaluation_page_does_not_grow_with_bids_or_the_panel(
    client, publisher_member, time_machine, django_assert_max_num_queries
):
    """Two sizes: a chair alone with one bid; then five bids and five evaluators, each
    with scores submitted and a conflict."""
    small, (bid,) = opened_tender(publisher_member, time_machine, ["40000"])
    chair = declared(small, publisher_member)
    score_all(chair, bid)
    signed_in(client, chair.user)
    with django_assert_max_num_queries(30) as queries:
        client.get(_url(small, "tenders:evaluation"))

    big, bids = opened_tender(
        publisher_member, time_machine, ["40000", "50000", "60000", "70000", "80000"]
    )
    chair = declared(big, publisher_member)
    for _ in range(4):
        member = declared(big, publisher_member, conflicts=[bids[4]])
        for bid in bids[:2]:
            score_all(member, bid)
    signed_in(client, chair.user)
    with django_assert_max_num_queries(len(queries)):
        page = client.get(_url(big, "tenders:evaluation")).text
    assert page.count("2 of 4") == 4 and "0 of 5" in page
    assert all(bid.reference in page for bid in bids)


def test_partners_are_named_for_the_declaration(
    client, tender, publisher_member, bid, bidder, time_machine
):
    actions.add_partner(
        bid=bid, by=bidder, name="Riverside Tenants Co-op", identifier="IP31234", share_percent=30
    )
    complete(bid, bidder)
    actions.submit(bid=bid, by=bidder)
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    member = seat(tender, publisher_member)
    signed_in(client, member.user)
    page = client.get(_url(tender, "tenders:evaluation")).text
    assert f"{bidder.organisation.name} (with Riverside Tenants Co-op)" in page
    assert f"{bidder.organisation.name}, with Riverside Tenants Co-op" in page  # the checkbox


def test_the_to_do_asks_to_declare_and_to_score(client, opened_bids, tender, publisher_member):
    member = seat(tender, publisher_member)
    signed_in(client, member.user)
    title = tender.opportunity.title
    assert f"Declare your interests for {title}" in client.get("/").text
    member = actions.declare_interests(member=member, by=member.user)
    assert f"Score 3 bids for {title}" in client.get("/").text
    score_all(member, opened_bids[0])
    assert f"Score 2 bids for {title}" in client.get("/").text


def test_a_panel_without_bids_asks_nothing(client, tender, publisher_member, time_machine):
    member = seat(tender, publisher_member)
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    signed_in(client, member.user)
    assert "Declare your interests" not in client.get("/").text
    assert "There are no bids for you to score." in client.get(reverse("tenders:evaluations")).text

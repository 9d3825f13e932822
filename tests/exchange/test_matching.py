"""Proposing, accepting and declining matches: who may, what fits, and capacity."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exchange.actions.matching import accept_match, decline_match, propose_match
from exchange.models import Kind, Need, Offer, Status
from tests.concurrency import run_together
from tests.exchange.factories import NeedFactory, OfferFactory, member_of
from tests.factories import UserFactory, WardFactory

pytestmark = pytest.mark.django_db


def _propose(need, offer, quantity, by=None):
    return propose_match(
        need=need, offer=offer, by=by or member_of(offer.organisation), quantity=Decimal(quantity)
    )


def test_a_giver_proposes_and_the_recipient_accepts(mailoutbox, django_capture_on_commit_callbacks):
    need, offer = NeedFactory(), OfferFactory()
    recipient = member_of(need.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        match = _propose(need, offer, 7)
    assert [m.to for m in mailoutbox] == [[recipient.email]]
    assert "proposes a match" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        accept_match(match=match, by=recipient, answer="Thank you, Tuesdays suit us")
    offer.refresh_from_db()
    need.refresh_from_db()
    assert (offer.committed, offer.remaining) == (Decimal(7), Decimal(33))
    assert need.promised == 7 and need.status == Status.PARTLY_MET
    assert "accepted" in mailoutbox[-1].subject
    assert "Tuesdays suit us" in mailoutbox[-1].body


def test_the_recipient_may_propose_and_the_giver_answers():
    need, offer = NeedFactory(), OfferFactory()
    match = _propose(need, offer, 5, by=member_of(need.organisation))
    with pytest.raises(PermissionError):
        accept_match(match=match, by=member_of(need.organisation))
    accept_match(match=match, by=member_of(offer.organisation))


def test_nobody_outside_the_two_organisations_may_propose_or_answer():
    need, offer = NeedFactory(), OfferFactory()
    with pytest.raises(PermissionError):
        _propose(need, offer, 5, by=UserFactory())
    match = _propose(need, offer, 5)
    with pytest.raises(PermissionError):
        decline_match(match=match, by=UserFactory())


def test_a_match_beyond_the_offers_remaining_capacity_is_refused():
    offer = OfferFactory(capacity=10)
    first = NeedFactory()
    accept_match(match=_propose(first, offer, 8), by=member_of(first.organisation))
    with pytest.raises(ValidationError, match="Only 2 hours of this offer are left"):
        _propose(NeedFactory(), offer, 3)


def test_a_match_beyond_what_is_still_needed_is_refused():
    with pytest.raises(ValidationError, match="Only 20 hours are still needed"):
        _propose(NeedFactory(quantity=20), OfferFactory(), 25)


@pytest.mark.parametrize(
    "need_kwargs, offer_kwargs, message",
    [
        ({"kind": Kind.PREMISES}, {}, "the need is for premises"),
        ({}, {"citywide": False}, "not available in"),
        ({}, {"available_from_days": 90}, "starts after the date"),
        ({"closed": True}, {}, "This need is closed"),
        ({}, {"closed": True}, "This offer is closed"),
    ],
)
def test_a_need_and_an_offer_that_do_not_fit_cannot_be_matched(need_kwargs, offer_kwargs, message):
    from datetime import timedelta

    from django.utils import timezone

    need = NeedFactory(**{k: v for k, v in need_kwargs.items() if k != "closed"})
    offer_fields = {
        k: v for k, v in offer_kwargs.items() if k not in {"closed", "available_from_days"}
    }
    if "available_from_days" in offer_kwargs:
        start = timezone.localdate() + timedelta(days=offer_kwargs["available_from_days"])
        offer_fields |= {"available_from": start, "available_until": start + timedelta(days=30)}
    offer = OfferFactory(**offer_fields)
    if offer_kwargs.get("closed"):
        Offer.objects.filter(pk=offer.pk).update(closed_at=timezone.now())
        offer.refresh_from_db()
    if need_kwargs.get("closed"):
        Need.objects.filter(pk=need.pk).update(closed_at=timezone.now())
        need.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        _propose(need, offer, 5)


def test_an_offer_for_named_wards_reaches_only_those_and_online_needs_online():
    ward = WardFactory()
    offer = OfferFactory(citywide=False, wards=[ward])
    _propose(NeedFactory(ward=ward), offer, 5)
    online_offer = OfferFactory(citywide=False, online=True)
    _propose(NeedFactory(online=True), online_offer, 5)
    with pytest.raises(ValidationError, match="not available in"):
        _propose(NeedFactory(online=False), online_offer, 5)


def test_an_organisation_cannot_take_up_its_own_offer():
    offer = OfferFactory()
    need = NeedFactory(organisation=offer.organisation)
    with pytest.raises(ValidationError, match="its own offer"):
        _propose(need, offer, 5)


def test_a_pair_has_one_live_match_and_can_be_matched_again_after_a_decline(
    mailoutbox, django_capture_on_commit_callbacks
):
    need, offer = NeedFactory(), OfferFactory()
    member_of(offer.organisation)
    match = _propose(need, offer, 5)
    with pytest.raises(ValidationError, match="already matched"):
        _propose(need, offer, 2)
    with django_capture_on_commit_callbacks(execute=True):
        decline_match(match=match, by=member_of(need.organisation), answer="We found help nearer")
    assert "declined" in mailoutbox[-1].subject and "nearer" in mailoutbox[-1].body
    _propose(need, offer, 2)


def test_a_match_is_answered_once():
    need, offer = NeedFactory(), OfferFactory()
    match = _propose(need, offer, 5)
    recipient = member_of(need.organisation)
    decline_match(match=match, by=recipient)
    with pytest.raises(ValidationError, match="already been answered"):
        accept_match(match=match, by=recipient)


def test_accepting_rechecks_capacity_taken_since_the_proposal():
    offer = OfferFactory(capacity=10)
    needs = [NeedFactory(), NeedFactory()]
    matches = [_propose(need, offer, 6) for need in needs]
    accept_match(match=matches[0], by=member_of(needs[0].organisation))
    with pytest.raises(ValidationError, match="Only 4 hours of this offer are left"):
        accept_match(match=matches[1], by=member_of(needs[1].organisation))


def test_the_email_to_the_other_side_shows_no_addresses(
    mailoutbox, django_capture_on_commit_callbacks
):
    need, offer = NeedFactory(), OfferFactory()
    giver = member_of(offer.organisation)
    member_of(need.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        propose_match(
            need=need, offer=offer, by=giver, quantity=Decimal(5), message="Happy to help"
        )
    assert giver.email not in mailoutbox[0].body
    assert "Happy to help" in mailoutbox[0].body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_acceptances_taking_the_last_capacity_at_once_leave_one():
    offer = OfferFactory(capacity=10)
    needs = [NeedFactory() for _ in range(2)]
    matches = [_propose(need, offer, 10) for need in needs]
    answerers = [member_of(need.organisation) for need in needs]

    def accept(i):
        try:
            accept_match(match=matches[i], by=answerers[i])
        except ValidationError:
            return "refused"
        return "accepted"

    results, errors = run_together(accept, count=2)
    assert errors == []
    assert sorted(results) == ["accepted", "refused"]
    offer.refresh_from_db()
    assert offer.committed == 10

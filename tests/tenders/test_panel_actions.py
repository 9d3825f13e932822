"""Naming the evaluation panel and declaring interests (tenders.actions.panel)."""

import pytest
from django.core.exceptions import ValidationError

from tenders import actions
from tenders.evaluation import evaluation_of
from tenders.models import PanelMember, TenderEvent
from tests.factories import MembershipFactory, PublisherFactory, UserFactory
from tests.tenders.panels import declared, score_all, seat

pytestmark = pytest.mark.django_db


def _kinds(tender, kind):
    return list(tender.events.filter(kind=kind).values_list("summary", flat=True))


def test_an_evaluator_is_added_by_email_and_the_first_chairs(tender, publisher_member):
    evaluator = UserFactory(is_evaluator=True, full_name="Asha Patel")
    member = actions.add_panel_member(
        tender=tender, email=evaluator.email.upper(), role="service_user", by=publisher_member
    )
    assert member.user == evaluator and member.role == "service_user" and member.is_chair
    assert member.added_by == publisher_member
    assert _kinds(tender, TenderEvent.Kind.PANEL_CHANGED) == [
        "Asha Patel added to the panel as service user representative",
        "Asha Patel now chairs the panel",
    ]
    second = seat(tender, publisher_member)
    assert not second.is_chair


def test_only_evaluators_sit_on_a_panel(tender, publisher_member):
    for email in (UserFactory().email, "nobody@example.org"):
        with pytest.raises(ValidationError) as refused:
            actions.add_panel_member(
                tender=tender, email=email, role="officer", by=publisher_member
            )
        assert refused.value.message_dict["email"] == [
            f"{email} is not an evaluator. Only people with the evaluator role can sit on a "
            "panel: ask a site administrator to give it to them."
        ]
    inactive = UserFactory(is_evaluator=True, is_active=False)
    with pytest.raises(ValidationError):
        actions.add_panel_member(
            tender=tender, email=inactive.email, role="officer", by=publisher_member
        )
    assert not PanelMember.objects.exists()


def test_an_evaluator_sits_once(tender, publisher_member):
    member = seat(tender, publisher_member)
    with pytest.raises(ValidationError, match="already on the panel"):
        actions.add_panel_member(
            tender=tender, email=member.user.email, role="officer", by=publisher_member
        )


def test_only_the_publishers_commissioners_name_the_panel(tender, publisher_member):
    evaluator = UserFactory(is_evaluator=True)
    other = MembershipFactory(organisation=PublisherFactory()).user
    for outsider in (other, evaluator):
        with pytest.raises(PermissionError):
            actions.add_panel_member(
                tender=tender, email=evaluator.email, role="officer", by=outsider
            )
    member = seat(tender, publisher_member)
    with pytest.raises(PermissionError):
        actions.make_chair(member=member, by=other)
    with pytest.raises(PermissionError):
        actions.remove_panel_member(member=member, by=other)


def test_the_panel_has_exactly_one_chair(tender, publisher_member):
    first = seat(tender, publisher_member)
    second = seat(tender, publisher_member, chair=True)
    third = seat(tender, publisher_member)
    assert list(tender.panel.filter(is_chair=True)) == [second]
    actions.make_chair(member=third, by=publisher_member)
    assert list(tender.panel.filter(is_chair=True)) == [third]
    first.refresh_from_db()
    assert not first.is_chair
    assert _kinds(tender, TenderEvent.Kind.PANEL_CHANGED)[-1].endswith("now chairs the panel")


def test_a_role_change_is_logged(tender, publisher_member):
    member = seat(tender, publisher_member)
    actions.change_panel_role(member=member, role="service_user", by=publisher_member)
    member.refresh_from_db()
    assert member.role == "service_user"
    assert _kinds(tender, TenderEvent.Kind.PANEL_CHANGED)[-1].endswith(
        "is now on the panel as service user representative"
    )
    with pytest.raises(ValidationError):
        actions.change_panel_role(member=member, role="judge", by=publisher_member)


def test_a_member_leaves_only_before_declaring_and_never_leaving_no_chair(
    opened_bids, tender, publisher_member
):
    chair = seat(tender, publisher_member)
    member = seat(tender, publisher_member)
    with pytest.raises(ValidationError, match="name another chair before removing them"):
        actions.remove_panel_member(member=chair, by=publisher_member)
    done = declared(tender, publisher_member)
    with pytest.raises(ValidationError, match="has declared their interests"):
        actions.remove_panel_member(member=done, by=publisher_member)
    actions.remove_panel_member(member=member, by=publisher_member)
    assert not tender.panel.filter(pk=member.pk).exists()
    assert _kinds(tender, TenderEvent.Kind.PANEL_CHANGED)[-1].endswith("removed from the panel")


def test_the_panel_can_be_named_before_the_deadline(tender, publisher_member):
    assert tender.opened_at is None
    assert seat(tender, publisher_member).pk


def test_nobody_declares_before_the_box_is_opened(tender, publisher_member):
    member = seat(tender, publisher_member)
    with pytest.raises(ValidationError, match="Bids are sealed"):
        actions.declare_interests(member=member, by=member.user)
    member.refresh_from_db()
    assert not member.has_declared


def test_no_conflict_is_recorded_and_logged(opened_bids, tender, publisher_member):
    member = seat(tender, publisher_member)
    assert evaluation_of(tender, member.user).bids == []
    actions.declare_interests(member=member, by=member.user)
    member.refresh_from_db()
    assert member.declared_at == tender.opened_at  # the frozen clock
    assert not member.conflicts.exists()
    assert len(evaluation_of(tender, member.user).bids) == 3
    (event,) = tender.events.filter(kind=TenderEvent.Kind.DECLARED)
    assert event.summary.endswith("declared no conflict of interest")
    assert event.detail["conflicts"] == [] and event.detail["first"] is True


def test_a_conflict_hides_the_bid_and_needs_a_description(opened_bids, tender, publisher_member):
    member = seat(tender, publisher_member)
    with pytest.raises(ValidationError) as refused:
        actions.declare_interests(member=member, by=member.user, conflicts=[opened_bids[0]])
    assert refused.value.message_dict == {"declaration": ["Describe the conflict of interest"]}
    actions.declare_interests(
        member=member, by=member.user, conflicts=[opened_bids[0]], declaration="I am a trustee."
    )
    seen = [bid.pk for bid in evaluation_of(tender, member.user).bids]
    assert seen == [opened_bids[1].pk, opened_bids[2].pk]
    event = tender.events.get(kind=TenderEvent.Kind.DECLARED)
    assert event.detail["conflicts"] == [opened_bids[0].reference]
    assert opened_bids[0].organisation.name in event.summary


def test_a_declaration_cannot_be_undone_but_a_further_conflict_can_be_added(
    opened_bids, tender, publisher_member
):
    member = declared(tender, publisher_member)
    first = member.declared_at
    with pytest.raises(ValidationError, match="further conflict"):
        actions.declare_interests(member=member, by=member.user)
    actions.declare_interests(
        member=member, by=member.user, conflicts=[opened_bids[2]], declaration="Ex-employer."
    )
    member.refresh_from_db()
    assert member.declared_at == first
    assert list(member.conflicts.all()) == [opened_bids[2]]
    assert member.declaration == "Ex-employer."
    assert [bid.pk for bid in actions.scorable_bids(member)] == [
        opened_bids[0].pk,
        opened_bids[1].pk,
    ]
    assert tender.events.filter(kind=TenderEvent.Kind.DECLARED).count() == 2


def test_only_the_evaluator_declares_and_only_against_this_tenders_bids(
    bid, opened_bids, tender, publisher_member
):
    member = seat(tender, publisher_member)
    with pytest.raises(PermissionError):
        actions.declare_interests(member=member, by=publisher_member)
    with pytest.raises(ValidationError):  # a draft is not a bidder
        actions.declare_interests(member=member, by=member.user, conflicts=[bid], declaration="x")


def test_a_member_who_scored_stays(opened_bids, tender, publisher_member):
    member = declared(tender, publisher_member)
    score_all(member, opened_bids[0])
    assert "has declared" in actions.removal_problem(member)

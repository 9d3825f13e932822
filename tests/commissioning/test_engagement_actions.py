"""Engagement events through the actions: creating, changing and cancelling them,
registering attendees with a waiting list, places given up, and what an event changed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from commissioning.actions import engagement as actions
from commissioning.models import EventKind, Registration
from tests.commissioning.factories import EngagementEventFactory, ProjectFactory
from tests.concurrency import run_together
from tests.factories import MembershipFactory, PublisherFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    return PublisherFactory()


@pytest.fixture
def commissioner(publisher):
    return MembershipFactory(organisation=publisher).user


@pytest.fixture
def member():
    return MembershipFactory()


@pytest.fixture(autouse=True)
def _emails_sent_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """Each action's emails go when its transaction commits, as in a request."""
    for name in ("register", "cancel_registration", "update_event", "cancel_event"):
        action = getattr(actions, name)

        def committed(*args, _action=action, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return _action(*args, **kwargs)

        monkeypatch.setattr(actions, name, committed)


def event_fields(**fields):
    starts = timezone.now() + timedelta(days=10)
    return {
        "kind": EventKind.MARKET_DAY,
        "title": "Older people's market day",
        "description": "Tell us what works.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "online": False,
        "venue": "Council House, Birmingham",
        "joining_details": "",
        "capacity": 2,
        "accessibility": "Step-free",
        "contact_email": "events@example.org",
    } | fields


def sign_up(event, membership, email, **kwargs):
    return actions.register(
        event=event,
        organisation=membership.organisation,
        by=membership.user,
        attendee_name="Attendee",
        attendee_email=email,
        **kwargs,
    )


# --- Events ----------------------------------------------------------------------------------


def test_a_commissioner_creates_an_event_for_a_project_of_theirs(publisher, commissioner):
    project = ProjectFactory(publisher=publisher)
    event = actions.create_event(
        publisher=publisher, by=commissioner, **event_fields(project=project)
    )
    assert event.project == project and event.created_by == commissioner


def test_an_event_for_another_publishers_project_is_refused(publisher, commissioner):
    with pytest.raises(ValidationError) as error:
        actions.create_event(
            publisher=publisher, by=commissioner, **event_fields(project=ProjectFactory())
        )
    assert "project" in error.value.message_dict


def test_an_outsider_cannot_create_an_event(publisher):
    with pytest.raises(PermissionError):
        actions.create_event(publisher=publisher, by=UserFactory(), **event_fields())


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"ends_at": timezone.now()}, "ends_time", "end after it starts"),
        ({"venue": ""}, "venue", "venue"),
        ({"online": True, "venue": ""}, "joining_details", "join"),
        ({"capacity": 0}, "capacity", "at least 1 place"),
    ],
)
def test_a_bad_event_is_refused_with_a_message(publisher, commissioner, fields, field, words):
    with pytest.raises(ValidationError) as error:
        actions.create_event(publisher=publisher, by=commissioner, **event_fields(**fields))
    assert words in error.value.message_dict[field][0]


def test_an_online_event_needs_no_venue(publisher, commissioner):
    event = actions.create_event(
        publisher=publisher,
        by=commissioner,
        **event_fields(online=True, venue="", joining_details="Teams link"),
    )
    assert event.online


def test_fewer_places_than_taken_is_refused(publisher, commissioner, member):
    event = EngagementEventFactory(publisher=publisher, capacity=2)
    sign_up(event, member, "a@example.org")
    sign_up(event, member, "b@example.org")
    with pytest.raises(ValidationError, match="2 places are already taken"):
        actions.update_event(event=event, by=commissioner, capacity=1)


def test_more_places_go_to_the_waiting_list_in_order(publisher, commissioner, member):
    event = EngagementEventFactory(publisher=publisher, capacity=1)
    sign_up(event, member, "a@example.org")
    second = sign_up(event, member, "b@example.org")
    third = sign_up(event, member, "c@example.org")
    mail.outbox.clear()
    actions.update_event(event=event, by=commissioner, capacity=2)
    second.refresh_from_db(), third.refresh_from_db()
    assert second.place_confirmed_at and not third.place_confirmed_at
    assert [m.to for m in mail.outbox] == [["b@example.org"]]


def test_cancelling_an_event_tells_everyone_registered(publisher, commissioner, member):
    event = EngagementEventFactory(publisher=publisher, capacity=1)
    sign_up(event, member, "a@example.org")
    sign_up(event, member, "b@example.org")
    mail.outbox.clear()
    actions.cancel_event(event=event, by=commissioner)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all("Cancelled" in m.subject for m in mail.outbox)
    with pytest.raises(ValidationError, match="already cancelled"):
        actions.cancel_event(event=event, by=commissioner)
    with pytest.raises(ValidationError, match="cancelled"):
        actions.update_event(event=event, by=commissioner, title="New")


def test_an_outsider_cannot_cancel_an_event(publisher):
    event = EngagementEventFactory(publisher=publisher)
    with pytest.raises(PermissionError):
        actions.cancel_event(event=event, by=MembershipFactory().user)


# --- Registration ----------------------------------------------------------------------------


def test_a_member_registers_an_attendee_with_a_place_and_they_are_emailed(member):
    event = EngagementEventFactory(capacity=1)
    registration = sign_up(event, member, "sam@example.org", access_needs="Hearing loop")
    assert registration.place_confirmed_at is not None
    assert registration.registered_by == member.user
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.org"]
    assert "Your place at" in mail.outbox[0].subject
    assert mail.outbox[0].reply_to == [event.contact_email]


def test_when_full_the_registration_goes_on_the_waiting_list_and_says_so(member):
    event = EngagementEventFactory(capacity=1)
    sign_up(event, member, "first@example.org")
    waiting = sign_up(event, member, "second@example.org")
    assert waiting.on_waiting_list
    assert "waiting list" in mail.outbox[-1].subject
    assert "waiting list" in mail.outbox[-1].body


def test_the_same_email_twice_is_refused(member):
    event = EngagementEventFactory()
    sign_up(event, member, "sam@example.org")
    with pytest.raises(ValidationError) as error:
        sign_up(event, member, "SAM@example.org")
    assert "already registered" in error.value.message_dict["attendee_email"][0]


def test_someone_not_in_the_organisation_cannot_register_for_it(member):
    with pytest.raises(PermissionError):
        actions.register(
            event=EngagementEventFactory(),
            organisation=member.organisation,
            by=UserFactory(),
            attendee_name="X",
            attendee_email="x@example.org",
        )


def test_registration_for_a_cancelled_or_started_event_is_refused(member):
    cancelled = EngagementEventFactory(cancelled_at=timezone.now())
    with pytest.raises(ValidationError, match="cancelled"):
        sign_up(cancelled, member, "a@example.org")
    started = EngagementEventFactory(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError, match="already started"):
        sign_up(started, member, "a@example.org")


def test_notify_false_sends_nothing(member):
    sign_up(EngagementEventFactory(), member, "a@example.org", notify=False)
    assert mail.outbox == []


def test_a_place_given_up_goes_to_the_first_on_the_waiting_list(member):
    event = EngagementEventFactory(capacity=1)
    holder = sign_up(event, member, "holder@example.org")
    first = sign_up(event, member, "first@example.org")
    second = sign_up(event, member, "second@example.org")
    mail.outbox.clear()
    actions.cancel_registration(registration=holder, by=member.user)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.place_confirmed_at and second.on_waiting_list
    assert [m.to for m in mail.outbox] == [["first@example.org"]]
    assert "now yours" in mail.outbox[0].subject
    assert actions.places_left(event) == 0


def test_leaving_the_waiting_list_offers_nothing(member):
    event = EngagementEventFactory(capacity=1)
    sign_up(event, member, "holder@example.org")
    first = sign_up(event, member, "first@example.org")
    second = sign_up(event, member, "second@example.org")
    mail.outbox.clear()
    actions.cancel_registration(registration=first, by=member.user)
    second.refresh_from_db()
    assert second.on_waiting_list and mail.outbox == []


def test_the_commissioner_may_cancel_a_place_but_another_organisation_may_not(
    publisher, commissioner, member
):
    event = EngagementEventFactory(publisher=publisher)
    registration = sign_up(event, member, "a@example.org")
    with pytest.raises(PermissionError):
        actions.cancel_registration(registration=registration, by=MembershipFactory().user)
    actions.cancel_registration(registration=registration, by=commissioner)
    with pytest.raises(ValidationError, match="already cancelled"):
        actions.cancel_registration(registration=registration, by=commissioner)


def test_a_cancelled_attendee_can_register_again(member):
    event = EngagementEventFactory()
    registration = sign_up(event, member, "a@example.org")
    actions.cancel_registration(registration=registration, by=member.user)
    assert sign_up(event, member, "a@example.org").place_confirmed_at


# --- What it changed -------------------------------------------------------------------------


def test_what_changed_is_recorded_after_the_event(publisher, commissioner):
    event = EngagementEventFactory(publisher=publisher)
    with pytest.raises(ValidationError, match="once it has taken place"):
        actions.record_what_changed(event=event, by=commissioner, text="Plans changed")
    later = event.ends_at + timedelta(days=1)
    actions.record_what_changed(event=event, by=commissioner, text=" Two lots ", now=later)
    event.refresh_from_db()
    assert (event.what_changed, event.what_changed_at, event.what_changed_by) == (
        "Two lots",
        later,
        commissioner,
    )


def test_an_outsider_cannot_record_what_changed(publisher):
    event = EngagementEventFactory(publisher=publisher)
    with pytest.raises(PermissionError):
        actions.record_what_changed(event=event, by=UserFactory(), text="x")


# --- At the same moment ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_registrations_for_the_last_place_leave_one_with_it_and_one_waiting():
    event = EngagementEventFactory(capacity=3)
    members = [MembershipFactory() for _ in range(2)]
    for n in range(2):
        sign_up(event, members[0], f"early{n}@example.org", notify=False)

    def register(i):
        return sign_up(event, members[i], f"racer{i}@example.org", notify=False).pk

    results, errors = run_together(register, count=2)
    assert errors == []
    racers = Registration.objects.filter(pk__in=results)
    assert sorted(r.place_confirmed_at is not None for r in racers) == [False, True]
    assert actions.confirmed(event).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_registrations_for_five_places_give_out_exactly_five():
    event = EngagementEventFactory(capacity=5)
    members = [MembershipFactory() for _ in range(20)]

    def register(i):
        return sign_up(event, members[i], f"racer{i}@example.org", notify=False).pk

    results, errors = run_together(register, count=20)
    assert errors == []
    assert actions.confirmed(event).count() == 5
    assert actions.waiting(event).count() == 15


def test_joining_details_go_only_to_those_with_a_place(member):
    event = EngagementEventFactory(
        capacity=1, online=True, venue="", joining_details="https://meet.example/secret"
    )
    sign_up(event, member, "place@example.org")
    sign_up(event, member, "waiting@example.org")
    place, waiting_email = mail.outbox
    assert "https://meet.example/secret" in place.body
    assert "https://meet.example/secret" not in waiting_email.body

"""The event pages: the public list and event page, registering attendees, and the
commissioner's pages to run an event, each tried by the right persona and an outsider."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commissioning.models import EngagementEvent, EventKind, Registration
from tests.commissioning.factories import EngagementEventFactory, ProjectFactory, registration

pytestmark = pytest.mark.django_db

EVENTS = reverse("commissioning:events")


def url(name, event, *args):
    return reverse(f"commissioning:{name}", args=[event.pk, *args])


@pytest.fixture
def event(commissioner):
    return EngagementEventFactory(publisher=commissioner.organisation, capacity=1)


# --- Public pages ----------------------------------------------------------------------------


def test_a_visitor_lists_upcoming_events_and_not_past_or_cancelled(visitor):
    EngagementEventFactory(title="Carers market day")
    EngagementEventFactory(title="Cancelled forum", cancelled_at=timezone.now())
    past = timezone.now() - timedelta(days=30)
    EngagementEventFactory(title="Old forum", starts_at=past, ends_at=past + timedelta(hours=2))
    page = visitor.get(EVENTS).content.decode()
    assert "Carers market day" in page
    assert "Old forum" not in page and "Cancelled forum" not in page
    assert "Old forum" in visitor.get(reverse("commissioning:past_events")).content.decode()


def test_the_list_filters_by_kind(visitor):
    EngagementEventFactory(title="Market day", kind=EventKind.MARKET_DAY)
    forum = EngagementEventFactory(title="Forum", kind=EventKind.PROVIDER_FORUM)
    response = visitor.get(f"{EVENTS}?kind=provider_forum")
    assert [e.pk for e in response.context["page"]] == [forum.pk]
    assert "Select a type of event" in visitor.get(f"{EVENTS}?kind=party").content.decode()


def test_the_list_queries_do_not_grow(visitor):
    def count():
        with CaptureQueriesContext(connection) as queries:
            visitor.get(EVENTS)
        return len(queries)

    EngagementEventFactory.create_batch(2, project=ProjectFactory())
    few = count()
    EngagementEventFactory.create_batch(15, project=ProjectFactory())
    assert count() == few


def test_a_visitor_reads_an_event_with_places_left(visitor):
    event = EngagementEventFactory(capacity=3)
    registration(event)
    page = visitor.get(event.get_absolute_url()).content.decode()
    assert event.title in page and "2 places left of 3" in page
    assert "sign in" in page


def test_the_joining_details_are_not_public(visitor):
    event = EngagementEventFactory(online=True, venue="", joining_details="https://secret.example")
    assert "secret.example" not in visitor.get(event.get_absolute_url()).content.decode()


def test_what_the_event_changed_is_shown_publicly(visitor):
    project = ProjectFactory()
    event = EngagementEventFactory(project=project, what_changed="We split the contract in two.")
    assert "split the contract" in visitor.get(event.get_absolute_url()).content.decode()
    assert "split the contract" in visitor.get(project.get_absolute_url()).content.decode()


# --- Registering -----------------------------------------------------------------------------


def register(client, event, email="sam@example.org"):
    with_commit = {"attendee_name": "Sam", "attendee_email": email, "access_needs": "Loop"}
    return client.post(url("event_register", event), with_commit, follow=True)


def test_a_member_registers_an_attendee_and_is_told_they_have_a_place(
    organisation_admin, django_capture_on_commit_callbacks
):
    event = EngagementEventFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        page = register(organisation_admin, event).content.decode()
    assert "Sam has a place" in page
    registered = Registration.objects.get()
    assert registered.organisation == organisation_admin.organisation
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "Place confirmed" in page


def test_when_full_the_member_is_told_of_the_waiting_list(
    organisation_admin, django_capture_on_commit_callbacks
):
    event = EngagementEventFactory(capacity=1)
    registration(event)
    with django_capture_on_commit_callbacks(execute=True):
        page = register(organisation_admin, event).content.decode()
    assert "is on the waiting list" in page
    assert "waiting list" in mail.outbox[0].subject


def test_a_duplicate_email_is_refused_with_a_message(organisation_admin):
    event = EngagementEventFactory()
    registration(event, email="sam@example.org")
    response = register(organisation_admin, event)
    assert "sam@example.org is already registered" in response.content.decode()
    assert Registration.objects.count() == 1


def test_someone_without_an_organisation_cannot_register(member, visitor):
    event = EngagementEventFactory()
    assert member.get(url("event_register", event)).status_code == 404


def test_the_publishers_commissioner_is_not_offered_a_place_at_their_own_event(commissioner, event):
    assert "Register an attendee" not in commissioner.get(event.get_absolute_url()).content.decode()
    assert commissioner.get(url("event_register", event)).status_code == 404


def test_a_visitor_is_sent_to_sign_in_to_register(visitor):
    response = visitor.get(url("event_register", EngagementEventFactory()))
    assert response.status_code == 302 and "login" in response.url


def test_a_member_cancels_their_attendee_and_the_place_is_offered(
    organisation_admin, django_capture_on_commit_callbacks
):
    event = EngagementEventFactory(capacity=1)
    ours = registration(event, organisation=organisation_admin.organisation)
    waiting = registration(event, confirmed=False, email="next@example.org")
    cancel = url("registration_cancel", event, ours.pk)
    assert "Cancel Sam Attendee" in organisation_admin.get(cancel).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        organisation_admin.post(cancel)
    waiting.refresh_from_db()
    assert waiting.place_confirmed_at is not None
    assert [m.to for m in mail.outbox] == [["next@example.org"]]


def test_another_organisation_cannot_cancel_a_place(other_member):
    event = EngagementEventFactory()
    theirs = registration(event)
    assert other_member.post(url("registration_cancel", event, theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None


# --- Running the event -----------------------------------------------------------------------


def event_data(**fields):
    return {
        "kind": "market_day",
        "title": "Carers market day",
        "description": "Meet the commissioners.",
        "starts_date": "12/3/2030",
        "starts_time": "10:00",
        "ends_date": "12/3/2030",
        "ends_time": "13:00",
        "venue": "Council House",
        "capacity": "30",
        "contact_email": "events@example.org",
    } | fields


def test_a_commissioner_creates_an_event_for_a_project(commissioner):
    project = ProjectFactory(publisher=commissioner.organisation)
    create = reverse("commissioning:event_create") + f"?project={project.reference}"
    assert commissioner.get(create).context["form"].initial["project"] == project.pk
    response = commissioner.post(create, event_data(project=project.pk))
    event = EngagementEvent.objects.get()
    assert response.url == event.get_absolute_url()
    assert event.project == project and event.capacity == 30
    assert timezone.localtime(event.starts_at).hour == 10


def test_an_event_that_ends_before_it_starts_is_refused_keeping_the_input(commissioner):
    response = commissioner.post(
        reverse("commissioning:event_create"), event_data(ends_time="09:00")
    )
    page = response.content.decode()
    assert "The event must end after it starts" in page and "Carers market day" in page
    assert not EngagementEvent.objects.exists()


@pytest.mark.parametrize("persona", ["visitor", "member", "other_member"])
def test_only_commissioners_create_events(persona, request):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("commissioning:event_create")).status_code == 404


def test_the_commissioner_edits_the_event(commissioner, event):
    commissioner.post(url("event_edit", event), event_data(title="Renamed"))
    event.refresh_from_db()
    assert event.title == "Renamed"


def test_the_commissioner_cancels_the_event(commissioner, event):
    assert "Are you sure" in commissioner.get(url("event_cancel", event)).content.decode()
    commissioner.post(url("event_cancel", event))
    event.refresh_from_db()
    assert event.cancelled_at is not None


def test_the_commissioner_sees_the_attendees_and_downloads_them(commissioner, event):
    registration(event, attendee_name="Ann Place", access_needs="Wheelchair space")
    registration(event, attendee_name="=Wait Er", confirmed=False)
    page = commissioner.get(url("event_attendees", event)).content.decode()
    assert "Ann Place" in page and "Wheelchair space" in page and "Waiting list" in page
    response = commissioner.get(url("event_attendees_csv", event))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Organisation", "Name", "Email", "Access needs", "Status"]
    assert [row[1] for row in rows[1:]] == ["Ann Place", "'=Wait Er"]
    assert [row[4] for row in rows[1:]] == ["Place", "Waiting list"]


def test_the_commissioner_records_what_the_event_changed(commissioner):
    past = timezone.now() - timedelta(days=2)
    event = EngagementEventFactory(
        publisher=commissioner.organisation, starts_at=past, ends_at=past + timedelta(hours=2)
    )
    commissioner.post(url("event_what_changed", event), {"what_changed": "Two lots, not one."})
    event.refresh_from_db()
    assert event.what_changed == "Two lots, not one."


@pytest.mark.parametrize(
    "name",
    ["event_edit", "event_cancel", "event_attendees", "event_attendees_csv", "event_what_changed"],
)
def test_an_outsider_gets_404_on_the_commissioners_pages(name, other_member, client):
    event = EngagementEventFactory()
    assert other_member.get(url(name, event)).status_code == 404
    assert other_member.post(url(name, event)).status_code in {404, 405}
    client.logout()
    assert client.get(url(name, event)).status_code == 404


def test_a_past_event_says_how_many_places_were_taken_and_offers_no_registration(member):
    past = timezone.now() - timedelta(days=3)
    event = EngagementEventFactory(starts_at=past, ends_at=past + timedelta(hours=2), capacity=30)
    registration(event)
    page = member.get(event.get_absolute_url()).content.decode()
    assert "1 place of 30 taken" in page and "Register an attendee" not in page


def test_a_member_of_two_organisations_chooses_which_one_and_no_other(organisation_admin):
    from tests.factories import MembershipFactory, OrganisationFactory

    second = MembershipFactory(user=organisation_admin.user).organisation
    event = EngagementEventFactory()
    form = organisation_admin.get(url("event_register", event)).context["form"]
    assert set(form.fields["organisation"].queryset) == {organisation_admin.organisation, second}
    data = {"attendee_name": "Sam", "attendee_email": "sam@example.org"}
    response = organisation_admin.post(
        url("event_register", event), data | {"organisation": OrganisationFactory().pk}
    )
    assert "Choose one of your organisations" in response.content.decode()
    organisation_admin.post(url("event_register", event), data | {"organisation": second.pk})
    assert Registration.objects.get().organisation == second

"""Signposting: a councillor sends a live opportunity to an organisation's contacts."""

import datetime
import re
from datetime import UTC

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from councillors.actions.signposting import signpost
from councillors.models import Signposting
from organisations.models import KeyContact
from tests.factories import (
    CouncillorFactory,
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    UserFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

# Tuesday 1 December 2026, 10am in London (GMT).
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def opportunity():
    return OpportunityFactory(
        title="Youth club in Aston",
        publisher__name="Aston Commissioning Hub",
        submission_deadline=datetime.datetime(2027, 2, 1, 12, 0, tzinfo=UTC),
        clarification_deadline=datetime.datetime(2027, 1, 20, 12, 0, tzinfo=UTC),
    )


@pytest.fixture
def group():
    """Aston Youth Trust: contacts with a duplicate, a blank, an inactive member and its own."""
    organisation = OrganisationFactory(name="Aston Youth Trust", email="hello@aston.example")
    MembershipFactory(organisation=organisation, user__email="amir@aston.example")
    MembershipFactory(organisation=organisation, user__email="bea@aston.example")
    MembershipFactory(
        organisation=organisation, user__email="gone@aston.example", user__is_active=False
    )
    KeyContact.objects.create(
        organisation=organisation, name="Amir", role="Chair", email="AMIR@aston.example"
    )
    KeyContact.objects.create(
        organisation=organisation, name="Cat", role="Bid lead", email="cat@aston.example"
    )
    KeyContact.objects.create(organisation=organisation, name="Dev", role="Treasurer", email="")
    MembershipFactory(user__email="elsewhere@other.example")  # another organisation's member
    return organisation


CONTACTS = [
    "amir@aston.example",
    "bea@aston.example",
    "cat@aston.example",
    "hello@aston.example",
]


def the_councillor(client):
    return client.user.councillor


def send(client, opportunity, organisation, note=""):
    return signpost(
        councillor=the_councillor(client),
        by=client.user,
        opportunity=opportunity,
        organisation=organisation,
        note=note,
    )


# --- Who may signpost ----------------------------------------------------------------------------


def test_a_visitor_is_asked_to_sign_in(visitor, opportunity):
    for path in [
        reverse("councillors:signpost", args=[opportunity.reference]),
        reverse("councillors:signposting_log"),
    ]:
        response = visitor.get(path)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["member", "commissioner", "site_admin", "organisation_admin"])
def test_anyone_but_a_councillor_gets_404(persona, request, opportunity, group):
    client = request.getfixturevalue(persona)
    path = reverse("councillors:signpost", args=[opportunity.reference])
    assert client.get(path).status_code == 404
    assert client.post(path, {"organisation": group.pk}).status_code == 404
    assert client.get(reverse("councillors:signposting_log")).status_code == 404
    assert not Signposting.objects.exists()
    assert mail.outbox == []


def test_the_action_refuses_anyone_but_the_councillor_themselves(opportunity, group):
    councillor = CouncillorFactory()
    for by in [UserFactory(), UserFactory(is_superuser=True), CouncillorFactory().user]:
        with pytest.raises(PermissionError):
            signpost(
                councillor=councillor, by=by, opportunity=opportunity, organisation=group, note=""
            )
    assert not Signposting.objects.exists()


def test_a_draft_or_unknown_opportunity_is_404(councillor):
    draft = OpportunityFactory(published_at=None)
    for reference in [draft.reference, "BCC-NOPE"]:
        assert councillor.get(reverse("councillors:signpost", args=[reference])).status_code == 404


# --- The form ------------------------------------------------------------------------------------


def test_organisations_in_the_councillors_wards_come_first(client, opportunity):
    aston, nechells, ladywood = (WardFactory(name=n) for n in ("Aston", "Nechells", "Ladywood"))
    councillor = CouncillorFactory(wards=[aston, nechells])
    client.force_login(councillor.user)
    OrganisationFactory(name="Zed Community Hub", ward=aston)
    serving = OrganisationFactory(name="Nechells Food Bank")
    serving.wards_served.set([nechells, ladywood])
    elsewhere = OrganisationFactory(name="Ladywood Arts", ward=ladywood)
    elsewhere.wards_served.set([ladywood])
    everywhere = OrganisationFactory(name="Citywide Advice", citywide=True)

    response = client.get(reverse("councillors:signpost", args=[opportunity.reference]))
    assert response.status_code == 200
    text = response.text
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', text, re.S)
    names = {label: re.findall(r"<option[^>]*>([^<]+)</option>", body) for label, body in groups}
    assert names["In your wards"] == ["Nechells Food Bank", "Zed Community Hub"]
    assert names["Other organisations"] == ["Citywide Advice", "Ladywood Arts"]
    assert opportunity.publisher.name not in text.split("<select")[1]
    assert text.index("In your wards") < text.index("Other organisations")
    assert everywhere.name in text


def test_a_councillor_sends_it_and_it_is_logged(
    councillor, opportunity, group, django_capture_on_commit_callbacks
):
    path = reverse("councillors:signpost", args=[opportunity.reference])
    with django_capture_on_commit_callbacks(execute=True):
        response = councillor.post(
            path, {"organisation": group.pk, "note": "You ran a great summer scheme."}, follow=True
        )
    assert response.redirect_chain[-1][0] == reverse("councillors:signposting_log")
    assert "Sent to Aston Youth Trust. We emailed 4 of their contacts." in response.text
    signposting = Signposting.objects.get()
    assert signposting.councillor == the_councillor(councillor)
    assert signposting.sent_by == councillor.user
    assert signposting.recipients == 4
    assert signposting.note == "You ran a great summer scheme."
    assert "Youth club in Aston" in response.text
    assert "You ran a great summer scheme." in response.text
    assert len(mail.outbox) == 4


def test_the_form_shows_what_the_action_refuses(councillor, opportunity):
    quiet = OrganisationFactory(name="Quiet Group")
    path = reverse("councillors:signpost", args=[opportunity.reference])
    response = councillor.post(path, {"organisation": quiet.pk})
    assert response.status_code == 200
    assert "Quiet Group has no contact email on the portal" in response.text
    assert "There is a problem" in response.text


def test_a_note_over_1000_characters_is_refused(councillor, opportunity, group):
    path = reverse("councillors:signpost", args=[opportunity.reference])
    response = councillor.post(path, {"organisation": group.pk, "note": "x" * 1001})
    assert "Your note must be 1,000 characters or fewer" in response.text
    assert not Signposting.objects.exists()


def test_an_organisation_not_offered_is_refused(councillor, opportunity):
    path = reverse("councillors:signpost", args=[opportunity.reference])
    for value in [opportunity.publisher.pk, 999999, ""]:
        response = councillor.post(path, {"organisation": value})
        assert response.status_code == 200
        assert "Choose an organisation" in response.text
    assert not Signposting.objects.exists()


# --- The email -----------------------------------------------------------------------------------


def test_each_contact_gets_one_message_and_nobody_else(
    councillor, opportunity, group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signposting = send(councillor, opportunity, group, note="  Worth a look.  ")
    assert signposting.recipients == len(CONTACTS)
    assert [message.to for message in mail.outbox] == [[address] for address in CONTACTS]
    message = mail.outbox[0]
    name = the_councillor(councillor).full_name
    assert message.subject.startswith(f"Councillor {name} thinks you may want to bid:")
    assert message.reply_to == [the_councillor(councillor).email]
    body = message.body
    assert f"Councillor {name} (Ward " in body
    assert "Aston Youth Trust may want to bid for this opportunity" in body
    assert "Youth club in Aston" in body
    assert "Published by: Aston Commissioning Hub" in body
    assert "Estimated value: £50,000 excluding VAT" in body
    assert "Deadline for bids: midday on Monday 1 February 2027 (UK time)" in body
    assert f"/opportunities/{opportunity.reference}/" in body
    assert "Worth a look.\n" in body
    assert "  Worth a look." not in body
    assert "reply to this email" in body


def test_nothing_is_sent_until_the_signposting_is_saved(
    councillor, opportunity, group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(councillor, opportunity, group)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_councillor_without_an_email_is_not_a_reply_address(
    client, opportunity, group, django_capture_on_commit_callbacks
):
    councillor = CouncillorFactory(email="")
    client.force_login(councillor.user)
    client.user = councillor.user
    with django_capture_on_commit_callbacks(execute=True):
        send(client, opportunity, group)
    assert mail.outbox[0].reply_to == []
    assert "Do not reply to this email" in mail.outbox[0].body


# --- What is refused -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"submission_deadline": NOW - datetime.timedelta(minutes=1)},
        {"cancelled_at": NOW - datetime.timedelta(days=1)},
        {"awarded_at": NOW - datetime.timedelta(days=1)},
    ],
)
def test_an_opportunity_not_open_for_bids_is_refused(councillor, group, change):
    opportunity = OpportunityFactory(
        published_at=NOW - datetime.timedelta(days=30),
        clarification_deadline=NOW - datetime.timedelta(days=2),
        **{"submission_deadline": NOW + datetime.timedelta(days=30), **change},
    )
    path = reverse("councillors:signpost", args=[opportunity.reference])
    response = councillor.get(path)
    assert response.status_code == 200
    assert "This opportunity is not open for bids" in response.text
    assert "<select" not in response.text
    response = councillor.post(path, {"organisation": group.pk})
    assert "This opportunity is not open for bids" in response.text
    with pytest.raises(ValidationError, match="have closed"):
        send(councillor, opportunity, group)
    assert not Signposting.objects.exists()
    assert mail.outbox == []


def test_an_organisation_without_contacts_is_refused(councillor, opportunity):
    quiet = OrganisationFactory(name="Quiet Group", email="")
    MembershipFactory(organisation=quiet, user__is_active=False)
    KeyContact.objects.create(organisation=quiet, name="Jo", role="Chair", email="")
    with pytest.raises(ValidationError) as refused:
        send(councillor, opportunity, quiet)
    assert refused.value.message_dict["organisation"] == [
        "Quiet Group has no contact email on the portal, so we cannot send it to them"
    ]
    assert not Signposting.objects.exists()


def test_the_same_opportunity_to_the_same_organisation_twice_in_a_day_is_refused(
    councillor, opportunity, group, time_machine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(councillor, opportunity, group)
    time_machine.move_to(datetime.datetime(2026, 12, 1, 23, 59, tzinfo=UTC), tick=False)
    with pytest.raises(ValidationError) as refused:
        send(councillor, opportunity, group)
    assert refused.value.message_dict["organisation"] == [
        "You sent this to Aston Youth Trust today"
    ]
    assert Signposting.objects.count() == 1
    assert len(mail.outbox) == len(CONTACTS)

    # Another organisation the same day is fine; so is the same one the next UK day.
    other = OrganisationFactory(email="info@other.example")
    send(councillor, opportunity, other)
    time_machine.move_to(datetime.datetime(2026, 12, 2, 0, 1, tzinfo=UTC), tick=False)
    send(councillor, opportunity, group)
    assert Signposting.objects.count() == 3


def test_another_councillor_may_send_the_same_on_the_same_day(client, opportunity, group):
    first, second = CouncillorFactory(), CouncillorFactory()
    for councillor in (first, second):
        signpost(
            councillor=councillor,
            by=councillor.user,
            opportunity=opportunity,
            organisation=group,
            note="",
        )
    assert Signposting.objects.count() == 2


# --- The log and the opportunity page ------------------------------------------------------------


def test_the_log_shows_the_councillors_own_signpostings_newest_first(
    councillor, opportunity, group, time_machine
):
    older = OpportunityFactory(title="Lunch club in Nechells")
    send(councillor, older, group, note="For your older members")
    time_machine.move_to(NOW + datetime.timedelta(hours=2), tick=False)
    send(councillor, opportunity, group)
    someone_else = CouncillorFactory()
    signpost(
        councillor=someone_else,
        by=someone_else.user,
        opportunity=OpportunityFactory(title="Not mine"),
        organisation=group,
        note="",
    )
    text = councillor.get(reverse("councillors:signposting_log")).text
    assert text.index("Youth club in Aston") < text.index("Lunch club in Nechells")
    assert "Not mine" not in text
    assert "For your older members" in text
    assert "Midday on Tuesday 1 December 2026" in text
    assert "10am on Tuesday 1 December 2026" in text


def test_only_councillors_see_the_link_on_an_open_opportunity(client, opportunity):
    link = reverse("councillors:signpost", args=[opportunity.reference])
    page = reverse("opportunities:detail", args=[opportunity.reference])
    assert link not in client.get(page).text
    client.force_login(UserFactory())
    assert link not in client.get(page).text
    client.force_login(CouncillorFactory().user)
    text = client.get(page).text
    assert "Tell a local group about this" in text
    assert link in text
    # A councillor passes opportunities on: not asked to register an organisation to bid.
    assert "Register your organisation to follow" not in text
    opportunity.submission_deadline = timezone.now() - datetime.timedelta(minutes=1)
    opportunity.clarification_deadline = timezone.now() - datetime.timedelta(days=1)
    opportunity.save()
    assert link not in client.get(page).text

"""The organisation's "History of changes" records every change its people make."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.base import ContentFile

from organisations import actions
from organisations.models import AuditEvent, DocumentKind, IncomeBand, MembershipRole
from tests.factories import MembershipFactory, WardFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin():
    return MembershipFactory(role=MembershipRole.ADMIN)


def events(organisation, action):
    return list(organisation.audit_events.filter(action=action).values_list("detail", "actor"))


def test_a_profile_edit_records_what_changed_in_words_and_who_changed_it(admin):
    organisation = admin.organisation
    actions.update_organisation(
        organisation=organisation,
        by=admin.user,
        name="Ladywood Lunch Club",
        website="https://lunch.example.org",
        income_band=IncomeBand.FROM_10K,
        wards_served=[WardFactory()],
        description=organisation.description,  # unchanged
    )
    assert events(organisation, Action.PROFILE_CHANGED) == [
        ("Name, website, annual income and wards served", admin.user.pk)
    ]


def test_an_edit_that_changes_nothing_records_nothing(admin):
    organisation = admin.organisation
    actions.update_organisation(organisation=organisation, by=admin.user, name=organisation.name)
    assert events(organisation, Action.PROFILE_CHANGED) == []


def test_a_profile_edit_is_recorded_even_when_the_form_already_changed_the_object(admin):
    # A ModelForm writes the cleaned values onto its instance before the view
    # calls the action, so the action compares with what is stored.
    organisation = admin.organisation
    organisation.open_to_partnering = True
    actions.update_organisation(organisation=organisation, by=admin.user, open_to_partnering=True)
    assert events(organisation, Action.PROFILE_CHANGED) == [("Open to partnering", admin.user.pk)]


def test_key_contacts_added_changed_and_removed_are_recorded(admin):
    organisation, by = admin.organisation, admin.user
    contact = actions.add_key_contact(
        organisation=organisation, by=by, name="Asha Patel", role="Chief officer"
    )
    actions.update_key_contact(
        contact=contact, by=by, email="asha@example.org", is_public=True, role="Chief officer"
    )
    actions.remove_key_contact(contact=contact, by=by)
    assert events(organisation, Action.CONTACT_ADDED) == [("Asha Patel, Chief officer", by.pk)]
    assert events(organisation, Action.CONTACT_CHANGED) == [
        ("Asha Patel: email address and show to everyone", by.pk)
    ]
    assert events(organisation, Action.CONTACT_REMOVED) == [("Asha Patel, Chief officer", by.pk)]


def test_documents_added_and_removed_are_recorded(admin):
    organisation, by = admin.organisation, admin.user
    document = actions.add_document(
        organisation=organisation,
        kind=DocumentKind.SAFEGUARDING,
        title="Safeguarding policy 2026",
        file=ContentFile(b"%PDF-1.4", name="policy.pdf"),
        by=by,
    )
    actions.remove_document(document=document, by=by)
    detail = "Safeguarding policy: Safeguarding policy 2026"
    assert events(organisation, Action.DOCUMENT_ADDED) == [(detail, by.pk)]
    assert events(organisation, Action.DOCUMENT_REMOVED) == [(detail, by.pk)]


@time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False)
def test_the_history_page_shows_a_profile_edit_with_who_and_when(organisation_admin):
    organisation = organisation_admin.organisation
    actions.update_organisation(
        organisation=organisation, by=organisation_admin.user, phone="0121 496 0000"
    )
    text = organisation_admin.get(f"/organisations/{organisation.slug}/history/").text
    assert "Profile changed" in text
    assert "Telephone" in text
    assert organisation_admin.user.full_name in text
    assert "Midday on Monday 2 March 2026" in text


def test_editing_the_profile_through_its_form_records_only_what_changed(organisation_admin):
    organisation = organisation_admin.organisation
    form = {
        "name": organisation.name,
        "legal_form": organisation.legal_form,
        "description": "Hot lunches for older people.",
        "phone": "0121 303 1111",
    }
    organisation_admin.post(f"/organisations/{organisation.slug}/edit/", form)
    organisation_admin.post(f"/organisations/{organisation.slug}/edit/", form)  # again: no change
    assert events(organisation, Action.PROFILE_CHANGED) == [
        ("What the organisation does and telephone", organisation_admin.user.pk)
    ]

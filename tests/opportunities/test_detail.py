from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opportunities.models import (
    Amendment,
    CpvCode,
    Lot,
    Opportunity,
    OpportunityDocument,
    Question,
)
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db


def page(client, opportunity):
    return client.get(f"/opportunities/{opportunity.reference}/")


def fill(opportunity, n):
    """Give the opportunity ``n`` of each thing the page lists."""
    asker = OrganisationFactory()
    for i in range(1, n + 1):
        Lot.objects.create(opportunity=opportunity, number=i, title=f"Lot title {i}", value=1000)
        Amendment.objects.create(opportunity=opportunity, summary=f"Change {i}")
        Question.objects.create(
            opportunity=opportunity,
            organisation=asker,
            text=f"Question {i}?",
            answer=f"Answer {i}.",
            answered_at=timezone.now(),
        )
        OpportunityDocument.objects.create(
            opportunity=opportunity, title=f"Document {i}", file=ContentFile(b"x", name="d.pdf")
        )
        opportunity.cpv_codes.add(
            CpvCode.objects.create(code=f"0{opportunity.pk % 1000:03d}{i:04d}-0", description="x")
        )
        opportunity.wards.add(WardFactory())


# --- What everyone sees -------------------------------------------------------------


@time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=UTC), tick=False)
def test_the_page_shows_the_notice_with_deadlines_in_uk_time_in_words(visitor):
    opportunity = OpportunityFactory(
        title="Lunch clubs for older people",
        summary="Weekly lunch clubs in community venues.",
        clarification_deadline=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        # British Summer Time has started by 30 March: 11:00 UTC is noon in the UK.
        submission_deadline=datetime(2026, 3, 30, 11, 0, tzinfo=UTC),
        value_low=Decimal("40000"),
        value_high=Decimal("60000"),
        value_includes_vat=False,
        contract_start=datetime(2026, 6, 1).date(),
        duration_months=36,
        extension_options="up to 2 further years",
        suitable_for_small=True,
        contact_name="Ada Officer",
        contact_email="ada@example.org",
    )
    response = page(visitor, opportunity)
    assert response.status_code == 200
    text = response.text
    assert "Lunch clubs for older people" in text
    assert opportunity.publisher.name in text
    assert "Weekly lunch clubs in community venues." in text
    assert "Open</strong>" in text
    assert "Midday on Monday 2 March 2026 (UK time)" in text
    assert "Midday on Monday 30 March 2026 (UK time)" in text
    assert "£40,000 to £60,000 excluding VAT" in text
    assert "1 June 2026" in text
    assert "3 years" in text
    assert "up to 2 further years" in text
    assert "Open procedure" in text
    assert opportunity.category.name in text
    assert "Across the whole city" in text
    assert "Suitable for small organisations" in text
    assert "Ada Officer" in text
    assert "mailto:ada@example.org" in text


def test_a_single_value_is_shown_once_with_vat_stated(visitor):
    opportunity = OpportunityFactory(
        value_low=Decimal("36000"), value_high=Decimal("36000"), value_includes_vat=True
    )
    assert "£36,000 including VAT" in page(visitor, opportunity).text


def test_the_wards_are_listed_when_not_citywide(visitor):
    opportunity = OpportunityFactory(citywide=False)
    opportunity.wards.set([WardFactory(name="Aston"), WardFactory(name="Nechells")])
    text = page(visitor, opportunity).text
    assert "Aston" in text and "Nechells" in text
    assert "Across the whole city" not in text


def test_the_description_is_rendered_markdown_with_nothing_dangerous(visitor):
    opportunity = OpportunityFactory(
        description="## Outcomes\n\n- fewer lonely people\n\n<script>alert(1)</script>"
        "[x](javascript:alert(1))"
    )
    text = page(visitor, opportunity).text
    assert '<h3 class="govuk-heading-s">Outcomes</h3>' in text
    assert "<li>fewer lonely people</li>" in text
    assert "alert(1)" not in text


def test_the_page_shows_the_description_stored_when_it_was_saved(visitor):
    opportunity = OpportunityFactory(description="**Rendered again**")
    Opportunity.objects.filter(pk=opportunity.pk).update(description_html="<p>as stored</p>")

    text = page(visitor, opportunity).text

    assert "<p>as stored</p>" in text
    assert "Rendered again" not in text


def test_lots_documents_rules_and_amendments_are_listed(visitor):
    opportunity = OpportunityFactory(
        value_low=Decimal("100000"),
        value_high=Decimal("100000"),
        short_window_reason="The grant funding must be spent by March.",
    )
    Lot.objects.create(opportunity=opportunity, number=1, title="North", value=50000)
    Lot.objects.create(opportunity=opportunity, number=2, title="South", max_awards=3)
    document = OpportunityDocument.objects.create(
        opportunity=opportunity, title="Specification", file=ContentFile(b"%PDF", name="s.pdf")
    )
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        Amendment.objects.create(opportunity=opportunity, summary="Older change")
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        Amendment.objects.create(opportunity=opportunity, summary="Newer change")
    text = page(visitor, opportunity).text
    assert "North" in text and "£50,000" in text
    assert "South" in text and "Up to 3" in text
    assert f"/opportunities/{opportunity.reference}/documents/{document.pk}/" in text
    assert "Specification" in text
    assert "Notifiable below-threshold contract" in text
    assert "Why the window is shorter than 12 weeks" in text
    assert "The grant funding must be spent by March." in text
    assert text.index("Newer change") < text.index("Older change")


def test_a_document_can_be_downloaded(visitor):
    opportunity = OpportunityFactory()
    document = OpportunityDocument.objects.create(
        opportunity=opportunity, title="Spec", file=ContentFile(b"%PDF-1.4", name="spec.pdf")
    )
    response = visitor.get(f"/opportunities/{opportunity.reference}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


def test_only_answered_questions_are_shown_and_never_who_asked(visitor):
    opportunity = OpportunityFactory()
    asker = MembershipFactory(organisation__name="Secret Bidders Ltd", user__full_name="Sam Asker")
    Question.objects.create(
        opportunity=opportunity,
        organisation=asker.organisation,
        asked_by=asker.user,
        text="Is TUPE likely to apply?",
        answer="No staff will transfer.",
        answered_at=timezone.now(),
    )
    Question.objects.create(
        opportunity=opportunity, organisation=asker.organisation, text="Still waiting?"
    )
    text = page(visitor, opportunity).text
    assert "Is TUPE likely to apply?" in text
    assert "No staff will transfer." in text
    assert "Still waiting?" not in text
    assert "Secret Bidders" not in text
    assert "Sam Asker" not in text
    assert asker.user.email not in text


@pytest.mark.parametrize(
    ("fields", "tag", "extra"),
    [
        ({"submission_deadline": "past"}, "Closed", None),
        ({"awarded_at": "now"}, "Awarded", None),
        (
            {"cancelled_at": "now", "cancellation_reason": "Funding withdrawn"},
            "Cancelled",
            "Funding withdrawn",
        ),
    ],
)
def test_the_status_tag_follows_the_timestamps(visitor, fields, tag, extra):
    now = timezone.now()
    values = {"now": now, "past": now - timedelta(hours=1)}
    if fields.get("submission_deadline") == "past":
        fields = fields | {"clarification_deadline": now - timedelta(days=2)}
    opportunity = OpportunityFactory(
        published_at=now - timedelta(days=30),
        **{k: values.get(v, v) for k, v in fields.items()},
    )
    text = page(visitor, opportunity).text
    assert f"{tag}</strong>" in text
    if extra:
        assert extra in text


def test_an_unknown_reference_is_not_found(visitor):
    assert visitor.get("/opportunities/BCC-1999-0001/").status_code == 404


# --- Drafts --------------------------------------------------------------------------


def test_a_draft_is_not_found_by_visitors(visitor):
    assert page(visitor, OpportunityFactory(published_at=None)).status_code == 404


def test_a_draft_is_not_found_by_other_organisations(other_member):
    assert page(other_member, OpportunityFactory(published_at=None)).status_code == 404


def test_a_draft_is_not_found_by_other_commissioners(commissioner):
    assert page(commissioner, OpportunityFactory(published_at=None)).status_code == 404


def test_the_publishers_commissioners_see_their_draft(commissioner):
    opportunity = OpportunityFactory(published_at=None, publisher=commissioner.organisation)
    response = page(commissioner, opportunity)
    assert response.status_code == 200
    assert "Draft</strong>" in response.text
    assert "Follow this opportunity" not in response.text


# --- What each persona can do --------------------------------------------------------


def test_visitors_are_asked_to_sign_in_to_take_part(visitor):
    opportunity = OpportunityFactory()
    text = page(visitor, opportunity).text
    assert "Sign in to follow, ask a question or find partners" in text
    assert f"/accounts/login/?next=/opportunities/{opportunity.reference}/" in text
    assert "Follow this opportunity" not in text


def test_someone_without_an_organisation_is_asked_to_register_one(member):
    text = page(member, OpportunityFactory()).text
    assert "Register your organisation to follow, ask a question or find partners" in text
    assert "Follow this opportunity" not in text


def test_an_organisation_member_can_follow_ask_and_look_for_partners(organisation_admin):
    opportunity = OpportunityFactory()
    text = page(organisation_admin, opportunity).text
    assert f"Acting for {organisation_admin.organisation.name}" in text
    assert "Follow this opportunity" in text
    assert f"/opportunities/{opportunity.reference}/questions/ask/" in text
    assert f"/opportunities/{opportunity.reference}/partners/" in text


def test_after_the_deadline_for_questions_the_page_says_when_they_closed(organisation_admin):
    opportunity = OpportunityFactory(
        clarification_deadline=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        submission_deadline=datetime(2026, 3, 16, 12, 0, tzinfo=UTC),
    )
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=UTC)):
        text = page(organisation_admin, opportunity).text
    assert "Questions closed at midday on Monday 2 March 2026 (UK time)" in text
    assert "/questions/ask/" not in text


def test_the_organisation_chosen_this_session_is_the_one_acted_for(organisation_admin):
    second = MembershipFactory(user=organisation_admin.user, organisation__name="Second Org")
    session = organisation_admin.session
    session["acting_for_organisation"] = second.organisation.pk
    session.save()
    text = page(organisation_admin, OpportunityFactory()).text
    assert "Acting for Second Org" in text


def test_an_organisation_the_user_left_is_not_acted_for(organisation_admin):
    stranger = OrganisationFactory(name="Not Mine")
    session = organisation_admin.session
    session["acting_for_organisation"] = stranger.pk
    session.save()
    text = page(organisation_admin, OpportunityFactory()).text
    assert f"Acting for {organisation_admin.organisation.name}" in text
    assert "Not Mine" not in text


def test_the_publishers_commissioners_see_how_many_questions_wait(commissioner):
    opportunity = OpportunityFactory(publisher=commissioner.organisation)
    Question.objects.create(opportunity=opportunity, organisation=OrganisationFactory(), text="?")
    text = page(commissioner, opportunity).text
    assert "Questions to answer (1)" in text
    # Their own opportunity is not one to follow, ask about or find partners for.
    assert "Follow this opportunity" not in text
    assert "Ask a question" not in text
    assert "Look for partners" not in text


# --- Performance ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["visitor", "organisation_admin", "commissioner"])
def test_the_number_of_queries_does_not_grow_with_the_content(
    request, persona, django_assert_max_num_queries
):
    client = request.getfixturevalue(persona)
    publisher = getattr(client, "organisation", None) if persona == "commissioner" else None
    small = OpportunityFactory(**({"publisher": publisher} if publisher else {}))
    large = OpportunityFactory(**({"publisher": publisher} if publisher else {}))
    fill(small, 1)
    fill(large, 12)
    page(client, small)  # sessions and the like settle on the first request
    with CaptureQueriesContext(connection) as baseline:
        assert page(client, small).status_code == 200
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = page(client, large)
    assert "Lot title 12" in response.text
    assert "Answer 12." in response.text
    assert "Change 12" in response.text

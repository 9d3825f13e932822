"""Text people write in tracking: each field has a size limit, and Markdown is rendered
once, when it is saved, not on every page view."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tracking import actions
from tracking.models import Category, EvidenceUpdate, Inquiry, Recommendation

pytestmark = pytest.mark.django_db


def _assessment(tracking_round, reference="R01"):
    return tracking_round.assessments.get(recommendation__reference=reference)


def _submit(tracking_round, by, evidence, reference="R01"):
    return actions.submit_assessment(
        assessment=_assessment(tracking_round, reference),
        by=by,
        category=Category.IN_PROGRESS,
        evidence=evidence,
    )


def _messages(error):
    return {field: " ".join(messages) for field, messages in error.value.message_dict.items()}


def test_evidence_over_10000_characters_is_refused(tracking_round, responsible):
    with pytest.raises(ValidationError) as error:
        _submit(tracking_round, responsible, "x" * 10001)

    assert _messages(error)["evidence"] == (
        "Evidence of progress must be 10,000 characters or fewer"
    )
    assert not EvidenceUpdate.objects.exists()
    _submit(tracking_round, responsible, "x" * 10000)


def test_a_rounds_evidence_for_one_recommendation_is_limited_in_total(tracking_round, responsible):
    _submit(tracking_round, responsible, "a" * 10000)
    _submit(tracking_round, responsible, "b" * 9000)

    with pytest.raises(ValidationError) as error:
        _submit(tracking_round, responsible, "c" * 1001)

    assert _messages(error)["evidence"] == (
        "The evidence for R01 in this round is already 19,000 characters. "
        "You can add up to 1,000 more."
    )
    assert EvidenceUpdate.objects.count() == 2
    _submit(tracking_round, responsible, "c" * 1000)
    # Another recommendation has its own allowance.
    _submit(tracking_round, responsible, "d" * 10000, reference="R02")


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("text", 5000, "Recommendation must be 5,000 characters or fewer"),
        ("responsibility", 500, "Responsibility must be 500 characters or fewer"),
    ],
)
def test_a_recommendation_over_its_limits_is_refused(inquiry, officer, field, limit, message):
    values = {"text": "Do it.", "responsibility": "Cabinet Member"}
    values[field] = "x" * (limit + 1)
    with pytest.raises(ValidationError) as error:
        actions.save_recommendation(
            inquiry=inquiry,
            by=officer,
            reference="R09",
            responsible_people=[],
            target_dates=[],
            **values,
        )

    assert _messages(error)[field] == message
    assert not inquiry.recommendations.filter(reference="R09").exists()


def test_an_inquiry_summary_over_5000_characters_is_refused(inquiry, officer):
    with pytest.raises(ValidationError) as error:
        actions.update_inquiry(
            inquiry=inquiry,
            by=officer,
            committee_name=inquiry.committee.name,
            summary="x" * 5001,
        )
    assert _messages(error)["summary"] == "Summary must be 5,000 characters or fewer"

    with pytest.raises(ValidationError):
        actions.create_inquiry(
            by=officer,
            title="Libraries",
            slug="libraries",
            committee_name="Scrutiny",
            lead_member="Cllr A",
            lead_officer="B",
            approved_on=datetime.date(2026, 1, 1),
            officer=officer,
            summary="x" * 5001,
        )
    assert not Inquiry.objects.filter(slug="libraries").exists()


def test_a_committee_comment_over_2000_characters_is_refused(tracking_round, responsible, officer):
    _submit(tracking_round, responsible, "Under way.")
    with pytest.raises(ValidationError) as error:
        actions.record_decision(
            assessment=_assessment(tracking_round),
            by=officer,
            category=Category.IN_PROGRESS,
            comment="x" * 2001,
        )

    assert _messages(error)["comment"] == "Committee's comment must be 2,000 characters or fewer"
    assert not _assessment(tracking_round).is_decided


def test_markdown_is_stored_as_sanitised_html_when_saved(inquiry, tracking_round, responsible):
    _submit(tracking_round, responsible, "Parks **surveyed**. <script>alert(1)</script>")

    update = EvidenceUpdate.objects.get()
    assert update.text_html == '<p class="govuk-body">Parks <strong>surveyed</strong>. </p>'
    recommendation = Recommendation.objects.get(inquiry=inquiry, reference="R01")
    assert '<ul class="govuk-list govuk-list--bullet">' in recommendation.text_html
    assert "<li>a) first part</li>" in recommendation.text_html
    inquiry.refresh_from_db()
    assert inquiry.summary_html == (
        '<p class="govuk-body">How the council looks after its parks.</p>'
    )


def test_pages_show_the_stored_html(client, inquiry, tracking_round, responsible):
    _submit(tracking_round, responsible, "Parks **surveyed**.")
    # Stored HTML is what the pages show: the Markdown is not rendered again.
    EvidenceUpdate.objects.update(text_html="<p>stored evidence</p>")
    Recommendation.objects.update(text_html="<p>stored recommendation</p>")
    Inquiry.objects.update(summary_html="<p>stored summary</p>")

    page = client.get(reverse("tracking:inquiry", args=[inquiry.slug])).content.decode()
    report = client.get(
        reverse("tracking:round_report", args=[inquiry.slug, tracking_round.number])
    ).content.decode()

    assert "<p>stored summary</p>" in page
    assert page.count("<p>stored recommendation</p>") == 3
    assert "<p>stored evidence</p>" in page
    assert "<strong>surveyed</strong>" not in page
    assert report.count("<p>stored recommendation</p>") == 3
    assert "<p>stored evidence</p>" in report


def test_forms_say_how_much_can_be_written(client, tracking_round, responsible, officer):
    client.force_login(responsible)
    assessment = client.get(
        reverse("tracking:submit_assessment", args=["parks", tracking_round.number, "R01"])
    ).content.decode()
    client.force_login(officer)
    recommendation = client.get(
        reverse("tracking:edit_recommendation", args=["parks", "R01"])
    ).content.decode()
    decision = client.get(
        reverse("tracking:record_decision", args=["parks", tracking_round.number, "R01"])
    ).content.decode()
    inquiry = client.get(reverse("tracking:edit_inquiry", args=["parks"])).content.decode()

    assert 'data-maxlength="10000"' in assessment
    assert "You can enter up to 10000 characters" in assessment
    assert 'data-maxlength="5000"' in recommendation
    assert 'data-maxlength="500"' in recommendation
    assert 'data-maxlength="2000"' in decision
    assert 'data-maxlength="5000"' in inquiry


def test_over_long_evidence_posted_is_shown_as_an_error(client, tracking_round, responsible):
    client.force_login(responsible)
    response = client.post(
        reverse("tracking:submit_assessment", args=["parks", tracking_round.number, "R01"]),
        {"category": Category.IN_PROGRESS, "evidence": "x" * 10001},
    )

    assert response.status_code == 200
    assert "Evidence of progress must be 10,000 characters or fewer" in response.content.decode()
    assert not EvidenceUpdate.objects.exists()


def test_the_migration_renders_markdown_saved_before(inquiry, tracking_round, responsible):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tracking.migrations.0002_text_limits_stored_html_report_state")
    _submit(tracking_round, responsible, "Parks **surveyed**.")
    EvidenceUpdate.objects.update(text_html="")
    Recommendation.objects.update(text_html="")
    Inquiry.objects.update(summary_html="")

    migration.render_stored_markdown(apps, None)

    assert "<strong>surveyed</strong>" in EvidenceUpdate.objects.get().text_html
    assert all("<li>a) first part</li>" in r.text_html for r in Recommendation.objects.all())
    assert "parks" in Inquiry.objects.get().summary_html


# --- Target dates, one per line ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "label", "due_on", "month_only"),
    [
        ("Completed – January 2016", "Completed", datetime.date(2016, 1, 31), True),
        ("Interim report - Oct 2015", "Interim report", datetime.date(2015, 10, 31), True),
        ("31 January 2016", "", datetime.date(2016, 1, 31), False),
        # Every form a date box takes, dashes included.
        ("Completed – 31/1/2016", "Completed", datetime.date(2016, 1, 31), False),
        ("Completed – 31 1 2016", "Completed", datetime.date(2016, 1, 31), False),
        ("Completed - 31-1-2016", "Completed", datetime.date(2016, 1, 31), False),
        ("Phase 2 - review – 2016-01-31", "Phase 2 - review", datetime.date(2016, 1, 31), False),
    ],
)
def test_a_target_line_reads_a_label_and_any_date_a_date_box_takes(line, label, due_on, month_only):
    from tracking.forms import parse_target

    assert parse_target(line) == {"label": label, "due_on": due_on, "month_only": month_only}


@pytest.mark.parametrize("line", ["Completed – someday", "31/2/2016", "Completed –", ""])
def test_a_target_line_without_a_real_date_is_refused(line):
    from tracking.forms import parse_target

    with pytest.raises(ValueError):
        parse_target(line)

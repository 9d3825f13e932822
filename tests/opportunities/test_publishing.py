from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from opportunities import actions, rules
from opportunities.models import Amendment, Follow, Opportunity, Procedure, Status
from organisations.models import MembershipRole
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commissioner_user():
    return MembershipFactory(organisation=PublisherFactory(), role=MembershipRole.MEMBER).user


def draft_fields(weeks=13, **overrides):
    now = timezone.now()
    fields = {
        "title": "Housing support for young people",
        "summary": "Support for young people to keep their tenancies.",
        "category": ServiceCategoryFactory(),
        "value_low": Decimal("100000"),
        "value_high": Decimal("150000"),
        "procedure": Procedure.LIGHT_TOUCH,
        "citywide": True,
        "clarification_deadline": now + timedelta(weeks=weeks - 2),
        "submission_deadline": now + timedelta(weeks=weeks),
        "contact_name": "Housing commissioning",
        "contact_email": "housing@example.org",
    }
    return fields | overrides


def draft(user, **overrides):
    publisher = user.memberships.get().organisation
    return actions.create_draft(publisher=publisher, by=user, **draft_fields(**overrides))


def test_a_draft_gets_the_next_reference_of_the_year(commissioner_user):
    year = timezone.localdate().year
    first, second = draft(commissioner_user), draft(commissioner_user)
    assert first.reference == f"BCC-{year}-0001"
    assert second.reference == f"BCC-{year}-0002"
    assert first.status == Status.DRAFT


def test_only_commissioners_of_a_publishing_organisation_draft():
    publisher = PublisherFactory()
    outsider = UserFactory()
    with pytest.raises(PermissionError):
        actions.create_draft(publisher=publisher, by=outsider, **draft_fields())
    not_publishing = MembershipFactory()
    with pytest.raises(PermissionError):
        actions.create_draft(
            publisher=not_publishing.organisation, by=not_publishing.user, **draft_fields()
        )


def test_a_draft_with_lots_keeps_them_in_order(commissioner_user):
    opportunity = draft(
        commissioner_user,
        lots=[
            {"title": "North", "max_awards": 2},
            {"title": "South", "value": Decimal("40000")},
        ],
    )
    assert [(lot.number, lot.title, lot.max_awards) for lot in opportunity.lots.all()] == [
        (1, "North", 2),
        (2, "South", 1),
    ]


def test_publishing_a_window_of_twelve_weeks_or_more_needs_no_reason(commissioner_user):
    opportunity = draft(commissioner_user)
    actions.publish(opportunity=opportunity, by=commissioner_user)
    assert opportunity.status == Status.OPEN


def test_a_window_shorter_than_twelve_weeks_needs_a_public_reason(commissioner_user):
    opportunity = draft(commissioner_user, weeks=6)
    with pytest.raises(ValidationError) as error:
        actions.publish(opportunity=opportunity, by=commissioner_user)
    assert "short_window_reason" in error.value.message_dict
    opportunity.short_window_reason = "The current contract ends in April."
    actions.publish(opportunity=opportunity, by=commissioner_user)
    assert opportunity.published_at is not None


@pytest.mark.parametrize(
    ("clarification", "submission", "field", "message"),
    [
        (-1, 12, "clarification_deadline", "must be in the future"),
        (2, -1, "submission_deadline", "must be in the future"),
        (12, 11, "submission_deadline", "after the deadline for questions"),
    ],
)
def test_deadlines_cannot_be_past_or_out_of_order(clarification, submission, field, message):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        actions.check_dates(
            clarification_deadline=now + timedelta(weeks=clarification),
            submission_deadline=now + timedelta(weeks=submission),
            short_window_reason="A reason",
            opens_at=now,
        )
    assert message in error.value.message_dict[field][0]


def test_status_changes_at_the_deadline_second():
    deadline = timezone.now().replace(microsecond=0) + timedelta(days=3)
    opportunity = OpportunityFactory(
        submission_deadline=deadline, clarification_deadline=deadline - timedelta(days=1)
    )
    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        assert opportunity.status == Status.OPEN
        assert Opportunity.objects.live().filter(pk=opportunity.pk).exists()
    with time_machine.travel(deadline, tick=False):
        assert opportunity.status == Status.CLOSED
        assert not Opportunity.objects.live().filter(pk=opportunity.pk).exists()
        assert Opportunity.objects.with_status(Status.CLOSED).filter(pk=opportunity.pk).exists()


def test_status_is_derived_from_timestamps():
    now = timezone.now()
    assert OpportunityFactory().status == Status.OPEN
    closed = OpportunityFactory(
        clarification_deadline=now - timedelta(days=2), submission_deadline=now - timedelta(days=1)
    )
    assert closed.status == Status.CLOSED
    assert OpportunityFactory(published_at=None).status == Status.DRAFT
    assert OpportunityFactory(cancelled_at=now).status == Status.CANCELLED
    assert OpportunityFactory(awarded_at=now).status == Status.AWARDED
    for status in Status:
        assert Opportunity.objects.with_status(status).count() == 1


def test_amending_lists_the_change_and_emails_followers(
    commissioner_user, django_capture_on_commit_callbacks
):
    opportunity = draft(commissioner_user)
    actions.publish(opportunity=opportunity, by=commissioner_user)
    follower = MembershipFactory(user__email="follower@example.org")
    Follow.objects.create(opportunity=opportunity, organisation=follower.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        actions.amend(
            opportunity=opportunity,
            by=commissioner_user,
            what_changed="The value has gone up to £180,000.",
            value_high=Decimal("180000"),
        )
    opportunity.refresh_from_db()
    assert opportunity.value_high == Decimal("180000")
    assert Amendment.objects.get().summary == "The value has gone up to £180,000."
    [message] = mail.outbox
    assert message.to == ["follower@example.org"]
    assert "The value has gone up" in message.body


def test_the_description_is_stored_as_sanitised_html_by_each_action(commissioner_user):
    opportunity = draft(commissioner_user, description="## Aims\n\n<script>alert(1)</script>")
    assert opportunity.description_html == '<h3 class="govuk-heading-s">Aims</h3>\n'

    actions.update_draft(opportunity=opportunity, by=commissioner_user, description="- one")
    assert "<li>one</li>" in Opportunity.objects.get(pk=opportunity.pk).description_html

    actions.publish(opportunity=opportunity, by=commissioner_user)
    actions.amend(
        opportunity=opportunity,
        by=commissioner_user,
        what_changed="New aims.",
        description="*Fewer* lonely people",
    )
    assert Opportunity.objects.get(pk=opportunity.pk).description_html == (
        '<p class="govuk-body"><em>Fewer</em> lonely people</p>'
    )


def test_the_migration_renders_descriptions_saved_before():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("opportunities.migrations.0005_description_html")
    opportunity = OpportunityFactory(description="*Saved* before")
    Opportunity.objects.update(description_html="")

    migration.render_descriptions(apps, None)

    opportunity.refresh_from_db()
    assert opportunity.description_html == '<p class="govuk-body"><em>Saved</em> before</p>'


def test_an_amendment_must_say_what_changed(commissioner_user):
    opportunity = draft(commissioner_user)
    actions.publish(opportunity=opportunity, by=commissioner_user)
    with pytest.raises(ValidationError):
        actions.amend(opportunity=opportunity, by=commissioner_user, what_changed="  ")


def test_an_amendment_after_questions_close_may_keep_the_passed_deadline(commissioner_user):
    opportunity = draft(commissioner_user)
    actions.publish(opportunity=opportunity, by=commissioner_user)
    fields = draft_fields()
    fields["clarification_deadline"] = opportunity.clarification_deadline
    fields["submission_deadline"] = opportunity.submission_deadline
    with time_machine.travel(opportunity.clarification_deadline + timedelta(days=1)):
        actions.amend(
            opportunity=opportunity,
            by=commissioner_user,
            what_changed="The contact has changed.",
            **fields | {"contact_name": "Adult social care"},
        )
        with pytest.raises(ValidationError) as error:
            actions.amend(
                opportunity=opportunity,
                by=commissioner_user,
                what_changed="Questions reopened in the past.",
                clarification_deadline=timezone.now() - timedelta(hours=1),
            )
    assert "clarification_deadline" in error.value.message_dict
    assert Amendment.objects.count() == 1


def test_cancelling_needs_a_reason_and_shows_it(commissioner_user):
    opportunity = draft(commissioner_user)
    with pytest.raises(ValueError):
        actions.cancel(opportunity=opportunity, by=commissioner_user, reason="Not needed")
    actions.publish(opportunity=opportunity, by=commissioner_user)
    with pytest.raises(ValidationError):
        actions.cancel(opportunity=opportunity, by=commissioner_user, reason="")
    actions.cancel(opportunity=opportunity, by=commissioner_user, reason="Funding withdrawn.")
    assert opportunity.status == Status.CANCELLED
    assert opportunity.cancellation_reason == "Funding withdrawn."


@pytest.mark.parametrize(
    ("value", "vat", "procedure", "codes"),
    [
        ("9999", True, Procedure.QUOTATION, []),
        ("10000", True, Procedure.QUOTATION, ["portal"]),
        ("29999", True, Procedure.OPEN, ["portal"]),
        ("30000", True, Procedure.OPEN, ["portal", "notifiable"]),
        ("25000", False, Procedure.OPEN, ["portal", "notifiable"]),  # 30,000 with VAT
        ("207719", True, Procedure.OPEN, ["portal", "notifiable"]),
        ("207720", True, Procedure.OPEN, ["portal", "above_threshold"]),
        ("663539", True, Procedure.LIGHT_TOUCH, ["portal", "notifiable"]),
        ("663540", True, Procedure.LIGHT_TOUCH, ["portal", "above_threshold"]),
    ],
)
def test_the_value_decides_which_publication_rules_apply(value, vat, procedure, codes):
    opportunity = OpportunityFactory.build(
        value_low=Decimal(value),
        value_high=Decimal(value),
        value_includes_vat=vat,
        procedure=procedure,
    )
    assert [rule.code for rule in rules.publication_rules(opportunity)] == codes


def test_thresholds_come_from_settings(settings):
    settings.PROCUREMENT_THRESHOLDS = settings.PROCUREMENT_THRESHOLDS | {"notifiable": 50_000}
    opportunity = OpportunityFactory.build(
        value_low=Decimal("40000"), value_high=Decimal("40000"), value_includes_vat=True
    )
    assert [rule.code for rule in rules.publication_rules(opportunity)] == ["portal"]

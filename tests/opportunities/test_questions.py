from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from opportunities import actions
from opportunities.models import Follow, Question
from tests.factories import MembershipFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asker():
    return MembershipFactory(organisation__name="Quiet Bidders CIC", user__full_name="Robin Asker")


@pytest.fixture
def publisher_commissioner():
    membership = MembershipFactory(organisation__publishing_allowed_at=timezone.now())
    return membership


def ask(opportunity, membership, text="Will TUPE apply?"):
    return actions.ask_question(
        opportunity=opportunity,
        organisation=membership.organisation,
        by=membership.user,
        text=text,
    )


# --- Asking -------------------------------------------------------------------------


def test_a_member_asks_for_their_organisation(asker):
    opportunity = OpportunityFactory()
    question = ask(opportunity, asker, "  Will TUPE apply?  ")
    assert question.text == "Will TUPE apply?"
    assert question.organisation == asker.organisation
    assert question.asked_by == asker.user
    assert not question.is_answered


def test_only_a_member_can_ask_for_an_organisation(asker):
    with pytest.raises(PermissionError):
        actions.ask_question(
            opportunity=OpportunityFactory(),
            organisation=asker.organisation,
            by=UserFactory(),
            text="Sneaky?",
        )
    assert not Question.objects.exists()


def test_a_question_after_the_deadline_is_refused_with_the_deadline_in_words(asker):
    opportunity = OpportunityFactory(
        clarification_deadline=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        submission_deadline=datetime(2026, 3, 16, 12, 0, tzinfo=UTC),
    )
    with (
        time_machine.travel(datetime(2026, 3, 2, 12, 0, 1, tzinfo=UTC)),
        pytest.raises(ValidationError) as refused,
    ):
        ask(opportunity, asker)
    assert refused.value.message_dict["text"] == [
        "Questions closed at midday on Monday 2 March 2026 (UK time)"
    ]
    assert not Question.objects.exists()


def test_a_question_just_before_the_deadline_is_accepted(asker):
    opportunity = OpportunityFactory(
        clarification_deadline=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        submission_deadline=datetime(2026, 3, 16, 12, 0, tzinfo=UTC),
    )
    with time_machine.travel(datetime(2026, 3, 2, 11, 59, 59, tzinfo=UTC)):
        ask(opportunity, asker)
    assert Question.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"published_at": None},
        {"cancelled_at": "now"},
        {"awarded_at": "now"},
    ],
)
def test_no_questions_unless_the_opportunity_is_open(asker, fields):
    now = timezone.now()
    opportunity = OpportunityFactory(**{k: now if v == "now" else v for k, v in fields.items()})
    with pytest.raises(ValidationError):
        ask(opportunity, asker)


def test_an_empty_question_is_refused(asker):
    with pytest.raises(ValidationError):
        ask(OpportunityFactory(), asker, "   ")


# --- Answering ------------------------------------------------------------------------


def test_an_answer_is_published_and_emailed_to_followers_without_the_asker(
    asker, publisher_commissioner, django_capture_on_commit_callbacks
):
    opportunity = OpportunityFactory(publisher=publisher_commissioner.organisation)
    follower = MembershipFactory()
    also_follower = MembershipFactory(organisation=follower.organisation)
    Follow.objects.create(opportunity=opportunity, organisation=follower.organisation)
    Follow.objects.create(opportunity=opportunity, organisation=asker.organisation)
    question = ask(opportunity, asker)
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_question(
            question=question, by=publisher_commissioner.user, answer="No staff will transfer."
        )
    question.refresh_from_db()
    assert question.answered_at is not None
    assert question.answered_by == publisher_commissioner.user
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([follower.user.email, also_follower.user.email, asker.user.email])
    for message in mail.outbox:
        assert len(message.to) == 1
        assert "Will TUPE apply?" in message.body
        assert "No staff will transfer." in message.body
        assert opportunity.reference in message.subject
        for secret in ("Quiet Bidders", "Robin Asker", asker.user.email):
            assert secret not in message.body
            assert secret not in message.subject


def test_no_email_is_sent_until_the_answer_is_committed(
    asker, publisher_commissioner, django_capture_on_commit_callbacks
):
    opportunity = OpportunityFactory(publisher=publisher_commissioner.organisation)
    Follow.objects.create(opportunity=opportunity, organisation=asker.organisation)
    question = ask(opportunity, asker)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.answer_question(question=question, by=publisher_commissioner.user, answer="Yes.")
    assert mail.outbox == []
    assert len(callbacks) == 1


@pytest.mark.parametrize("who", ["asker", "other_publisher", "nobody"])
def test_only_the_publishers_commissioners_can_answer(asker, publisher_commissioner, who):
    opportunity = OpportunityFactory(publisher=publisher_commissioner.organisation)
    question = ask(opportunity, asker)
    by = {
        "asker": asker.user,
        "other_publisher": MembershipFactory(
            organisation__publishing_allowed_at=timezone.now()
        ).user,
        "nobody": UserFactory(),
    }[who]
    with pytest.raises(PermissionError):
        actions.answer_question(question=question, by=by, answer="Hmm.")
    question.refresh_from_db()
    assert not question.is_answered


def test_a_question_is_answered_once(asker, publisher_commissioner):
    opportunity = OpportunityFactory(publisher=publisher_commissioner.organisation)
    question = ask(opportunity, asker)
    actions.answer_question(question=question, by=publisher_commissioner.user, answer="First.")
    with pytest.raises(ValueError):
        actions.answer_question(question=question, by=publisher_commissioner.user, answer="Again.")
    question.refresh_from_db()
    assert question.answer == "First."


def test_an_empty_answer_is_refused(asker, publisher_commissioner):
    question = ask(OpportunityFactory(publisher=publisher_commissioner.organisation), asker)
    with pytest.raises(ValidationError):
        actions.answer_question(question=question, by=publisher_commissioner.user, answer=" ")


# --- Pages ----------------------------------------------------------------------------


def test_a_member_asks_a_question_from_the_page(organisation_admin):
    opportunity = OpportunityFactory()
    url = f"/opportunities/{opportunity.reference}/questions/ask/"
    assert "Nobody is told who asked" in organisation_admin.get(url).text
    response = organisation_admin.post(url, {"text": "Can we bid for one lot?"}, follow=True)
    question = Question.objects.get()
    assert question.organisation == organisation_admin.organisation
    assert response.redirect_chain[-1][0] == f"/opportunities/{opportunity.reference}/"
    assert "Your question has been sent" in response.text


def test_an_empty_question_is_explained(organisation_admin):
    opportunity = OpportunityFactory()
    response = organisation_admin.post(
        f"/opportunities/{opportunity.reference}/questions/ask/", {"text": ""}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter your question" in response.text


def test_after_the_deadline_the_ask_page_says_so_and_takes_nothing(organisation_admin):
    opportunity = OpportunityFactory(
        clarification_deadline=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        submission_deadline=datetime(2026, 3, 16, 12, 0, tzinfo=UTC),
    )
    url = f"/opportunities/{opportunity.reference}/questions/ask/"
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=UTC)):
        response = organisation_admin.post(url, {"text": "Too late?"})
    assert "Questions closed at midday on Monday 2 March 2026 (UK time)" in response.text
    assert not Question.objects.exists()


def test_visitors_are_sent_to_sign_in_to_ask(visitor):
    opportunity = OpportunityFactory()
    response = visitor.get(f"/opportunities/{opportunity.reference}/questions/ask/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_someone_without_an_organisation_is_told_to_register_one(member):
    opportunity = OpportunityFactory()
    response = member.post(
        f"/opportunities/{opportunity.reference}/questions/ask/", {"text": "Hello?"}
    )
    assert "You need to belong to an organisation" in response.text
    assert not Question.objects.exists()


def test_no_questions_on_a_draft(organisation_admin):
    opportunity = OpportunityFactory(published_at=None)
    url = f"/opportunities/{opportunity.reference}/questions/ask/"
    assert organisation_admin.get(url).status_code == 404


def test_the_publisher_sees_who_asked_and_answers_from_the_page(
    commissioner, asker, django_capture_on_commit_callbacks
):
    opportunity = OpportunityFactory(publisher=commissioner.organisation)
    question = ask(opportunity, asker)
    Follow.objects.create(opportunity=opportunity, organisation=asker.organisation)
    url = f"/opportunities/{opportunity.reference}/questions/"
    text = commissioner.get(url).text
    assert "Quiet Bidders CIC" in text
    assert "Will TUPE apply?" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = commissioner.post(
            f"{url}{question.pk}/answer/", {f"question-{question.pk}-answer": "It will not."}
        )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "It will not."
    assert len(mail.outbox) == 1


def test_the_public_page_never_names_who_asked_after_an_answer(
    visitor, asker, publisher_commissioner
):
    opportunity = OpportunityFactory(publisher=publisher_commissioner.organisation)
    question = ask(opportunity, asker)
    actions.answer_question(question=question, by=publisher_commissioner.user, answer="Not.")
    text = visitor.get(f"/opportunities/{opportunity.reference}/").text
    assert "Will TUPE apply?" in text
    for secret in ("Quiet Bidders", "Robin Asker", asker.user.email):
        assert secret not in text


def test_an_empty_answer_is_explained(commissioner, asker):
    opportunity = OpportunityFactory(publisher=commissioner.organisation)
    question = ask(opportunity, asker)
    response = commissioner.post(
        f"/opportunities/{opportunity.reference}/questions/{question.pk}/answer/",
        {f"question-{question.pk}-answer": ""},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter the answer" in response.text


@pytest.mark.parametrize("persona", ["organisation_admin", "other_member", "commissioner"])
def test_outsiders_cannot_see_the_questions_or_answer(request, persona, asker):
    client = request.getfixturevalue(persona)
    opportunity = OpportunityFactory()  # someone else's publisher
    question = ask(opportunity, asker)
    base = f"/opportunities/{opportunity.reference}/questions/"
    assert client.get(base).status_code == 404
    response = client.post(f"{base}{question.pk}/answer/", {f"question-{question.pk}-answer": "x"})
    assert response.status_code == 404
    question.refresh_from_db()
    assert not question.is_answered


def test_the_asking_organisation_cannot_see_the_publishers_list(client, asker):
    client.force_login(asker.user)
    opportunity = OpportunityFactory()
    ask(opportunity, asker)
    assert client.get(f"/opportunities/{opportunity.reference}/questions/").status_code == 404


def test_visitors_are_sent_to_sign_in_for_the_publishers_list(visitor):
    opportunity = OpportunityFactory()
    response = visitor.get(f"/opportunities/{opportunity.reference}/questions/")
    assert response.status_code == 302


def test_questions_closing_is_shown_in_uk_summer_time(asker):
    # 23:30 UTC on 31 May is 00:30 on 1 June in British Summer Time.
    opportunity = OpportunityFactory(
        clarification_deadline=datetime(2026, 5, 31, 23, 30, tzinfo=UTC),
        submission_deadline=datetime(2026, 6, 30, 12, 0, tzinfo=UTC),
    )
    with (
        time_machine.travel(datetime(2026, 6, 2, tzinfo=UTC)),
        pytest.raises(ValidationError) as refused,
    ):
        ask(opportunity, asker)
    assert "12:30am on Monday 1 June 2026 (UK time)" in str(refused.value)


# --- Rate limits -----------------------------------------------------------------------


@pytest.mark.usefixtures("rate_limits")
def test_an_account_asks_at_most_twenty_questions_a_day(organisation_admin, client):
    opportunity = OpportunityFactory()
    url = f"/opportunities/{opportunity.reference}/questions/ask/"
    asked = f"/opportunities/{opportunity.reference}/"

    def ask_page(client, text):
        client.force_login(client.user)  # sessions last 12 hours
        return client.post(url, {"text": text})

    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=UTC), tick=False):
        for n in range(20):
            assert ask_page(organisation_admin, f"Question {n}?")["Location"] == asked
        response = ask_page(organisation_admin, "One more?")
        assert response.status_code == 429
        assert "Try again in about 15 hours." in response.text
        assert Question.objects.count() == 20
        client.user = MembershipFactory(organisation=organisation_admin.organisation).user
        assert ask_page(client, "From a colleague?")["Location"] == asked
        client.user = organisation_admin.user
    with time_machine.travel(datetime(2026, 12, 8, 0, 1, tzinfo=UTC), tick=False):
        assert ask_page(client, "The next day?")["Location"] == asked


# --- Telling the opportunity's contact -------------------------------------------------


def test_the_contact_gets_one_email_listing_the_new_questions(asker, publisher_commissioner):
    opportunity = OpportunityFactory(contact_email="buyer@council.example", contact_name="Sam")
    ask(opportunity, asker, "Will TUPE apply?")
    ask(opportunity, asker, "Is there a budget for travel?")
    assert actions.send_question_notices() == 1
    [message] = mail.outbox
    assert message.to == ["buyer@council.example"]
    assert message.subject.startswith(f"2 new questions on {opportunity.reference}")
    assert "1. Will TUPE apply?" in message.body
    assert "2. Is there a budget for travel?" in message.body
    assert f"/opportunities/{opportunity.reference}/questions/" in message.body
    assert "Quiet Bidders" not in message.body and "Robin" not in message.body
    # Told once: the next run sends nothing until another question comes.
    assert actions.send_question_notices() == 0
    ask(opportunity, asker, "When is the clarification meeting?")
    assert actions.send_question_notices() == 1
    assert "1. When is the clarification meeting?" in mail.outbox[-1].body
    assert "TUPE" not in mail.outbox[-1].body


def test_a_question_answered_before_the_notice_is_not_sent(asker, publisher_commissioner):
    opportunity = OpportunityFactory(publisher=publisher_commissioner.organisation)
    question = ask(opportunity, asker)
    actions.answer_question(question=question, by=publisher_commissioner.user, answer="No.")
    mail.outbox.clear()
    assert actions.send_question_notices() == 0
    assert mail.outbox == []


def test_a_notice_that_fails_is_recorded_and_retried_while_the_others_are_sent(asker, settings):
    from tests.mail import mail_server

    refused = OpportunityFactory(contact_email="gone@council.example")
    fine = OpportunityFactory(contact_email="buyer@council.example")
    ask(refused, asker)
    ask(fine, asker)
    with mail_server(settings, refused={"gone@council.example"}) as server:
        assert actions.send_question_notices() == 1
        assert server.recipients() == ["buyer@council.example"]
        failed = Question.objects.get(opportunity=refused)
        assert (failed.contact_told_at, failed.failed_attempts) == (None, 1)
        assert failed.last_failure.startswith("SMTPRecipientsRefused")
        server.refused.clear()
        assert actions.send_question_notices() == 1
        failed.refresh_from_db()
        assert failed.contact_told_at is not None and failed.failed_attempts == 0


def test_your_opportunities_counts_the_questions_to_answer(commissioner):
    opportunity = OpportunityFactory(publisher=commissioner.organisation)
    asker = MembershipFactory()
    ask(opportunity, asker, "One?")
    ask(opportunity, asker, "Two?")
    answered = ask(opportunity, asker, "Three?")
    actions.answer_question(question=answered, by=commissioner.user, answer="Yes.")
    text = commissioner.get("/opportunities/manage/").text
    assert "2 questions to answer" in text
    assert f'href="/opportunities/{opportunity.reference}/questions/"' in text


def test_the_beat_schedule_sends_question_notices_hourly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-question-notices"]
    assert entry["task"] == "opportunities.tasks.send_question_notices"
    assert entry["schedule"].hour == set(range(24))

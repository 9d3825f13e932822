from celery import shared_task

from opportunities import emails
from opportunities.models import Amendment, PartnerContact, Question


@shared_task
def notify_followers_of_amendment(amendment_id):
    """Email every member of every organisation following the amended opportunity."""
    amendment = Amendment.objects.select_related("opportunity").filter(pk=amendment_id).first()
    if amendment is not None:
        emails.send_amendment(amendment)


@shared_task
def notify_followers_of_answer(question_id):
    """Email every member of every organisation following the opportunity a new answer."""
    question = (
        Question.objects.select_related("opportunity")
        .filter(pk=question_id, answered_at__isnull=False)
        .first()
    )
    if question is not None:
        emails.send_answer(question)


@shared_task
def relay_partner_contact(contact_id):
    """Pass a contact request on to the members of the organisation it is for."""
    contact = (
        PartnerContact.objects.select_related(
            "listing__opportunity", "listing__organisation", "organisation", "sent_by"
        )
        .filter(pk=contact_id)
        .first()
    )
    if contact is not None:
        emails.send_partner_contact(contact)


@shared_task
def send_deadline_reminders():
    """Periodic (hourly or daily): remind followers 7 days and 1 day before bids close."""
    from opportunities import actions

    actions.send_deadline_reminders()


@shared_task
def send_question_notices():
    """Hourly: email each opportunity's contact the questions asked since the last notice."""
    from opportunities import actions

    actions.send_question_notices()


@shared_task
def send_alerts():
    """Daily: email saved searches' new matches, daily or weekly as each asked."""
    from opportunities import actions

    actions.send_alerts()

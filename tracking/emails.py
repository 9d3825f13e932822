"""The emails scrutiny tracking sends: one message per person, each about their own work.

Rendered from plain-text templates in ``tracking/email/``. Deciding who gets
what, and making sure it goes once, is ``tracking.actions.reminders``' job.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.emails import absolute_url
from portal.formats import date_in_words, moment_in_words
from portal.mail import subject_line

# A recommendation is named in an email by its reference and its first words.
HEADLINE_WORDS = 20


def headline(recommendation):
    """The first words of a recommendation, without Markdown emphasis, for a list in an email."""
    first_paragraph = recommendation.text.strip().split("\n\n")[0]
    plain = " ".join(first_paragraph.replace("*", "").split())
    return Truncator(plain).words(HEADLINE_WORDS)


def _targets(recommendation):
    return "; ".join(str(target) for target in recommendation.target_dates.all())


def _who_answers(recommendation):
    names = [person.full_name or person.email for person in recommendation.responsible_people.all()]
    if names:
        return ", ".join(names)
    # Nobody named yet: the report's own wording is the best there is.
    return " ".join(recommendation.responsibility.split())


def _round_context(tracking_round):
    inquiry = tracking_round.inquiry
    return {
        "round": tracking_round,
        "inquiry": inquiry,
        "committee": tracking_round.committee.name,
        "deadline": moment_in_words(tracking_round.submission_deadline),
        "meeting": date_in_words(tracking_round.meeting_on),
        "round_url": absolute_url(
            reverse("tracking:round", args=[inquiry.slug, tracking_round.number])
        ),
        "my_assessments_url": absolute_url(reverse("tracking:my_assessments")),
        "service_name": settings.SERVICE_NAME,
    }


def _items(tracking_round, assessments):
    """What each listed assessment needs in an email, in reference order."""
    slug = tracking_round.inquiry.slug
    items = []
    for assessment in sorted(assessments, key=lambda a: a.recommendation.reference):
        recommendation = assessment.recommendation
        items.append(
            {
                "reference": recommendation.reference,
                "headline": headline(recommendation),
                "targets": _targets(recommendation),
                "who": _who_answers(recommendation),
                "url": absolute_url(
                    reverse(
                        "tracking:submit_assessment",
                        args=[slug, tracking_round.number, recommendation.reference],
                    )
                ),
            }
        )
    return items


def _send(user, subject, template, context):
    """One message to ``user`` alone; raises what the mail backend raises."""
    context = {**context, "user": user}
    send_mail(
        subject=subject_line(subject),
        message=render_to_string(f"tracking/email/{template}.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def send_round_opened(tracking_round, user, assessments):
    """Tell ``user`` a round has opened: the recommendations they answer for, deadline, meeting."""
    context = _round_context(tracking_round)
    _send(
        user,
        _("Scrutiny tracking: your assessments for %(inquiry)s are due by %(deadline)s")
        % {"inquiry": tracking_round.inquiry.title, "deadline": context["deadline"]},
        "round_opened",
        {**context, "items": _items(tracking_round, assessments)},
    )


def send_deadline_reminder(tracking_round, user, assessments):
    """Remind ``user`` of the assessments they have not yet submitted in this round."""
    context = _round_context(tracking_round)
    _send(
        user,
        _("Scrutiny tracking reminder: your assessments for %(inquiry)s are due by %(deadline)s")
        % {"inquiry": tracking_round.inquiry.title, "deadline": context["deadline"]},
        "deadline_reminder",
        {**context, "items": _items(tracking_round, assessments)},
    )


def send_late_notice(tracking_round, user, assessments):
    """Tell the scrutiny officer ``user`` which assessments were not in by the deadline."""
    count = len(assessments)
    subject = ngettext(
        "Scrutiny tracking: %(count)s assessment for %(inquiry)s was not submitted by the deadline",
        "Scrutiny tracking: %(count)s assessments for %(inquiry)s were not submitted "
        "by the deadline",
        count,
    ) % {"count": count, "inquiry": tracking_round.inquiry.title}
    _send(
        user,
        subject,
        "late_notice",
        {**_round_context(tracking_round), "items": _items(tracking_round, assessments)},
    )

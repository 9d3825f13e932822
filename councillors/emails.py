"""The emails councillors' actions send (the digest itself is built elsewhere)."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from councillors.queries import contact_addresses
from opportunities.emails import opportunity_url
from opportunities.formats import value_in_words
from portal.formats import moment_in_words
from portal.mail import subject_line


def send_signposting(signposting):
    """Email a signposting to each of the organisation's contacts, one message each.

    Replies go to the councillor when they have an email address; nobody sees
    another recipient's address. Returns how many messages were sent.
    """
    councillor, opportunity = signposting.councillor, signposting.opportunity
    wards = get_text_list([ward.name for ward in councillor.wards.all()], _("and"))
    context = {
        "signposting": signposting,
        "councillor": councillor,
        "wards": wards,
        "organisation": signposting.organisation,
        "opportunity": opportunity,
        "value": value_in_words(opportunity),
        "deadline": moment_in_words(opportunity.submission_deadline),
        "url": opportunity_url(opportunity),
        "service_name": settings.SERVICE_NAME,
    }
    subject = subject_line(
        _("Councillor %(name)s thinks you may want to bid: %(title)s")
        % {"name": councillor.full_name, "title": opportunity.title}
    )
    body = render_to_string("councillors/email/signposting.txt", context)
    reply_to = [councillor.email] if councillor.email else []
    messages = [
        EmailMessage(subject=subject, body=body, to=[address], reply_to=reply_to)
        for address in contact_addresses(signposting.organisation)
    ]
    return get_connection().send_messages(messages) or 0

"""Email subjects built safely from any text, for every email the portal sends.

A subject is a single header line. People type names, titles and reasons with
line breaks in them, and Django refuses a header containing a newline
(``BadHeaderError``) rather than let it add headers such as ``Bcc:``. So a
subject is always built here, never by formatting a string next to a send:
any run of spaces, line breaks, tabs and other control characters becomes one
space, so a newline can neither add a header nor make the send fail.
"""

import re

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils.text import Truncator

# Long enough for "12 new opportunities for ‘a 100-character saved search name’";
# short enough that a mail program shows what matters before cutting it off.
MAX_SUBJECT_LENGTH = 150

# Control characters (C0, DEL, C1: Unicode's "Cc") and the line and paragraph
# separators: each could end a header line for some mail program on the way.
_SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text):
    """``text`` on a single line: every run of whitespace or control characters is one space."""
    return _SEPARATORS.sub(" ", str(text)).strip()


def subject_line(text):
    """The subject of an email about ``text``: one line, cut to ``MAX_SUBJECT_LENGTH``
    characters with an ellipsis, then `` – `` and the service's name.

    Safe for any text, including names and titles people typed.
    """
    headline = Truncator(one_line(text)).chars(MAX_SUBJECT_LENGTH)
    return f"{headline} – {one_line(settings.SERVICE_NAME)}"


def send_each(subject, template, context, recipients, *, reply_to=None):
    """Email ``template`` rendered with ``context`` (and ``service_name``) to each of
    ``recipients`` in a message of its own, so nobody sees another's address; replies go
    to ``reply_to`` (a list of addresses) when given. The subject is made safe here."""
    body = render_to_string(template, {"service_name": settings.SERVICE_NAME, **context})
    subject = subject_line(subject)
    get_connection().send_messages(
        [EmailMessage(subject, body, to=[address], reply_to=reply_to) for address in recipients]
    )

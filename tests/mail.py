"""A real SMTP server (aiosmtpd) in the test process, for tests of what a mail server refuses."""

import email
import email.policy
from contextlib import contextmanager

from aiosmtpd.controller import Controller

from tests.workers import free_port


class MailServer:
    """Accepts every message, except to the addresses in ``refused`` (550, as for a
    mailbox that does not exist). Change ``refused`` at any time."""

    def __init__(self, refused=()):
        self.refused = set(refused)
        self.accepted = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.accepted.extend((address, message) for address in envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def recipients(self):
        return sorted(address for address, _message in self.accepted)


@contextmanager
def mail_server(settings, *, refused=()):
    """Send the portal's mail to a ``MailServer`` over SMTP for the ``with`` block."""
    server = MailServer(refused)
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_TIMEOUT = 10
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield server
    finally:
        controller.stop()

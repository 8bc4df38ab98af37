from smtplib import SMTPAuthenticationError, SMTPRecipientsRefused

from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages) -> int:
        raise ConnectionRefusedError("SMTP server refused the connection")


class RefusingBackend(locmem.EmailBackend):
    """A mail server that always refuses some mailboxes and delivers the rest to mail.outbox.

    Refused the way SMTP refuses an unknown mailbox, quoting the address back.
    """

    refused: set[str] = set()

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            bad = set(message.to) & self.refused
            if bad:
                raise SMTPRecipientsRefused({addr: (550, b"5.1.1 User unknown") for addr in bad})
        return super().send_messages(email_messages)


class AuthFailingBackend(BaseEmailBackend):
    """A mail server that rejects our credentials: every message fails alike, none is at fault."""

    def send_messages(self, email_messages) -> int:
        raise SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")

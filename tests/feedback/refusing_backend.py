from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    """A mail server that refuses messages to the addresses in `refused`, and takes the rest."""

    refused: set[str] = set()

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            bad = [to for to in message.to if to in self.refused]
            if bad:
                raise SMTPRecipientsRefused({to: (550, b"mailbox unavailable") for to in bad})
        return super().send_messages(email_messages)

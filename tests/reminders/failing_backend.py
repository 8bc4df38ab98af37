from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages) -> int:
        raise ConnectionRefusedError("SMTP server refused the connection")

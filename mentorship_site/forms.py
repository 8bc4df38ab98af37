"""Site-wide forms that replace Django's defaults."""

from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from outbox.services import email_enqueue


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email recorded for the worker instead of sent in the
    request: the page never waits on the mail server, and an outage only delays the link."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_enqueue(kind="accounts.password_reset", to=to_email, subject=subject, body=body)

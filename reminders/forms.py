from django import forms

from .models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_enabled", "weekly_digest"]
        help_texts = {
            "email_enabled": "Reminders when a check-in is due or overdue and when a milestone "
            "comes due. Off means no reminder emails at all.",
            "weekly_digest": "One email on Monday morning listing the week's reminders, instead "
            "of one email each.",
        }

    def clean(self) -> dict:
        data = super().clean()
        if data.get("weekly_digest") and not data.get("email_enabled"):
            self.add_error("weekly_digest", "The digest is an email too: turn email on to get it.")
        return data

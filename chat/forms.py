from django import forms

from .models import Delivery


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label="Where should reminders, nudges, match announcements and approvals go?",
        choices=Delivery.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, slack_enabled: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not slack_enabled:
            self.fields["delivery"].choices = [(Delivery.EMAIL, Delivery.EMAIL.label)]


class TeamsChannelForm(forms.Form):
    webhook_url = forms.CharField(
        label="Incoming webhook URL",
        max_length=1000,
        help_text=(
            "In Teams: the channel's ••• menu → Workflows (or Connectors) → “Post to a channel "
            "when a webhook request is received”, then copy the address it gives."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

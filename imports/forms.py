from django import forms

from people.models import User
from programs.models import Program

from . import csvcheck
from .selectors import programs_for_import


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with a header row, at most 5 MB and 20,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > csvcheck.MAX_BYTES:
            # Checked before reading so a huge upload isn't loaded into memory.
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is 5 MB. "
                "Split it into smaller files."
            )
        try:
            self.cleaned_data["text"] = csvcheck.decode(upload.read())
        except csvcheck.CsvFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class EnrolmentUploadForm(UploadForm):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), empty_label="Choose a program",
        help_text="Only programs you coordinate are listed.",
    )
    field_order = ["program", "file"]

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs_for_import(user)

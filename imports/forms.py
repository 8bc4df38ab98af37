from django import forms

from . import csvcheck


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

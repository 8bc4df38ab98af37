from django import forms

from .models import QuestionKind, RoundKind, SurveyKind, SurveyQuestion

LEVELS = [(i, str(i)) for i in range(1, 6)]
LEVEL_HELP = "1 = beginner · 3 = works independently · 5 = can teach others"


class SurveyForm(forms.Form):
    kind = forms.ChoiceField(choices=SurveyKind.choices)
    opens_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    for_mentees = forms.BooleanField(label="Send to mentees", required=False, initial=True)
    for_mentors = forms.BooleanField(label="Send to mentors", required=False, initial=True)
    for_managers = forms.BooleanField(
        label="Send to the mentees' managers", required=False, initial=True
    )

    # The dates' order and "at least one group" are refused by services.survey_save.


class AnswerForm(forms.Form):
    """One field per question: a 1–5 radio for ratings, a text box for comments."""

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            if q.kind == QuestionKind.RATING:
                self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                    label=q.text,
                    choices=LEVELS,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={"required": "Choose a rating from 1 (not at all) to 5 (very)."},
                    help_text="1 = not at all · 5 = very much",
                )
            else:
                self.fields[f"q{q.pk}"] = forms.CharField(
                    label=q.text,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text="Optional. Shown to the program team without your name.",
                )

    def ratings(self) -> dict[int, int]:
        return {
            q.pk: self.cleaned_data[f"q{q.pk}"]
            for q in self.questions
            if q.kind == QuestionKind.RATING
        }

    def comments(self) -> dict[int, str]:
        return {
            q.pk: self.cleaned_data[f"q{q.pk}"]
            for q in self.questions
            if q.kind == QuestionKind.TEXT
        }


class RoundForm(forms.Form):
    kind = forms.ChoiceField(choices=RoundKind.choices)
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    include_manager = forms.BooleanField(label="Also ask the mentee's manager", required=False)


class PlanForm(forms.Form):
    include_manager = forms.BooleanField(label="Also ask each mentee's manager", required=False)

    def __init__(self, *args, **kwargs) -> None:
        # Its own ids: the round form on the same page has an `include_manager` field too.
        kwargs.setdefault("auto_id", "id_plan_%s")
        super().__init__(*args, **kwargs)


class RatingForm(forms.Form):
    """One required 1–5 choice per skill the mentee seeks."""

    def __init__(self, *args, skills: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.skill_ids = [es.skill_id for es in skills]
        for es in skills:
            self.fields[f"skill_{es.skill_id}"] = forms.TypedChoiceField(
                label=es.skill.name,
                choices=LEVELS,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a level from 1 to 5 for {es.skill.name}."},
            )

    def levels(self) -> dict[int, int]:
        return {sid: self.cleaned_data[f"skill_{sid}"] for sid in self.skill_ids}

from django import forms

from programs.models import EnrolmentRole, Program

from . import selectors
from .models import Objective, ProgramWeights, RuleKind


class StartRunForm(forms.Form):
    mode = forms.ChoiceField(choices=Objective.choices, label="Objective")


class WeightsForm(forms.ModelForm):
    class Meta:
        model = ProgramWeights
        fields = [
            "skill_fit",
            "career_goal",
            "communication",
            "experience",
            "availability",
            "diversity",
            "load_penalty",
            "objective",
            "rule_skill_at_target",
            "rule_min_score",
            "rule_max_timezone_hours",
            "rule_same_language",
            "rule_other_department",
            "rule_will_not_mentor",
            "weak_below",
        ]
        help_texts = {
            "skill_fit": "Mentor proficiency on the skills the mentee wants, weighted by the gap.",
            "career_goal": "Mentor's track matches the mentee's career goal.",
            "communication": "Compatible communication styles.",
            "experience": "Experience gap in the preferred band.",
            "availability": "Hours offered vs wanted, and time-zone overlap.",
            "diversity": "Mentees who asked for another department get one.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, a number rule is off.
        for name in ("rule_min_score", "weak_below"):
            self.fields[name].required = False

    def clean_rule_min_score(self) -> int:
        return self.cleaned_data["rule_min_score"] or 0

    def clean_weak_below(self) -> int:
        return self.cleaned_data["weak_below"] or 0

    # "At least one weight above zero" is ProgramWeights.clean, which the service runs too.


class PairRuleForm(forms.Form):
    mentee = forms.ModelChoiceField(queryset=None)
    mentor = forms.ModelChoiceField(queryset=None)
    kind = forms.ChoiceField(
        choices=RuleKind.choices, widget=forms.RadioSelect, initial=RuleKind.FORBID
    )

    def __init__(self, *args, program: Program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = selectors.enrolled_users(program, EnrolmentRole.MENTEE)
        self.fields["mentor"].queryset = selectors.enrolled_users(program, EnrolmentRole.MENTOR)
        self.fields["mentee"].label_from_instance = _label
        self.fields["mentor"].label_from_instance = _label

    # "Two different people" is refused by services.pair_rule_create, shown on the form.


def _label(user) -> str:
    return user.label


class SwapForm(forms.Form):
    """A mentor with a place left ("12"), or a full one whose place a swap chain frees
    ("12:345:67": proposal 345 moves to mentor 67 first)."""

    mentor = forms.ChoiceField(label="New mentor")

    def __init__(self, *args, candidates: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [(_choice(c), _choice_label(c)) for c in candidates]

    def cleaned_choice(self) -> tuple[int, int | None, int | None]:
        """(mentor id, proposal to move or None, where it moves or None)."""
        parts = [int(part) for part in self.cleaned_data["mentor"].split(":")]
        return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (parts[0], None, None)


def _choice(candidate: dict) -> str:
    via = candidate.get("via")
    if via:
        return f"{candidate['mentor_id']}:{via['proposal_id']}:{via['to_mentor_id']}"
    return str(candidate["mentor_id"])


def _choice_label(candidate: dict) -> str:
    via = candidate.get("via")
    if via:
        return (
            f"{candidate['name']} — score {candidate['score']}, full: frees a place if "
            f"{via['mentee_name']} moves to {via['to_name']} "
            f"(their score {via['score_before']} → {via['score_after']})"
        )
    left = candidate["capacity_left"]
    return f"{candidate['name']} — score {candidate['score']}, {left} place(s) left"

"""Forms of the satisfaction pages. They parse; the services validate."""

from django import forms

SCORE_CHOICES = [
    ("5", "5 – very happy"),
    ("4", "4 – happy"),
    ("3", "3 – so-so"),
    ("2", "2 – unhappy"),
    ("1", "1 – very unhappy"),
]


class PortalPulseForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How satisfied are you?",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a score from 1 to 5."},
    )
    comment = forms.CharField(
        label="Anything to add? (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PulseForm(forms.Form):
    """A pulse a stakeholder gave by phone or in person, recorded by the team."""

    stakeholder = forms.ModelChoiceField(
        queryset=None, label="From", empty_label="Choose a stakeholder"
    )
    score = forms.TypedChoiceField(
        label="Score", choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="What they said",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    given_on = forms.DateField(
        label="Given on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    about = forms.ChoiceField(
        label="About",
        required=False,
        help_text="The interaction or meeting it is about, if any (the last 90 days).",
    )

    def __init__(self, *args, stakeholders, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = stakeholders
        self.fields["stakeholder"].label_from_instance = lambda s: s.party.name
        self.fields["about"].choices = [("", "The project in general")] + subjects

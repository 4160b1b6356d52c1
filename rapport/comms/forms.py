from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from rapport.stakeholders.models import Category, Party

from . import rules
from .models import CommType, PlanRow

CUSTOM = "custom"
PRESET_CHOICES = [(p.key, p.label) for p in rules.PRESETS] + [(CUSTOM, "Custom rule (below)")]


class PlanRowForm(forms.ModelForm):
    preset = forms.ChoiceField(
        label="Frequency",
        choices=PRESET_CHOICES,
        help_text="All times are in the project's time zone.",
    )
    rrule = forms.CharField(
        label="Custom rule (iCalendar RRULE)",
        required=False,
        max_length=300,
        help_text="Only with “Custom rule”, e.g. FREQ=MONTHLY;BYDAY=2TU (the second Tuesday).",
    )

    class Meta:
        model = PlanRow
        fields = [
            "audience_parties",
            "audience_category",
            "comm_type",
            "channel",
            "preset",
            "rrule",
            "start_date",
            "send_time",
            "duration_minutes",
            "owner",
            "purpose",
            "custom_intro",
            "active",
        ]
        widgets = {
            "audience_parties": forms.CheckboxSelectMultiple(),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "send_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "custom_intro": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"audience_parties": "The project's customers and stakeholders."}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["audience_parties"].queryset = (
            Party.objects.filter(stakeholdings__project=project).order_by("name").distinct()
        )
        self.fields["audience_parties"].required = False
        self.fields["audience_category"].queryset = Category.objects.filter(org=project.org)
        self.fields["audience_category"].required = False
        User = get_user_model()
        self.fields["owner"].queryset = User.objects.filter(
            Q(project_memberships__project=project)
            | Q(org_memberships__org=project.org, org_memberships__role="owner")
        ).distinct()
        self.fields["owner"].label_from_instance = lambda u: u.display_name
        self.fields["rrule"].required = False
        # Fields that apply to one kind of row only; rapport.js hides them for the others.
        self.fields["rrule"].only_when = ("preset", CUSTOM)
        self.fields["duration_minutes"].only_when = ("comm_type", CommType.MEETING)
        self.fields["custom_intro"].only_when = ("comm_type", CommType.CUSTOM)
        rrule = self.initial.get("rrule") or (self.instance.rrule if self.instance.pk else "")
        self.initial["preset"] = next(
            (p.key for p in rules.PRESETS if p.rrule == rrule), CUSTOM if rrule else "weekly-monday"
        )
        if self.initial["preset"] != CUSTOM:
            self.initial["rrule"] = ""

    def clean(self):
        data = super().clean()
        preset = data.get("preset")
        if preset and preset != CUSTOM:
            data["rrule"] = rules.PRESETS_BY_KEY[preset].rrule
        elif not (data.get("rrule") or "").strip():
            self.add_error("rrule", "Write the rule, e.g. FREQ=WEEKLY;BYDAY=MO, or pick a preset.")
        else:
            try:
                data["rrule"] = rules.parse_rule(data["rrule"]).text
            except ValueError as error:
                self.add_error("rrule", str(error))
        return data

    def _post_clean(self):
        # The service validates the row as a whole (audience, channel, owner); skip the model's.
        pass

    def row_fields(self) -> dict:
        skip = {"audience_parties", "audience_category", "preset"}
        return {
            k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields and k not in skip
        }


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How useful was this report?",
        choices=[(str(n), f"{n}") for n in range(1, 6)],
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        help_text="1 = not useful, 5 = exactly what I need.",
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="Your reply",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The stakeholder reads it under their comment in their portal.",
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="New password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class UnlockForm(forms.Form):
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

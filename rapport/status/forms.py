from dataclasses import fields as dc_fields

from django import forms

from rapport.stakeholders.models import Party

from . import rules
from .models import DIMENSIONS, Colour, HealthConfig, Level, Risk, StatusUpdate

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COLOUR_CHOICES = [("", "— choose —"), *Colour.choices]


class StatusUpdateForm(forms.ModelForm):
    class Meta:
        model = StatusUpdate
        fields = [
            "period_start",
            "period_end",
            "overall",
            "summary",
            *[name for key, _ in DIMENSIONS for name in (key, f"{key}_note")],
            "progress",
            "spent",
            "went_well",
            "not_going_well",
            "next_steps",
        ]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "went_well": forms.Textarea(attrs={"rows": 3}),
            "not_going_well": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            **{f"{key}_note": forms.TextInput() for key, _ in DIMENSIONS},
        }
        labels = {f"{key}_note": f"{label} note" for key, label in DIMENSIONS}

    def __init__(self, *args, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overall"].choices = COLOUR_CHOICES
        self.fields["overall"].required = True
        for key, _ in DIMENSIONS:  # only the overall colour is required
            self.fields[key].choices = [("", "Not assessed"), *Colour.choices]
            self.fields[key].required = False
        self.fields["not_going_well"].required = True
        self.fields["summary"].help_text = "Plain words a customer understands."
        self.correcting = correcting
        if correcting:
            self.fields["correction_reason"] = forms.CharField(
                label="Why it is corrected",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Shown with the corrected report, so readers know what changed and why.",
            )

    def update_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}


class ObstacleForm(forms.Form):
    text = forms.CharField(label="Obstacle", max_length=500, required=False)
    impact = forms.CharField(label="Impact", required=False, widget=forms.TextInput())
    customers = forms.ModelMultipleChoiceField(
        label="Customers affected",
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checklist"}),
    )

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customers"].queryset = parties if parties is not None else Party.objects.none()


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision needed", max_length=500, required=False)
    needed_from = forms.ModelChoiceField(
        label="From whom", queryset=Party.objects.none(), required=False
    )
    needed_by = forms.DateField(label="By", required=False, widget=DATE)

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needed_from"].queryset = (
            parties if parties is not None else Party.objects.none()
        )


ObstacleFormSet = forms.formset_factory(ObstacleForm, extra=2, max_num=20, absolute_max=20)
DecisionFormSet = forms.formset_factory(DecisionForm, extra=2, max_num=20, absolute_max=20)


def item_rows(formset) -> list[dict]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("text") or "").strip()
    ]


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = ["title", "probability", "impact", "mitigation", "owner"]
        widgets = {"mitigation": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["probability"].choices = Level.choices
        self.fields["impact"].choices = Level.choices


_SETTING_HELP = {
    "milestone_amber_days": "A milestone this many days late against its baseline is amber.",
    "milestone_red_days": "… and this many days late is red.",
    "milestone_red_count": "How many milestones must be red-late for red.",
    "activities_amber_share": "Share of open activities past their planned finish for amber (0.10 = 10%).",
    "activities_red_share": "… for red.",
    "budget_amber_gap": "Budget spent share minus progress share for amber (0.10 = 10 points).",
    "budget_red_gap": "… for red.",
    "raci_amber_count": "RACI errors on open activities for amber.",
    "raci_red_count": "… for red.",
    "risks_amber_count": "Open high risks for amber.",
    "risks_red_count": "… for red.",
    "commitments_amber_count": "Overdue promises for amber.",
    "commitments_red_count": "… for red.",
    "commitments_red_share": "… or this share of the open promises overdue for red.",
    "commitments_window_days": "Promises broken and renegotiated within this many days count.",
    "commitments_renegotiation_weight": "How much of a missed promise a renegotiation counts (0.5 = half).",
    "ratings_window": "Compare the average of the last N ratings with the N before.",
    "ratings_amber_drop": "A drop of this many points (1–5 scale) is amber.",
    "ratings_red_drop": "… and this many is red.",
    "acknowledgements_amber_share": "Share of the reports sent that nobody acknowledged for amber (0.5 = half).",
    "acknowledgements_red_share": "… for red.",
    "business_meetings_window": "Count the business invitations to the last N status meetings held.",
    "business_amber_share": "Share of those invitations the business missed for amber (0.34 = a third).",
    "business_red_share": "… for red.",
    "satisfaction_window": "Per key customer, compare the average of the last N pulses with the N before.",
    "satisfaction_amber_drop": "A drop of this many points (1–5 scale) for any key customer is amber.",
    "satisfaction_red_drop": "… and this many is red.",
    "slas_window_days": "SLA breaches within this many days count.",
    "slas_amber_count": "SLA breaches (by IT or the business) for amber.",
    "slas_red_count": "… for red.",
}


class HealthSettingsForm(forms.Form):
    """One field per rules.HealthSettings field, and the watermelon margin."""

    margin = forms.TypedChoiceField(
        label="Watermelon margin",
        choices=[
            (1, "1 step (green reported, amber evidence is flagged)"),
            (2, "2 steps (only green against red)"),
        ],
        coerce=int,
        help_text=HealthConfig._meta.get_field("margin").help_text,
    )

    def __init__(self, *args, config: HealthConfig, **kwargs):
        super().__init__(*args, **kwargs)
        current = rules.HealthSettings(**(config.overrides or {}))
        self.fields["margin"].initial = config.margin
        for item in dc_fields(rules.HealthSettings):
            value = getattr(current, item.name)
            label = item.name.replace("_", " ").capitalize()
            if item.name.endswith("_enabled"):
                field = forms.BooleanField(
                    label=label.replace(" enabled", " signal on"), required=False
                )
            elif isinstance(item.default, int) and not isinstance(item.default, bool):
                field = forms.IntegerField(
                    label=label, min_value=1, help_text=_SETTING_HELP.get(item.name, "")
                )
            else:
                field = forms.FloatField(
                    label=label, min_value=0.001, help_text=_SETTING_HELP.get(item.name, "")
                )
            field.initial = value
            self.fields[item.name] = field

    def overrides(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "margin"}


class BoardFilterForm(forms.Form):
    """What the organisation board shows: by state, evidence colour, watermelons, manager."""

    state = forms.ChoiceField(required=False, label="State")
    colour = forms.ChoiceField(required=False, label="Evidence")
    watermelon = forms.BooleanField(required=False, label="Watermelons only")
    manager = forms.ModelChoiceField(
        queryset=None, required=False, label="Manager", empty_label="Anyone"
    )

    def __init__(self, *args, org, **kwargs):
        from rapport.projects.models import ProjectState

        from .selectors import board_managers

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", "Not cancelled"),
            *ProjectState.choices,
        ]
        self.fields["colour"].choices = [("", "Any colour"), *Colour.choices]
        managers = self.fields["manager"]
        managers.queryset = board_managers(org)
        managers.label_from_instance = lambda u: u.display_name

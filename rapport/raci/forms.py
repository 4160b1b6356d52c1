from django import forms
from django.urls import reverse

from rapport.lib.widgets import use_search_select
from rapport.stakeholders.forms import add_saved_mapping_field
from rapport.stakeholders.models import Outcome, Party

from .importing import LAYOUTS
from .models import Activity, ActivityKind, ActivityStatus, RaciSettings

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActivityForm(forms.Form):
    name = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=ActivityKind.choices, initial=ActivityKind.TASK)
    phase = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    status = forms.ChoiceField(choices=ActivityStatus.choices, initial=ActivityStatus.NOT_STARTED)
    planned_start = forms.DateField(required=False, widget=DATE)
    planned_finish = forms.DateField(required=False, widget=DATE)
    baseline_start = forms.DateField(
        required=False,
        widget=DATE,
        help_text="What was first agreed; empty takes the planned date.",
    )
    baseline_finish = forms.DateField(required=False, widget=DATE)
    actual_start = forms.DateField(required=False, widget=DATE)
    actual_finish = forms.DateField(required=False, widget=DATE)
    accountable_does_work = forms.BooleanField(
        required=False,
        label="The Accountable person also does the work",
        help_text="Shown as A/R: no separate Responsible is needed.",
    )
    outcomes = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Customer outcomes it serves",
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [("", "No phase")] + [
            (p.pk, p.name) for p in project.phases.all()
        ]
        self.outcome_objects = {o.pk: o for o in Outcome.objects.filter(project=project)}
        self.fields["outcomes"].choices = [(o.pk, o.title) for o in self.outcome_objects.values()]
        if not self.outcome_objects:
            self.fields[
                "outcomes"
            ].help_text = (
                "The project has no customer outcomes yet: record them in the stakeholder register."
            )

    @classmethod
    def initial_for(cls, activity: Activity) -> dict:
        data = {
            name: getattr(activity, name)
            for name in (
                "name",
                "kind",
                "description",
                "status",
                "planned_start",
                "planned_finish",
                "baseline_start",
                "baseline_finish",
                "actual_start",
                "actual_finish",
                "accountable_does_work",
            )
        }
        data["phase"] = activity.phase_id or ""
        data["outcomes"] = [o.pk for o in activity.outcomes.all()]
        return data

    def activity_fields(self, phases: dict) -> dict:
        data = dict(self.cleaned_data)
        data.pop("outcomes")
        phase_id = data.pop("phase")
        data["phase"] = phases.get(phase_id) if phase_id else None
        return data

    def chosen_outcomes(self) -> list:
        return [self.outcome_objects[pk] for pk in self.cleaned_data["outcomes"]]


class ActivityScheduleForm(forms.Form):
    """The inline edit on the Activities page: planned dates and status of one row."""

    planned_start = forms.DateField(required=False, widget=DATE)
    planned_finish = forms.DateField(required=False, widget=DATE)
    status = forms.ChoiceField(choices=ActivityStatus.choices)


class PhaseForm(forms.Form):
    name = forms.CharField(max_length=200, label="Phase name")


class SettingsForm(forms.ModelForm):
    class Meta:
        model = RaciSettings
        fields = ["max_consulted", "overload_percent", "key_level"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        help_text="Grid: activities down column A, one party per column, R/A/C/I in the cells. "
        "List: columns Activity, Responsible, Accountable, Consulted, Informed, names in the "
        "cells separated by ; , or new lines.",
    )
    layout = forms.ChoiceField(
        choices=[("auto", "Detect it")] + [(x, x.capitalize()) for x in LAYOUTS],
        initial="auto",
        label="Layout",
    )
    create_missing = forms.BooleanField(
        required=False,
        label="Add names not in the register as new parties",
        help_text="Otherwise each unknown name is reported and its row is not imported.",
    )

    def __init__(self, *args, saved_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        add_saved_mapping_field(self, saved_names)


class SipocForm(forms.Form):
    name = forms.CharField(max_length=200, label="Process name")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="What the process is for"
    )


class AddColumnForm(forms.Form):
    """A party of the register to give a column in the matrix (one not on the project yet)."""

    party = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        label="Add a column for a party of the register",
        empty_label=None,
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["party"]
        field.queryset = (
            Party.objects.filter(org_id=project.org_id)
            .exclude(stakeholdings__project=project)
            .only("pk", "name", "organisation")
        )
        field.widget.attrs["id"] = "add-party"
        use_search_select(
            field, reverse("stakeholder-candidates", args=[project.org.slug, project.code])
        )

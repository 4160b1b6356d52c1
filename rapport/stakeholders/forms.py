from django import forms
from django.urls import reverse

from rapport.lib.widgets import use_search_select

from . import rules
from .models import Category, Outcome, Party, ProjectStakeholder, ValueCriterion

SCALE_CHOICES = [("", "Not assessed"), *[(str(i), str(i)) for i in range(1, 6)]]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = [
            "kind",
            "name",
            "organisation",
            "department",
            "title",
            "email",
            "phone",
            "relationship",
            "payment",
            "categories",
            "reports_to",
            "represents",
            "notes",
        ]
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "kind": forms.RadioSelect,
            "relationship": forms.RadioSelect,
        }
        help_texts = {
            "name": "A person, or a group: a department, “the sales team”, a union, “future generations”."
        }

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.filter(org=org)
        others = Party.objects.filter(org=org).only("pk", "name", "organisation")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        search_url = reverse("party-search", args=[org.slug])
        for name in ("reports_to", "represents"):
            self.fields[name].queryset = others
            self.fields[name].empty_label = "— nobody —"
            use_search_select(self.fields[name], search_url)
        self.fields[
            "reports_to"
        ].help_text = (
            "Their boss: make the customer chain visible (the buyer's boss, her CIO, ...)."
        )

    def validate_unique(self):
        pass  # the service checks name + organisation, with a message that says what to do

    def _post_clean(self):
        # The service validates the model (with org set); the form checks only its fields.
        pass

    def party_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("categories", None)
        return data


class StakeholderForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=rules.ROLES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Roles on this project",
    )
    power = forms.TypedChoiceField(
        choices=SCALE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="How much they can affect the project (1 low – 5 high).",
    )
    interest = forms.TypedChoiceField(
        choices=SCALE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="How much the project affects them, or they care (1 low – 5 high).",
    )

    class Meta:
        model = ProjectStakeholder
        fields = [
            "roles",
            "is_customer",
            "benefits",
            "weighs_in_on",
            "power",
            "interest",
            "attitude",
            "nervous",
            "concerns",
            "engagement_now",
            "engagement_needed",
            "expectations",
        ]
        widgets = {
            "benefits": forms.Textarea(attrs={"rows": 2}),
            "weighs_in_on": forms.Textarea(attrs={"rows": 2}),
            "concerns": forms.Textarea(attrs={"rows": 2}),
            "expectations": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attitude"].choices = [("", "Not assessed"), *rules.ATTITUDES]
        for name in ("engagement_now", "engagement_needed"):
            self.fields[name].choices = [("", "Not assessed"), *rules.ENGAGEMENT]
        if self.instance.pk and not self.is_bound:
            self.initial["power"] = self.instance.power
            self.initial["interest"] = self.instance.interest

    def _post_clean(self):
        pass  # the service validates the model

    def stakeholder_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ExistingPartyForm(forms.Form):
    existing = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        required=False,
        label="Someone already in the register",
        empty_label="— a new person or group (describe below) —",
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = (
            Party.objects.filter(org_id=project.org_id)
            .exclude(stakeholdings__project=project)
            .only("pk", "name", "organisation")
        )
        use_search_select(
            self.fields["existing"],
            reverse("stakeholder-candidates", args=[project.org.slug, project.code]),
        )


class ConsiderationForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, label="Why not applicable")


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "hint"]

    def validate_unique(self):
        pass

    def _post_clean(self):
        pass


class CriterionForm(forms.ModelForm):
    class Meta:
        model = ValueCriterion
        fields = ["text", "weight", "goals"]
        widgets = {"goals": forms.CheckboxSelectMultiple}
        labels = {"goals": "Aligned to the project goals"}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = project.goals.all()
        self.fields["goals"].required = False
        self.fields["weight"].widget.attrs.update({"min": 1, "max": 100})

    def _post_clean(self):
        pass


class OutcomeForm(forms.ModelForm):
    stakeholders = forms.ModelMultipleChoiceField(
        queryset=ProjectStakeholder.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Customers who must agree",
    )

    class Meta:
        model = Outcome
        fields = [
            "title",
            "description",
            "metric",
            "unit",
            "baseline",
            "target",
            "due_date",
            "is_csf",
            "benefit_low",
            "benefit_high",
            "benefit_p50",
            "benefit_p80",
            "benefit_assumptions",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_date": DATE,
            "benefit_assumptions": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": "In words, as the customers would say it.",
            "benefit_low": "Expected benefit (optional): the value of the metric expected at the "
            "target date, as a range (low and high), a P50 and a P80.",
            "benefit_p50": "As likely to be beaten as not.",
            "benefit_p80": "The value you are 80 % sure to reach: the promise. It is checked "
            "against the first measurement on or after the target date.",
            "benefit_assumptions": "What the forecast assumes (published in the detailed report).",
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        stakeholders = (
            ProjectStakeholder.objects.filter(project=project)
            .select_related("party")
            .order_by("-is_customer", "party__name")
        )
        self.fields["stakeholders"].queryset = stakeholders
        self.fields["stakeholders"].label_from_instance = lambda s: (
            f"{s.party.name}{' (customer)' if s.is_customer else ''}"
        )
        if self.instance.pk and not self.is_bound:
            self.initial["stakeholders"] = [p.stakeholder_id for p in self.instance.positions.all()]
        elif not self.is_bound:
            self.initial["stakeholders"] = [s.pk for s in stakeholders if s.is_customer]

    def _post_clean(self):
        pass

    def outcome_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PositionForm(forms.Form):
    stakeholder = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=rules.POSITIONS)
    reason = forms.CharField(required=False, max_length=2000)


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(widget=DATE, label="Measured on")
    value = forms.DecimalField(max_digits=16, decimal_places=4)
    note = forms.CharField(required=False, max_length=300)


class ConflictForm(forms.Form):
    other = forms.ModelChoiceField(queryset=Outcome.objects.none(), label="Conflicts with")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="How they conflict"
    )

    def __init__(self, *args, outcome, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = Outcome.objects.filter(
            project_id=outcome.project_id
        ).exclude(pk=outcome.pk)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="How it was settled"
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        help_text="The first row names the columns; Name is required. Export the register to get a file with every column.",
    )
    create_missing_categories = forms.BooleanField(
        required=False,
        label="Add categories the organisation does not have yet",
        help_text="Otherwise a category not in the list is reported and its row is not imported.",
    )

    def __init__(self, *args, saved_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        add_saved_mapping_field(self, saved_names)


def add_saved_mapping_field(form, saved_names) -> None:
    """The upload pages' "Columns" select: guess from the headers, or a saved mapping by name
    (register, customers and RACI imports). No select while nothing is saved."""
    if saved_names:
        form.fields["saved_mapping"] = forms.ChoiceField(
            required=False,
            label="Column meanings",
            choices=[("", "Guess from the headers"), *((name, name) for name in saved_names)],
            help_text="A saved mapping reads the columns as you saved them; columns it does not "
            "name are guessed.",
        )


class PreferencesForm(forms.Form):
    """How a person wants to hear from the organisation's projects (stored on the party)."""

    preferred_channel = forms.ChoiceField(
        label="Preferred channel",
        choices=[("", "No preference"), *rules.PREFERRED_CHANNELS],
        required=False,
    )
    max_per_week = forms.IntegerField(
        label="At most, communications per week",
        min_value=1,
        max_value=rules.MAX_PER_WEEK_LIMIT,
        required=False,
        help_text="Empty: the organisation's usual threshold applies.",
    )
    quiet_days = forms.MultipleChoiceField(
        label="Quiet days (do not contact on)",
        choices=rules.WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    @classmethod
    def for_party(cls, party, data=None):
        initial = {
            "preferred_channel": party.preferred_channel,
            "max_per_week": party.max_per_week,
            "quiet_days": rules.quiet_days_parse(party.quiet_days),
        }
        return cls(data, initial=initial)

"""Forms of the estimate pages. They parse; the services validate (with the rules' messages)."""

from django import forms
from django.urls import reverse

from rapport.lib.widgets import use_search_select
from rapport.stakeholders.models import Party

from . import rules
from .models import EstimateMethod

REASON_HELP = "Every version of the estimate keeps who changed it, when, and this reason."
CONFIDENCES = [(str(c / 100), f"P{c}") for c in (50, 60, 70, 75, 80, 85, 90, 95)]
PARTS = (
    ("optimistic", "optimistic"),
    ("most_likely", "most likely"),
    ("pessimistic", "pessimistic"),
)


def plain(value) -> str:
    """A decimal as people type it: 10, 2.5 (not 1E+1 or 10.00)."""
    return format(value.normalize(), "f") if value is not None else ""


def _number(label: str, *, required: bool = True, **attrs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", **attrs}),
    )


def reason_field(label: str = "Reason for the change") -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
        max_length=2000,
    )


class ActivityEstimateForm(forms.Form):
    """One activity: its ranges, how they were developed, what it waits for, and why."""

    duration_optimistic = _number("Duration, optimistic (working days)")
    duration_most_likely = _number("Duration, most likely (working days)")
    duration_pessimistic = _number("Duration, pessimistic (working days)")
    cost_optimistic = _number("Cost, optimistic")
    cost_most_likely = _number("Cost, most likely")
    cost_pessimistic = _number("Cost, pessimistic")
    method = forms.ChoiceField(label="Method", choices=EstimateMethod.choices)
    assumptions = forms.CharField(
        label="Assumptions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What must hold for these ranges (team size, vendor availability, ...).",
    )
    source = forms.CharField(
        label="Source",
        required=False,
        max_length=300,
        help_text="Where the figures come from: a quote, a past project, a rate card.",
    )
    estimated_by = forms.ChoiceField(label="Estimated by", required=False)
    predecessors = forms.MultipleChoiceField(
        label="Depends on (finish-to-start)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="This activity starts when all of these have finished.",
    )
    reason = reason_field()

    def __init__(self, *args, currency="", people=(), others=(), **kwargs):
        super().__init__(*args, **kwargs)
        for part, _ in PARTS:
            self.fields[f"cost_{part}"].label += f" ({currency})" if currency else ""
        self.fields["estimated_by"].choices = [("", "—")] + [
            (str(u.pk), u.display_name) for u in people
        ]
        self.fields["predecessors"].choices = [(str(a.pk), a.name) for a in others]
        if not others:
            self.fields["predecessors"].help_text = (
                "No other activities yet: this one starts at the project start. Add the next "
                "activity on the estimates page, then say what it depends on."
            )


class SheetForm(forms.Form):
    """The estimate sheet: six numbers per activity, one reason for the whole change."""

    reason = reason_field()

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = list(activities)
        for a in self.activities:
            e = getattr(a, "estimate_or_none", None)
            for what, unit in (("duration", "working days"), ("cost", "")):
                for part, words in PARTS:
                    name = f"{a.pk}-{what}_{part}"
                    label = f"{a.name}: {what} {words}" + (f" ({unit})" if unit else "")
                    field = _number(label, required=False, **{"aria-label": label, "size": 7})
                    if e is not None:
                        field.initial = plain(getattr(e, f"{what}_{part}"))
                    self.fields[name] = field

    def rows(self) -> list[dict]:
        """Rows with any number filled (a row left empty keeps the activity unestimated)."""
        rows = []
        for a in self.activities:
            values = {
                what: [self.cleaned_data.get(f"{a.pk}-{what}_{part}") for part, _ in PARTS]
                for what in ("duration", "cost")
            }
            filled = [v for vs in values.values() for v in vs if v is not None]
            if not filled:
                continue
            if len(filled) < 6:
                for what, vs in values.items():
                    for (part, _), v in zip(PARTS, vs, strict=True):
                        if v is None:
                            self.add_error(
                                f"{a.pk}-{what}_{part}",
                                f"{a.name}: give all six numbers, or none to leave it unestimated.",
                            )
                continue
            rows.append({"activity": a, **values})
        return rows

    def table(self):
        """(activity, [bound fields in column order]) for the template."""
        return [
            (
                a,
                [
                    self[f"{a.pk}-{what}_{part}"]
                    for what in ("duration", "cost")
                    for part, _ in PARTS
                ],
            )
            for a in self.activities
        ]


class ConstraintForm(forms.Form):
    finish_date = forms.DateField(
        label="Finish by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    budget = _number("Budget", required=False)
    stated_by = forms.ModelChoiceField(
        label="Stated by", queryset=Party.objects.none(), required=False, empty_label="—"
    )
    stated_on = forms.DateField(
        label="Stated on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = reason_field()

    def __init__(self, *args, org, currency="", **kwargs):
        super().__init__(*args, **kwargs)
        if currency:
            self.fields["budget"].label = f"Budget ({currency})"
        # Anyone in the organisation's register: a search box, not a drop-down of thousands.
        stated_by = self.fields["stated_by"]
        stated_by.queryset = Party.objects.filter(org=org).only("pk", "name", "organisation")
        use_search_select(stated_by, reverse("party-search", args=[org.slug]))


class ClearConstraintForm(forms.Form):
    reason = reason_field("Reason for removing the target")


class RunForm(forms.Form):
    iterations = forms.IntegerField(
        label="Iterations", initial=rules.DEFAULT_ITERATIONS, min_value=100, max_value=100_000
    )
    confidence = forms.TypedChoiceField(
        label="Contingency sized to",
        choices=CONFIDENCES,
        coerce=float,
        initial=str(rules.DEFAULT_CONFIDENCE),
    )
    distribution = forms.ChoiceField(
        label="Distribution",
        choices=[(rules.PERT, "Beta-PERT"), (rules.TRIANGULAR, "Triangular")],
        initial=rules.PERT,
    )
    seed = forms.IntegerField(
        label="Seed",
        required=False,
        min_value=0,
        help_text="Leave empty for a new one; the same seed repeats a run exactly.",
    )


class RestoreForm(forms.Form):
    reason = reason_field("Why go back to this version?")


class DeleteEstimateForm(forms.Form):
    reason = reason_field("Reason for removing the estimate")


class AddActivityForm(forms.Form):
    name = forms.CharField(label="New activity", max_length=300)

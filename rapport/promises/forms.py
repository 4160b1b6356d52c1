"""Forms of the promise pages. They parse; the services validate."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from .models import Channel, DeliveredScope, ExpectationKind, RealismLevel


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class _WhoForm(forms.Form):
    """A stakeholder of the project, or a new person or group put on the project on the way."""

    def set_who(self, stakeholders, label: str):
        field = self.fields["who"]
        field.label = label
        field.choices = [("", "— choose —")] + [(str(s.pk), s.party.name) for s in stakeholders]

    def clean(self):
        data = super().clean()
        if not data.get("who") and not (data.get("new_name") or "").strip():
            self.add_error("who", "Choose a stakeholder of the project, or name someone new.")
        if data.get("who") and (data.get("new_name") or "").strip():
            self.add_error("new_name", "Choose a stakeholder or name someone new, not both.")
        return data


class CommitmentForm(_WhoForm):
    who = forms.ChoiceField(required=False)
    new_name = forms.CharField(
        label="… or someone new",
        required=False,
        max_length=200,
        help_text="A person or group not on the project yet: they are added as a stakeholder.",
    )
    what = forms.CharField(label="What was promised", max_length=300)
    promised_date = _date("Promised by")
    promised_scope = forms.CharField(
        label="Promised scope",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What exactly counts as delivered.",
    )
    activity = forms.ChoiceField(
        label="Delivered by (in the plan)",
        required=False,
        help_text="The milestone or deliverable that delivers it: a promise dated before it is "
        "flagged on both.",
    )
    made_by = forms.ChoiceField(label="Made by", required=False)
    made_on = _date("Made on")
    channel = forms.ChoiceField(label="Made in", choices=Channel.choices)
    made_where = forms.CharField(
        label="Where exactly",
        required=False,
        max_length=200,
        help_text="The meeting, e-mail or report, e.g. “Steering committee of 3 September”.",
    )

    def __init__(self, *args, stakeholders=(), people=(), plan_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_who(stakeholders, "Promised to")
        self.fields["activity"].choices = [("", "— none —")] + [
            (
                str(a.pk),
                f"{a.name} ({a.get_kind_display().lower()}"
                + (f", {date_format(a.planned_finish)})" if a.planned_finish else ")"),
            )
            for a in plan_items
        ]
        self.fields["made_by"].choices = [(str(u.pk), u.display_name) for u in people]
        self.fields["made_on"].initial = timezone.localdate()


class DeliveryForm(forms.Form):
    delivered_on = _date("Delivered on")
    delivered_scope = forms.ChoiceField(
        label="Scope delivered", choices=DeliveredScope.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="delivery", **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()


class RenegotiationForm(forms.Form):
    new_date = _date("New date")
    new_scope = forms.CharField(
        label="New scope", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label="Why the terms change",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The old terms are kept next to the new ones, with this reason.",
    )
    agreed_on = _date("Agreed on", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="renegotiation", **kwargs)


class BreakForm(forms.Form):
    reason = forms.CharField(
        label="Why it will not be delivered", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="break", **kwargs)


class ExpectationForm(_WhoForm):
    who = forms.ChoiceField(required=False)
    new_name = forms.CharField(
        label="… or a new customer",
        required=False,
        max_length=200,
        help_text="Added to the project as a customer.",
    )
    kind = forms.ChoiceField(label="About", choices=ExpectationKind.choices)
    words = forms.CharField(
        label="In their own words", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    amount = forms.DecimalField(
        label="Amount",
        required=False,
        max_digits=16,
        decimal_places=2,
        help_text="For a budget: the most they expect to pay.",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    expected_date = _date(
        "Expected by", required=False, help_text="For a date: the latest date they accept."
    )
    plan_contradicts = forms.BooleanField(
        label="The plan contradicts it",
        required=False,
        help_text="Your judgement, for scope and quality, which no figure checks.",
    )
    plan_note = forms.CharField(
        label="What the plan says", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, stakeholders=(), currency="", editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_who(stakeholders, "Whose expectation")
        if currency:
            self.fields["amount"].label = f"Amount ({currency})"
        if editing:
            del self.fields["who"]
            del self.fields["new_name"]

    def clean(self):
        if "who" not in self.fields:
            return forms.Form.clean(self)
        return super().clean()


class PromisePolicyForm(forms.Form):
    realism_level = forms.TypedChoiceField(
        label="Warn about over-promising against",
        choices=RealismLevel.choices,
        coerce=int,
        help_text="A promise resting on the project's finish, dated earlier than this estimate "
        "date, asks for a confirmation when it is recorded.",
    )

from django import forms

from .models import Interaction

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = [
            "stakeholder",
            "kind",
            "date",
            "team_member",
            "subject",
            "notes",
            "follow_up",
            "follow_up_due",
            "follow_up_done",
        ]
        widgets = {
            "date": DATE,
            "follow_up_due": DATE,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"stakeholder": "With", "kind": "Kind of contact"}
        help_texts = {
            "follow_up": "What was agreed to do next, if anything.",
            "follow_up_due": "The stakeholder's next contact is the earliest open follow-up.",
        }

    def __init__(self, *args, stakeholders, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = stakeholders
        self.fields["stakeholder"].empty_label = "Choose a stakeholder"
        self.fields["stakeholder"].label_from_instance = lambda s: s.party.name
        self.fields["team_member"].queryset = people
        self.fields["team_member"].empty_label = "Nobody from the team"
        self.fields["team_member"].label_from_instance = lambda u: u.full_name or u.email

    def _post_clean(self):
        pass  # the service validates the model, with the same words

    def interaction_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InteractionFilterForm(forms.Form):
    stakeholder = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Everyone", label="With"
    )

    def __init__(self, *args, stakeholders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = stakeholders
        self.fields["stakeholder"].label_from_instance = lambda s: s.party.name

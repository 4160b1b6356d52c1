from django import forms

from .models import Topic, Understanding

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExplanationForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), empty_label="Choose a topic")
    explained_on = forms.DateField(label="When", widget=DATE)
    meeting = forms.ModelChoiceField(
        queryset=None, required=False, label="In which meeting", empty_label="Not in a meeting"
    )
    stakeholders = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Explained to"
    )
    understanding = forms.ChoiceField(
        label="Their understanding afterwards",
        choices=Understanding.choices,
        initial=Understanding.NOT_YET,
        widget=forms.RadioSelect,
        help_text="For everyone chosen; change it per person afterwards.",
    )
    notes = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, topics, stakeholders, meetings, explanation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        self.fields["stakeholders"].queryset = stakeholders
        self.fields["stakeholders"].label_from_instance = lambda s: s.party.name
        self.fields["meeting"].queryset = meetings
        self.explanation = explanation
        self.audience_fields = []
        if explanation is not None:
            # per person: how well each understood it
            del self.fields["understanding"]
            for row in explanation.audience.all():
                name = f"understanding_{row.stakeholder_id}"
                self.fields[name] = forms.ChoiceField(
                    label=f"Understanding: {row.stakeholder.party.name}",
                    choices=Understanding.choices,
                    initial=row.understanding,
                )
                self.audience_fields.append(name)

    def audience(self) -> dict:
        chosen = self.cleaned_data["stakeholders"]
        if self.explanation is None:
            return {s: self.cleaned_data["understanding"] for s in chosen}
        return {
            s: self.cleaned_data.get(f"understanding_{s.pk}") or Understanding.NOT_YET
            for s in chosen
        }


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "restate", "keywords", "on_target_missed"]
        widgets = {"restate": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass  # the service validates, with the same words

    def validate_unique(self):
        pass

"""Forms of the SLA pages. They parse; the services validate."""

from django import forms

from .models import Agreement, Breach, Obligation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["title", "agreed_on", "active", "notes"]
        widgets = {"agreed_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"title": "E.g. “Working agreement between IT and Sales for the CRM”."}

    def _post_clean(self):
        pass  # the service validates the model, with the same words


class ObligationForm(forms.ModelForm):
    class Meta:
        model = Obligation
        fields = ["side", "kind", "target", "description"]
        widgets = {"side": forms.RadioSelect}
        help_texts = {
            "target": "Hours for answering questions and for reports; days for decisions, "
            "sign-offs and promises; a percentage for attendance.",
        }

    def _post_clean(self):
        pass


class BreachForm(forms.ModelForm):
    class Meta:
        model = Breach
        fields = ["obligation", "occurred_on", "what"]
        widgets = {"occurred_on": DATE, "what": forms.Textarea(attrs={"rows": 3})}
        labels = {"obligation": "Which obligation"}

    def __init__(self, *args, obligations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obligation"].queryset = obligations
        self.fields["obligation"].empty_label = "Choose an obligation"
        self.fields["obligation"].label_from_instance = lambda o: (
            f"{o.get_side_display()}: {o.target_text} ({o.agreement.title})"
        )

    def _post_clean(self):
        pass

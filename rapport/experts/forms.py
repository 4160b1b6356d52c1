from django import forms
from django.urls import reverse

from rapport.lib.widgets import use_search_select
from rapport.stakeholders.models import Party

from .models import Availability, Expert, Expertise


class ExpertForm(forms.ModelForm):
    party = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        label="Who",
        empty_label="Choose a party of the register",
        help_text="A person or a group of the register.",
    )
    new_areas = forms.CharField(
        label="Other areas",
        required=False,
        max_length=500,
        help_text="Areas not in the list yet, separated by commas: they join the catalogue.",
    )

    class Meta:
        model = Expert
        fields = ["party", "areas", "availability", "availability_note", "notes", "helped_projects"]
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "availability": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "helped_projects": forms.CheckboxSelectMultiple,
        }
        labels = {"areas": "Knows about"}

    field_order = ["party", "areas", "new_areas", "availability", "availability_note", "notes"]

    def __init__(self, *args, org, projects, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["party"]
        else:
            field = self.fields["party"]
            field.queryset = Party.objects.filter(org=org, expert__isnull=True).only(
                "pk", "name", "organisation"
            )
            use_search_select(field, reverse("party-search", args=[org.slug]))
        self.fields["areas"].queryset = Expertise.objects.filter(org=org).order_by("name_key")
        self.fields["areas"].required = False  # "other areas" may be the only ones
        self.fields["helped_projects"].queryset = projects
        self.fields["helped_projects"].label_from_instance = lambda p: f"{p.code}: {p.name}"
        self.fields[
            "helped_projects"
        ].help_text = (
            "Projects where they are Responsible or Consulted in the RACI count by themselves."
        )
        self.fields["availability"].choices = Availability.choices

    def _post_clean(self):
        pass  # the service validates, with the same words

    def new_area_names(self) -> list[str]:
        names = [n.strip() for n in self.cleaned_data.get("new_areas", "").split(",")]
        return [n for n in names if n]


class ExpertiseForm(forms.Form):
    name = forms.CharField(label="Area", max_length=120)
    description = forms.CharField(label="Description", max_length=300, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Who knows about…",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. SQL, hosting"}),
    )
    availability = forms.ChoiceField(
        label="Availability",
        required=False,
        choices=[("", "Any")] + list(Availability.choices),
    )


class ActivityAreasForm(forms.Form):
    areas = forms.ModelMultipleChoiceField(
        queryset=Expertise.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Areas this activity touches",
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = Expertise.objects.filter(org=org).order_by("name_key")

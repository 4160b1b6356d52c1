from django import forms

from .models import Project, ProjectRole


class ProjectForm(forms.ModelForm):
    goals = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One goal per line. Customers' value criteria are aligned to these.",
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "description",
            "business_case",
            "start_date",
            "target_date",
            "budget",
            "currency",
            "state",
            "time_zone",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "business_case": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The code is fixed once people and links depend on it.
            del self.fields["code"]
            self.fields["goals"].initial = "\n".join(g.text for g in self.instance.goals.all())
        else:
            del self.fields["state"]

    def clean_code(self):
        # The service stores codes in capitals; accept "crm" here as the API does.
        return self.cleaned_data["code"].strip().upper()

    def validate_unique(self):
        # The organisation is not a form field; the service checks the code is unique in it.
        pass

    def goal_list(self) -> list[str]:
        return self.cleaned_data.get("goals", "").splitlines()


class NewProjectForm(ProjectForm):
    org = forms.ChoiceField(label="Organisation")

    field_order = ["org", "code", "name"]

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.slug, o.name) for o in orgs]
        if len(self.fields["org"].choices) == 1:
            self.fields["org"].initial = self.fields["org"].choices[0][0]


class MemberForm(forms.Form):
    user = forms.ChoiceField(label="Person")
    role = forms.ChoiceField(choices=ProjectRole.choices, initial=ProjectRole.CONTRIBUTOR)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(u.pk, f"{u.display_name} <{u.email}>") for u in candidates]


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=ProjectRole.choices)


class DeleteProjectForm(forms.Form):
    confirm_code = forms.CharField(label="Type the project code to confirm", max_length=16)

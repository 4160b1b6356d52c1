from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from rapport.lib.widgets import use_search_select
from rapport.raci.models import Activity, Phase
from rapport.stakeholders.models import Party

from .models import FollowUpStatus, Lesson, LessonCategory, LessonFollowUp, Side

User = get_user_model()
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def team_people(project, user):
    """The project's team, and the signed-in person (an organisation owner may have no role)."""
    return (
        User.objects.filter(Q(project_memberships__project=project) | Q(pk=user.pk))
        .distinct()
        .order_by("full_name", "email")
    )


def _register_picker(field, org):
    field.queryset = Party.objects.filter(org=org).only("pk", "name", "organisation")
    use_search_select(field, reverse("party-search", args=[org.slug]))


def _people_picker(field, people):
    field.queryset = people
    field.label_from_instance = lambda u: u.display_name


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = [
            "title",
            "what_happened",
            "recommendation",
            "category",
            "impact",
            "tags",
            "captured_on",
            "phases",
            "activities",
        ]
        widgets = {
            "captured_on": DATE,
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
            "impact": forms.RadioSelect,
            "phases": forms.CheckboxSelectMultiple,
            "activities": forms.SelectMultiple(attrs={"size": 6}),
        }
        labels = {
            "phases": "Phases it concerns",
            "activities": "Activities it concerns",
        }
        help_texts = {
            "captured_on": "Capture lessons while the project runs, not only at its end.",
            "activities": "Hold Ctrl (or ⌘) to choose several.",
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Choose a category"), *LessonCategory.choices]
        self.fields["phases"].queryset = Phase.objects.filter(project=project)
        self.fields["activities"].queryset = Activity.objects.filter(project=project).only(
            "pk", "name"
        )

    def _post_clean(self):
        pass  # the service validates the model, with the same words

    def lesson_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ContributorForm(forms.Form):
    side = forms.ChoiceField(label="Side", choices=Side.choices, widget=forms.RadioSelect)
    party = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        required=False,
        label="From the register",
        empty_label="Nobody from the register",
    )
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Or someone on the team",
        empty_label="Nobody from the team",
    )

    def __init__(self, *args, project, people, **kwargs):
        kwargs.setdefault("prefix", "contributor")
        super().__init__(*args, **kwargs)
        _register_picker(self.fields["party"], project.org)
        _people_picker(self.fields["user"], people)


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = LessonFollowUp
        fields = ["action", "owner_party", "owner_user", "due_on"]
        widgets = {"due_on": DATE}
        labels = {
            "action": "Action",
            "owner_party": "Owner: an executive from the register",
            "owner_user": "Or a person who signs in",
        }
        help_texts = {"action": "What the higher-ups should do with this lesson."}

    def __init__(self, *args, project, people, **kwargs):
        kwargs.setdefault("prefix", "follow_up")
        super().__init__(*args, **kwargs)
        _register_picker(self.fields["owner_party"], project.org)
        self.fields["owner_party"].empty_label = "Nobody from the register"
        _people_picker(self.fields["owner_user"], people)
        self.fields["owner_user"].empty_label = "Nobody"

    def _post_clean(self):
        pass


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=FollowUpStatus.choices)


class ApplyForm(forms.Form):
    note = forms.CharField(label="How this project applies it", max_length=500, required=False)


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Search lessons", required=False, max_length=200)
    category = forms.ChoiceField(
        label="Category", required=False, choices=[("", "Every category"), *LessonCategory.choices]
    )
    tag = forms.CharField(label="Tag", required=False, max_length=40)
    not_reused = forms.BooleanField(label="Only lessons not yet reused", required=False)

from django import forms
from django.utils.formats import date_format

from .models import Action, ActionStatus, Attendance, Decision, Meeting, MeetingKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _party_label(stakeholder) -> str:
    return stakeholder.party.name


class MeetingForm(forms.ModelForm):
    """Start times are read and shown on the project's wall clock (the view activates its zone)."""

    invitees = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Invite",
        help_text="Customers of the project are marked as the business side; change it on the "
        "meeting page. From the communication plan with nobody ticked: the row's audience.",
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "duration_minutes",
            "location",
            "agenda",
            "plan_row",
        ]
        widgets = {"starts_at": DATETIME, "agenda": forms.Textarea(attrs={"rows": 5})}
        labels = {"kind": "Kind of meeting", "starts_at": "Starts (project time)"}
        help_texts = {"agenda": "Sent in the invitation. One point a line reads best."}

    def __init__(self, *args, stakeholders, plan_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["duration_minutes"] = forms.IntegerField(
            label="Length (minutes)", min_value=5, max_value=720, initial=30
        )
        self.fields["invitees"].queryset = stakeholders
        self.fields["invitees"].label_from_instance = lambda s: (
            s.party.name + (" (customer)" if s.is_customer else "")
        )
        self.fields["plan_row"].queryset = plan_rows
        self.fields["plan_row"].empty_label = "A one-off meeting"
        if self.instance.pk:
            del self.fields["invitees"]  # the meeting page manages invitees

    def _post_clean(self):
        pass  # the service validates the model, with the same words

    def meeting_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InviteesForm(forms.Form):
    invitees = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Invited"
    )

    def __init__(self, *args, stakeholders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].queryset = stakeholders
        self.fields["invitees"].label_from_instance = lambda s: (
            s.party.name + (" (customer)" if s.is_customer else "")
        )


class AttendanceForm(forms.Form):
    """One radio group per invitee (attendance) and a checkbox (business side)."""

    def __init__(self, *args, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitees = list(invitees)
        self.rows = []
        for invitee in self.invitees:
            name = invitee.stakeholder.party.name
            self.fields[f"attendance_{invitee.pk}"] = forms.ChoiceField(
                choices=Attendance.choices,
                initial=invitee.attendance,
                widget=forms.RadioSelect,
                label=f"Attendance of {name}",
            )
            self.fields[f"business_{invitee.pk}"] = forms.BooleanField(
                required=False, initial=invitee.is_business, label=f"{name} is on the business side"
            )
            self.rows.append(
                (invitee, self[f"attendance_{invitee.pk}"], self[f"business_{invitee.pk}"])
            )

    def attendance(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data[f"attendance_{i.pk}"] for i in self.invitees}

    def business(self) -> set[int]:
        return {i.stakeholder_id for i in self.invitees if self.cleaned_data[f"business_{i.pk}"]}


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="Minutes and notes",
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What was discussed. Decisions and actions have their own lists below.",
    )


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = [
            "text",
            "decided_on",
            "decided_by_stakeholder",
            "decided_by",
            "why",
            "rejected_options",
            "meeting",
            "activity",
            "status_update",
        ]
        widgets = {
            "decided_on": DATE,
            "why": forms.Textarea(attrs={"rows": 3}),
            "rejected_options": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "decided_by": "Decided by (someone else, or a group)",
            "meeting": "In the meeting",
        }

    def __init__(self, *args, stakeholders, meetings, activities, status_updates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by_stakeholder"].queryset = stakeholders
        self.fields["decided_by_stakeholder"].label_from_instance = _party_label
        self.fields["decided_by_stakeholder"].empty_label = "Not a stakeholder"
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].empty_label = "Not in a meeting"
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: a.name
        self.fields["activity"].empty_label = "No RACI activity"
        self.fields["status_update"].queryset = status_updates
        self.fields["status_update"].label_from_instance = lambda u: (
            f"Status of {date_format(u.period_end)} (v{u.version})"
        )
        self.fields["status_update"].empty_label = "No status update"

    def _post_clean(self):
        pass

    def decision_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DecisionFilterForm(forms.Form):
    meeting = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Any meeting", label="Meeting"
    )
    activity = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Any activity", label="RACI activity"
    )

    def __init__(self, *args, meetings, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: a.name


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["text", "owner_user", "owner_stakeholder", "due", "meeting", "status"]
        widgets = {"due": DATE}
        labels = {"meeting": "From the meeting"}
        help_texts = {"owner_stakeholder": "Or a stakeholder, when the business owns it."}

    def __init__(self, *args, people, stakeholders, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = people
        self.fields["owner_user"].label_from_instance = lambda u: u.full_name or u.email
        self.fields["owner_user"].empty_label = "Nobody from the team"
        self.fields["owner_stakeholder"].queryset = stakeholders
        self.fields["owner_stakeholder"].label_from_instance = _party_label
        self.fields["owner_stakeholder"].empty_label = "No stakeholder"
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].empty_label = "Not from a meeting"

    def _post_clean(self):
        pass

    def action_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ActionStatus.choices], required=False, label="Status"
    )


KINDS = MeetingKind

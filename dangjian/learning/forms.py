from django import forms

from dangjian.core.formfields import DATE_INPUT
from dangjian.core.scoping import CHANGE
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

from .models import Programme, Session

# Above this the roster is not offered as checkboxes: the session is for a committee, a class or a
# school, and one that gathers more members is recorded by its organisers per branch.
ROSTER_LIMIT = 500


class ProgrammeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    org = org_picker(label="组织单位")

    class Meta:
        model = Programme
        fields = ["org", "kind", "title", "year", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE).order_by("path")
        if self.instance.pk:
            self.fields["org"].disabled = True
            self.initial.setdefault("version", self.instance.version)

    def action_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "org")}


class SessionForm(forms.ModelForm):
    """A session and who attended, ticked by the organiser from the roster."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attendees = forms.MultipleChoiceField(label="参加人员（按名册勾选）", required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Session
        fields = ["title", "held_on", "speaker", "place", "hours"]
        widgets = {"held_on": DATE_INPUT}
        help_texts = {"hours": "以 0.5 学时为单位"}

    def __init__(self, *args, roster, **kwargs):
        super().__init__(*args, **kwargs)
        members = list(roster[:ROSTER_LIMIT + 1])
        if self.instance.pk and self.instance.meeting_id:
            del self.fields["attendees"]
        else:
            self.fields["attendees"].choices = [(str(m.pk), f"{m.name}（{m.org.display_name}）")
                                                for m in members[:ROSTER_LIMIT]]
            if len(members) > ROSTER_LIMIT:
                self.fields["attendees"].help_text = f"名册超过 {ROSTER_LIMIT} 人，仅列出前 {ROSTER_LIMIT} 人"
            if self.instance.pk:
                self.initial.setdefault("attendees", [str(i) for i in
                                                      self.instance.attendances.values_list("member_id", flat=True)])
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def action_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if "attendees" in data:
            data["attendees"] = [int(i) for i in data["attendees"]]
        return data


class TargetForm(forms.Form):
    org = org_picker(label="党组织")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    hours = forms.DecimalField(label="年度学时目标", max_digits=5, decimal_places=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE).order_by("path")

from django import forms

from dangjian.core.scoping import CHANGE

from .models import Organization

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrgForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organization
        fields = ["name", "short_name", "code", "kind", "founded_on", "unit_name", "unit_category"]
        widgets = {"founded_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def validate_unique(self):
        """Uniqueness of the code is the action's job (it names the clash in Chinese)."""

    def action_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label="调整到（新的上级党组织）", queryset=Organization.objects.none())

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = (
            Organization.objects.restrict(user, CHANGE).exclude(path__startswith=org.path).exclude(pk=org.parent_id)
        )
        self.fields["new_parent"].label_from_instance = lambda o: f"{o.name}（{o.code}）"

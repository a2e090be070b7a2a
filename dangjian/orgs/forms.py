from django import forms

from dangjian.core.formfields import DATE_INPUT
from dangjian.core.scoping import CHANGE
from dangjian.members.models import Member
from dangjian.members.pickers import member_picker

from .choices import Post
from .models import Organization
from .pickers import org_picker


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


class TermForm(forms.Form):
    started_on = forms.DateField(label="任期开始日期", widget=DATE_INPUT)
    ends_on = forms.DateField(label="任期届满日期", widget=DATE_INPUT, required=False,
                              help_text="留空按规定计算：村、社区党支部和基层党委5年，其他3年")


class PostForm(forms.Form):
    member = member_picker(label="党员")
    post = forms.ChoiceField(label="职务", choices=Post.choices)
    concurrent_head = forms.BooleanField(label="一肩挑（兼任村/居委会主任）", required=False)

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        # A committee member is a member of this organisation's subtree.
        member = self.fields["member"]
        member.queryset = Member.objects.restrict(user).select_related("org").filter(
            org__path__startswith=org.path, status="normal")
        member.source_query = {"within": org.pk, "normal": "true"}


class MoveForm(forms.Form):
    new_parent = org_picker(label="调整到（新的上级党组织）")

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = (
            Organization.objects.restrict(user, CHANGE).exclude(path__startswith=org.path).exclude(pk=org.parent_id)
        )

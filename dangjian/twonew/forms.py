from django import forms

from dangjian.core.formfields import DATE_INPUT, MultipleFileField
from dangjian.core.scoping import CHANGE
from dangjian.members.models import Member
from dangjian.members.pickers import member_picker
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

from .choices import Coverage
from .models import Centre, Entity, Field, Standard


class EntityForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    org = org_picker(label="属地党组织")
    covering_org = org_picker(label="所建党组织", required=False,
                              help_text="单独建立、联合建立的填写所建的党组织（含联合党支部）")
    instructor = member_picker(label="党建指导员（党员）", required=False,
                               help_text="选派党建指导员的可从党员中选择，或直接填写下面的姓名")

    class Meta:
        model = Entity
        fields = ["org", "name", "credit_code", "kind", "field", "employees", "address", "legal_representative",
                  "party_members", "coverage", "covering_org", "instructor", "instructor_name", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.restrict(user, CHANGE).order_by("path")
        self.fields["org"].queryset = orgs
        self.fields["covering_org"].queryset = orgs
        self.fields["instructor"].queryset = Member.objects.restrict(user).select_related("org")
        self.fields["field"].queryset = Field.objects.filter(active=True)
        self.fields["field"].required = False
        if self.instance.pk:
            self.fields["org"].disabled = True
            self.fields["org"].help_text = "属地党组织决定谁能看到和维护该记录，登记后不能更改"
            self.initial.setdefault("version", self.instance.version)

    def action_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "org")}


class ConfirmForm(forms.Form):
    note = forms.CharField(label="说明", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RoundForm(forms.Form):
    org = org_picker(label="组织单位")
    title = forms.CharField(label="名称", max_length=200)
    starts_on = forms.DateField(label="开始日期", widget=DATE_INPUT)
    due_on = forms.DateField(label="截止日期", widget=DATE_INPUT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE).order_by("path")


class EntityFilterForm(forms.Form):
    q = forms.CharField(label="名称或信用代码", required=False)
    coverage = forms.ChoiceField(label="覆盖方式", required=False,
                                 choices=[("", "全部"), ("uncovered", "仅未覆盖"), *Coverage.choices[:-1]])
    field = forms.ModelChoiceField(label="领域", queryset=Field.objects.all(), required=False, empty_label="全部")
    org = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CentreForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    org = org_picker(label="党组织")
    standards = forms.ModelMultipleChoiceField(label="已达标准", queryset=Standard.objects.filter(active=True),
                                               required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Centre
        fields = ["org", "kind", "name", "address", "area", "standards", "inspected_on", "inspection_note"]
        widgets = {"inspected_on": DATE_INPUT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE).order_by("path")
        if self.instance.pk:
            self.fields["org"].disabled = True
            self.initial.setdefault("version", self.instance.version)

    def action_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "org")}
        data["standards"] = list(data.get("standards") or [])
        return data


class ListEntryForm(forms.Form):
    kind = forms.ChoiceField(choices=[("field", "领域"), ("standard", "阵地标准")], widget=forms.HiddenInput)
    entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="名称", max_length=50)
    position = forms.IntegerField(label="排序", min_value=0, max_value=1000, initial=100)
    active = forms.BooleanField(label="启用", required=False, initial=True)


class CentrePhotoForm(forms.Form):
    photos = MultipleFileField(label="照片（JPEG/PNG，可多张，每张不超过 10 MB）")
    caption = forms.CharField(label="说明", max_length=100, required=False,
                              help_text="例如：门牌标识、活动室全景、党员书架")

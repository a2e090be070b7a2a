from django import forms

from dangjian.core.formfields import DATE_INPUT
from dangjian.core.scoping import CHANGE
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

from .choices import AGE_BANDS, Category, Education, FlowStatus, Gender, MembershipType, PartyStatus
from .models import Member


class MemberForm(forms.ModelForm):
    """Edits a member. ID number and phone are plain fields here and go through the action, which
    encrypts them; on edit an empty ID number keeps the stored one."""

    id_number = forms.CharField(label="公民身份号码", max_length=18, required=True)
    phone = forms.CharField(label="手机号码", max_length=11, required=False)
    status_effective_on = forms.DateField(
        label="党籍状态变更日期", required=False, widget=DATE_INPUT,
        help_text="改变党籍状态时填写生效之日（如去世之日），不填为今天；此前的会议仍按当时的名册核查")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    org = org_picker(label="所在党组织")

    class Meta:
        model = Member
        fields = [
            "name", "gender", "ethnicity", "birth_date", "education", "category", "work_unit", "job_title",
            "org", "joined_on", "confirmed_on", "membership_type", "status", "address", "lost_contact",
            "lost_contact_since", "hardship", "retired", "report_community",
        ]
        widgets = {f: DATE_INPUT for f in ("birth_date", "joined_on", "confirmed_on", "lost_contact_since")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE)
        # 流动党员 and 流动地点 are not here: the outflow and inflow records keep them (docs/mobility.md)
        self.fields["report_community"].help_text = ("旧登记的文字，仅在没有报到记录时显示；"
                                                     "到社区报到请在“双报到”中申请、由社区接收")
        if self.instance.pk:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = f"当前：{self.instance.id_number_masked}；留空表示不修改"
            self.fields["phone"].help_text = f"当前：{self.instance.phone_masked or '未填写'}；留空表示不修改"
            self.fields["org"].disabled = True
            self.fields["org"].help_text = "更换所在党组织请使用“组织关系转接”"
            self.initial.setdefault("version", self.instance.version)

    def action_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "org")}
        if self.instance.pk:
            if not data.get("id_number"):
                data.pop("id_number", None)
            if not data.get("phone"):
                data.pop("phone", None)
        return data


class TransferForm(forms.Form):
    to_org = org_picker(label="转入党组织")
    transferred_on = forms.DateField(label="转接日期", widget=DATE_INPUT)
    reason = forms.CharField(label="原因", max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = Organization.objects.restrict(user, CHANGE)


def _with_blank(choices, label="全部"):
    return [("", label), *choices]


class MemberFilterForm(forms.Form):
    """The filters of the member list; names match ``queries.MemberFilter``."""

    q = forms.CharField(label="姓名或证件号", required=False)
    membership_type = forms.ChoiceField(label="党员类型", choices=_with_blank(MembershipType.choices), required=False)
    status = forms.ChoiceField(label="党籍状态", choices=_with_blank(PartyStatus.choices), required=False)
    gender = forms.ChoiceField(label="性别", choices=_with_blank(Gender.choices), required=False)
    education = forms.ChoiceField(label="学历", choices=_with_blank(Education.choices), required=False)
    category = forms.ChoiceField(label="人员类别", choices=_with_blank(Category.choices), required=False)
    age_band = forms.ChoiceField(label="年龄段", choices=_with_blank([(b[0], b[0]) for b in AGE_BANDS]),
                                 required=False)
    flow_status = forms.ChoiceField(
        label="流动党员", choices=_with_blank([c for c in FlowStatus.choices if c[0]]), required=False
    )
    lost_contact = forms.ChoiceField(label="失联", choices=[("", "全部"), ("1", "是")], required=False)
    hardship = forms.ChoiceField(label="困难党员", choices=[("", "全部"), ("1", "是")], required=False)
    retired = forms.ChoiceField(label="离退休", choices=[("", "全部"), ("1", "是")], required=False)
    org = forms.IntegerField(widget=forms.HiddenInput, required=False)

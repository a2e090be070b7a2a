from django import forms

from dangjian.core.formfields import DATE_INPUT
from dangjian.core.scoping import CHANGE, VIEW
from dangjian.core.tree import ancestors_and_self
from dangjian.members.models import Member
from dangjian.members.pickers import member_picker
from dangjian.orglife.models import Meeting
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

from .choices import STEP_CHOICES, DocumentKind, LocalLayer, Outcome


class CaseForm(forms.Form):
    org = org_picker(label="所在党支部")
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=18)
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DATE_INPUT)
    work_unit = forms.CharField(label="工作单位", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE).order_by("path")


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    step = forms.TypedChoiceField(label="步骤", choices=STEP_CHOICES, coerce=int)
    done_on = forms.DateField(label="日期", widget=DATE_INPUT)
    person_1 = member_picker(label="相关党员（谈话人/培养联系人/入党介绍人）", required=False)
    person_2 = member_picker(label="相关党员（第二名）", required=False)
    person_names = forms.CharField(label="相关人员（非本系统党员时填写姓名）", max_length=200, required=False)
    meeting = forms.ModelChoiceField(label="会议记录（支委会/支部党员大会）", queryset=Meeting.objects.none(),
                                     required=False)
    voting_expected = forms.IntegerField(label="应到会有表决权党员", min_value=0, required=False)
    voting_present = forms.IntegerField(label="实到会有表决权党员", min_value=0, required=False)
    votes_for = forms.IntegerField(label="赞成票", min_value=0, required=False)
    individually = forms.BooleanField(label="逐个讨论表决", required=False, initial=True)
    training_days = forms.DecimalField(label="培训天数", min_value=0, max_digits=4, decimal_places=1, required=False)
    training_hours = forms.DecimalField(label="培训学时", min_value=0, max_digits=5, decimal_places=1, required=False)
    publicity_start = forms.DateField(label="公示开始", widget=DATE_INPUT, required=False)
    publicity_end = forms.DateField(label="公示结束", widget=DATE_INPUT, required=False)
    approver = org_picker(label="审批单位（党委）", required=False, writable=False)
    outcome = forms.ChoiceField(label="结果（审批、转正讨论）", choices=Outcome.choices, required=False)
    extension_months = forms.IntegerField(label="延长预备期（月）", min_value=0, max_value=24, required=False)
    reason = forms.CharField(label="说明/延期审批理由", max_length=500, required=False)

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, **kwargs)
        for key in ("person_1", "person_2"):
            field = self.fields[key]
            field.queryset = Member.objects.restrict(user).select_related("org")
        self.fields["meeting"].queryset = (Meeting.objects.restrict(user, VIEW)
                                           .filter(org__path__in=ancestors_and_self(case.org.path))
                                           .order_by("-held_at"))
        self.fields["approver"].queryset = Organization.objects.filter(
            path__in=ancestors_and_self(case.org.path)).exclude(pk=case.org_id)

    def action_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        persons = [p for p in (data.pop("person_1"), data.pop("person_2")) if p is not None]
        data.pop("version", None)
        for key in ("training_days", "training_hours", "extension_months"):
            data[key] = data.get(key) or 0
        return {**data, "persons": persons}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别", choices=DocumentKind.choices)
    file = forms.FileField(label="文件（JPEG、PNG 或 PDF）")


class CalendarDayForm(forms.Form):
    day = forms.DateField(label="日期", widget=DATE_INPUT)
    is_working = forms.TypedChoiceField(label="类别", choices=[("0", "放假（工作日休息）"),
                                                                ("1", "调休上班（周末上班）")],
                                        coerce=lambda v: v == "1")
    name = forms.CharField(label="名称（如 春节）", max_length=40, required=False)


class LayerForm(forms.Form):
    layer = forms.ChoiceField(label="地方规则", choices=LocalLayer.choices)
    enabled = forms.BooleanField(label="启用", required=False)

"""Forms of the member's own pages and of the staff pages that serve them."""

from django import forms

from ..forms import DATE_INPUT
from . import corrections


class AccountForm(forms.Form):
    CREATE, LINK = "create", "link"

    mode = forms.ChoiceField(label="方式", widget=forms.RadioSelect, initial=CREATE, choices=[
        (CREATE, "新建账号（生成一次性临时密码）"), (LINK, "关联已有账号"),
    ])
    username = forms.CharField(label="用户名", max_length=150)


def proposed_field(spec: corrections.FieldSpec) -> forms.Field:
    label = f"正确的{spec.label}"
    if spec.kind == corrections.CHOICE:
        return forms.ChoiceField(label=label, choices=[("", "——请选择——"), *spec.choices], required=False)
    if spec.kind == corrections.DATE:
        return forms.DateField(label=label, widget=DATE_INPUT, required=False)
    help_text = "留空表示删除该项" if not spec.required else ""
    # Room for the spaces people type inside an ID number; the action judges the length itself.
    return forms.CharField(label=label, max_length=spec.max_length + 4, required=False, help_text=help_text)


class CorrectionForm(forms.Form):
    """One item's correction: the value the member believes is right, and why. Emptiness and
    format are judged by the action (``corrections.proposal_error``), so messages stay in one place."""

    reason = forms.CharField(label="更正理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="例如：登记时录入错误；已更名，附户口簿；学历已提升等")

    def __init__(self, *args, spec: corrections.FieldSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields = {"proposed": proposed_field(spec), **self.fields}


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label="处理意见", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), help_text="不予更正时必填，申请人可以看到")

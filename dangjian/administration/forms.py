from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator

from dangjian.accounts.choices import Duty, Role
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker


class AccountSearchForm(forms.Form):
    q = forms.CharField(label="用户名或姓名", required=False, max_length=100)


class AccountCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150, validators=[UnicodeUsernameValidator()],
                               help_text="字母、数字或 @ . + - _；登录时使用")
    full_name = forms.CharField(label="姓名", max_length=150, required=False)


class PositionGrantForm(forms.Form):
    # The security administrator grants anywhere in the tree (they hold no position to scope by).
    org = org_picker(label="党组织", queryset=Organization.objects.all(), source="api:grant_org_picker",
                     writable=False, help_text="输入名称或组织代码查找；不用脚本时输入组织代码")
    role = forms.ChoiceField(label="角色", choices=Role.choices)


class DutyGrantForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    duty = forms.ChoiceField(label="管理职责", choices=Duty.choices)

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(f"用户“{name}”不存在")
        self.cleaned_data["user"] = user
        return name


class AuditFilterForm(forms.Form):
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.CharField(label="操作", required=False, max_length=40,
                             widget=forms.TextInput(attrs={"placeholder": "如 登录、修改党员信息、导出"}))
    object_type = forms.CharField(label="对象类型", required=False, max_length=40,
                                  widget=forms.TextInput(attrs={"placeholder": "如 党员、党组织"}))
    address = forms.CharField(label="来源地址", required=False, max_length=45)
    request_id = forms.CharField(label="请求编号", required=False, max_length=64)
    q = forms.CharField(label="说明包含", required=False, max_length=100)

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils import timezone

from .actions import login_attempt_record, login_refused_while_locked
from .queries import lockout_of


class LoginForm(AuthenticationForm):
    """Django's login form, plus the lockout: after 5 failures within 30 minutes the account is
    refused (even with the right password) until the window has passed. Failures are recorded
    here; the success is recorded by the view once the whole login (second factor too) is done."""

    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        until = lockout_of(username, address=self._address(), now=timezone.now()) if username else None
        if until is not None:
            login_refused_while_locked(username=username, until=until)
            local = timezone.localtime(until)
            raise forms.ValidationError(
                f"连续登录失败次数过多，此账号在您所在的地址已临时锁定，请于 {local:%H:%M:%S} 后再试。", code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_attempt_record(username=username, success=False, address=self._address())
            raise
        return cleaned

    def _address(self):
        from dangjian.core.context import client_address

        return client_address(self.request) if self.request else None


class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码", max_length=12,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*"}),
        help_text="身份验证器应用（如 Microsoft Authenticator、FreeOTP、Google 身份验证器）中显示的 6 位数字",
    )


class ChangePasswordForm(PasswordChangeForm):
    """Django's password change form (old password, new one twice, every configured validator,
    including the history), with Chinese labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"

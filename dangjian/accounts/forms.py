from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from .actions import login_attempt_record
from .queries import lockout_of


class LoginForm(AuthenticationForm):
    """Django's login form, plus the lockout: after 5 failures within 30 minutes the account is
    refused (even with the right password) until the window has passed."""

    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        until = lockout_of(username, now=timezone.now()) if username else None
        if until is not None:
            local = timezone.localtime(until)
            raise forms.ValidationError(f"连续登录失败次数过多，账号已临时锁定，请于 {local:%H:%M} 后再试。",
                                        code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_attempt_record(username=username, success=False, address=self._address())
            raise
        login_attempt_record(username=username, success=True, address=self._address(), user=self.get_user())
        return cleaned

    def _address(self):
        return self.request.META.get("REMOTE_ADDR") if self.request else None

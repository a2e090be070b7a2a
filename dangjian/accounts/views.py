from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView

from . import totp
from .actions import logout_record, password_changed_by_user, totp_confirm, totp_remove
from .forms import ChangePasswordForm, CodeForm, LoginForm
from .login_flow import code_failed, finish_login, is_locked, pending_clear, pending_login, pending_start
from .middleware import PASSWORD_CHANGE
from .queries import password_change_due, totp_required_for
from .rules import CHANGE_REASONS, CODE_STEP, DONE, login_next_step
from .sessions import session_track, sessions_end

LOCKED_MESSAGE = "连续登录失败次数过多，账号已临时锁定，请稍后再试。"


class LoginView(auth_views.LoginView):
    """Step one, the password. Then a code (a confirmed TOTP device), or enrolment (a second factor
    is required and there is none yet), or straight in."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        step = login_next_step(has_device=totp.confirmed_device(user) is not None, required=totp_required_for(user))
        if step == DONE:
            reason = finish_login(self.request, user, backend=getattr(user, "backend", None))
            return redirect("accounts:password_change") if reason else redirect(self.get_success_url())
        pending_start(self.request, user, next_url=self.get_success_url())
        return redirect("accounts:login_code" if step == CODE_STEP else "accounts:login_enrol")


def _after_login(request, data, reason):
    return redirect("accounts:password_change") if reason else redirect(data.get("next") or "home:home")


def _back_to_login(request, text: str):
    messages.error(request, text)
    return redirect("accounts:login")


@sensitive_post_parameters("code")
def login_code(request):
    """Step two: the code from the user's authenticator. A wrong code counts as a failed login."""
    user, data = pending_login(request)
    if user is None:
        return _back_to_login(request, "请重新输入用户名和密码。")
    device = totp.confirmed_device(user)
    if device is None:
        return _back_to_login(request, "请重新登录。")
    form, done = _second_step(request, user, data, device, failure_note="验证码错误",
                              message="验证码不正确或已使用过，请输入身份验证器中当前显示的验证码。")
    return done or render(request, "accounts/login_code.html", {"form": form, "username": user.get_username()})


def _second_step(request, user, data, device, *, failure_note: str, message: str, enrolling: bool = False):
    """The code form of either second step: (form, response) where a response means the step is over
    (logged in, or sent back to the password because of the lockout). A wrong code counts as a failed
    login; an enrolling device is confirmed by its first good code."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_locked(user):
            pending_clear(request)
            return form, _back_to_login(request, LOCKED_MESSAGE)
        if totp.verify(device, form.cleaned_data["code"]):
            if enrolling:
                totp_confirm(user=user, device=device)
            reason = finish_login(request, user, backend=data.get("backend"), second_factor=True)
            return form, _after_login(request, data, reason)
        if code_failed(request, user, failure_note):
            return form, _back_to_login(request, LOCKED_MESSAGE)
        form.add_error("code", message)
    return form, None


@sensitive_post_parameters("code")
def login_enrol(request):
    """Step two for a user who must have a second factor and has none: set one up, then in."""
    user, data = pending_login(request)
    if user is None:
        return _back_to_login(request, "请重新输入用户名和密码。")
    if totp.confirmed_device(user) is not None:
        return redirect("accounts:login_code")
    device = totp.enrolment_device(user, create=True)
    form, done = _second_step(request, user, data, device, failure_note="启用两步验证时验证码错误",
                              message="验证码不正确，请核对手机时间后输入当前显示的验证码。", enrolling=True)
    if done:
        return done
    return render(request, "accounts/login_enrol.html", {
        "form": form, "username": user.get_username(), "qr_svg": totp.qr_svg(device),
        "secret": totp.secret_text(device),
    })


class LogoutView(auth_views.LogoutView):
    """Logging out ends every session of the user, in every browser and on every device."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            logout_record(user=request.user)
            sessions_end(request.user)
        return super().post(request, *args, **kwargs)


@sensitive_post_parameters()
@login_required
def password_change(request):
    """Change one's password: at first login, when it has expired, or whenever one wants."""
    reason = request.session.get(PASSWORD_CHANGE)
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        password_changed_by_user(user=user)  # ends every session, this one's old id included
        update_session_auth_hash(request, user)  # this session goes on, under a new id
        session_track(user, request.session.session_key)
        request.session.pop(PASSWORD_CHANGE, None)
        messages.success(request, "密码已修改，其他设备上的登录已退出。")
        return redirect("home:home")
    return render(request, "accounts/password_change.html", {
        "form": form, "reason": CHANGE_REASONS.get(reason, ""), "forced": bool(reason),
    })


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class SecurityView(TemplateView):
    """账号安全: the password's age, and the optional second factor (enrol, confirm, remove)."""

    template_name = "accounts/security.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        device = totp.confirmed_device(user)
        pending = None if device else totp.enrolment_device(user)
        context = {
            "device": device, "pending": pending, "required": totp_required_for(user),
            "form": kwargs.get("form") or CodeForm(), "password_due": password_change_due(user),
        }
        if pending is not None:
            context.update(qr_svg=totp.qr_svg(pending), secret=totp.secret_text(pending))
        return context

    def post(self, request, *args, **kwargs):
        user, action = request.user, request.POST.get("action")
        if action == "start" and totp.confirmed_device(user) is None:
            totp.enrolment_device(user, create=True)
            return redirect("accounts:security")
        if action == "cancel":
            pending = totp.enrolment_device(user)
            if pending is not None:
                pending.delete()
            return redirect("accounts:security")
        form = CodeForm(request.POST)
        if action == "confirm" and form.is_valid():
            device = totp.enrolment_device(user)
            if totp.verify(device, form.cleaned_data["code"]):
                totp_confirm(user=user, device=device)
                messages.success(request, "两步验证已启用，今后登录时需输入验证码。")
                return redirect("accounts:security")
            form.add_error("code", "验证码不正确，请核对手机时间后输入当前显示的验证码。")
        elif action == "remove" and form.is_valid():
            if totp_required_for(user):
                messages.error(request, "您的岗位要求两步验证，不能停用。")
                return redirect("accounts:security")
            if is_locked(user):
                messages.error(request, LOCKED_MESSAGE)
                return redirect("accounts:security")
            if totp.verify(totp.confirmed_device(user), form.cleaned_data["code"]):
                totp_remove(user=user, acting_user=user)
                messages.success(request, "两步验证已停用。")
                return redirect("accounts:security")
            code_failed(request, user, "停用两步验证时验证码错误")
            form.add_error("code", "验证码不正确。")
        return self.render_to_response(self.get_context_data(form=form))


security = login_required(SecurityView.as_view())

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from .choices import Duty, Role


class Position(models.Model):
    """A user's seat in the organisation tree: the subtree they act in and the role they hold."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", related_name="positions", on_delete=models.CASCADE
    )
    org = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", related_name="positions", on_delete=models.CASCADE
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="unique_position")]

    def __str__(self) -> str:
        return f"{self.user} · {self.org} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", related_name="api_tokens", on_delete=models.CASCADE
    )
    name = models.CharField("名称", max_length=100)
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class LoginAttempt(models.Model):
    """Every login attempt, successful or not: the lockout reads the recent ones."""

    username = models.CharField("用户名", max_length=150, db_index=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    success = models.BooleanField("成功")
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        # In the configured zone (settings.TIME_ZONE), like every time a person reads; not UTC.
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.username} {'成功' if self.success else '失败'}"


class AdminDuty(models.Model):
    """三员分立: a user's administrator duty. One per user (the database enforces it), so nobody
    holds two duties; granted and revoked only by the security administrator (see administration)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", related_name="admin_duty", on_delete=models.CASCADE
    )
    duty = models.CharField("管理职责", max_length=20, choices=Duty.choices)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "管理员职责"
        verbose_name_plural = "管理员职责"

    def __str__(self) -> str:
        return f"{self.user} · {self.get_duty_display()}"


class PasswordState(models.Model):
    """When the user's password was last set, and whether it must be changed at the next login.
    ``must_change`` is set only by ``accounts.actions.user_create`` (an account made for someone
    else) and ``password_reset``; a user without a row is judged by ``date_joined``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", related_name="password_state", on_delete=models.CASCADE
    )
    changed_at = models.DateTimeField("密码设置时间")
    must_change = models.BooleanField("登录后须修改密码", default=False)

    class Meta:
        verbose_name = "密码状态"
        verbose_name_plural = "密码状态"

    def __str__(self) -> str:
        return f"{self.user} · {timezone.localtime(self.changed_at):%Y-%m-%d}"


class PasswordHistory(models.Model):
    """The hashes (never the passwords) of a user's recent passwords, so none is reused."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", related_name="password_history", on_delete=models.CASCADE
    )
    password = models.CharField("密码摘要", max_length=128)
    set_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        indexes = [models.Index(fields=["user", "-set_at"], name="password_history_recent")]

    def __str__(self) -> str:
        return f"{self.user} · {timezone.localtime(self.set_at):%Y-%m-%d}"


class UserSession(models.Model):
    """One row per login session, so that a user's sessions can be ended together (logout,
    deactivation, password change) without reading the whole session table."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", related_name="login_sessions", on_delete=models.CASCADE
    )
    session_key = models.CharField("会话标识", max_length=40, unique=True)
    created_at = models.DateTimeField("登录时间", auto_now_add=True, db_index=True)
    second_factor = models.BooleanField("已通过两步验证", default=False)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"

    def __str__(self) -> str:
        return f"{self.user} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

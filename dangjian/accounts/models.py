import hashlib
from binascii import unhexlify

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    """A bearer token for the API. Only its SHA-256 digest is stored; the token is shown once. It
    expires (90 days by default), and is revoked by its owner, by the system administrator, and by
    itself when the owner's password is changed or reset or the account is disabled."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", related_name="api_tokens", on_delete=models.CASCADE
    )
    name = models.CharField("名称", max_length=100)
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoke_reason = models.CharField("吊销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def status(self, now) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at is None or self.expires_at <= now:
            return "已过期"
        return "有效"


class LoginAttempt(models.Model):
    """Every login attempt, successful or not: the lockout reads the recent ones of one username
    from one address (accounts.rules)."""

    username = models.CharField("用户名", max_length=150, db_index=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    success = models.BooleanField("成功")
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    # An administrator's unlock from the server (``dangjian unlock``): counts as a success from
    # every address, so the failures before it no longer delay anyone.
    unlock = models.BooleanField("解除锁定", default=False)

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


class SealedTOTPDevice(TOTPDevice):
    """django-otp's TOTP device, with its secret sealed (SM4-GCM under the data key, like the ID
    numbers) in ``TotpSecret`` instead of in hex on the device row, so the secrets are not readable
    in the database or a backup. Every device of the platform goes through this class
    (accounts.totp); the device row's own key holds ``SEALED``, which the stock TOTPDevice cannot
    decode as hex, so nothing can verify codes against it by mistake. The key rotation re-seals the
    secrets with the other ``*_encrypted`` fields (core.keyrotation)."""

    SEALED = "sealed"

    class Meta:
        proxy = True
        verbose_name = "两步验证设备"
        verbose_name_plural = "两步验证设备"

    def plain_key(self) -> str:
        """The secret in hex (a device written before sealing existed keeps it on its own row)."""
        from dangjian.core.crypto import decrypt

        if self.key != self.SEALED:
            return self.key
        return decrypt(TotpSecret.objects.get(device_id=self.pk).key_encrypted)

    @property
    def bin_key(self) -> bytes:
        if not hasattr(self, "_plain_key"):
            self._plain_key = self.plain_key()
        return unhexlify(self._plain_key.encode())


class TotpSecret(models.Model):
    """The sealed secret of one TOTP device (see SealedTOTPDevice)."""

    device = models.OneToOneField(TOTPDevice, verbose_name="设备", primary_key=True, on_delete=models.CASCADE,
                                  related_name="sealed_secret")
    key_encrypted = models.CharField("密钥(密文)", max_length=200, editable=False)

    class Meta:
        verbose_name = "两步验证密钥"
        verbose_name_plural = "两步验证密钥"

    def __str__(self) -> str:
        return f"{self.device_id}"

"""The Chinese of this app's audit actions and recorded keys (core/labels.py)."""

from dangjian.core.labels import register_actions, register_fields, register_values

from .choices import Duty, Role

register_actions({
    "login": "登录", "login_failed": "登录失败", "logout": "退出登录", "password_change": "修改密码",
    "password_reset": "重置密码", "totp_enrol": "启用两步验证", "totp_remove": "停用两步验证",
    "totp_reset": "重置两步验证", "user_create": "新建账号", "user_enable": "启用账号", "user_disable": "停用账号",
    "position_grant": "设置岗位", "position_revoke": "撤销岗位", "duty_grant": "授予管理职责",
    "duty_revoke": "撤销管理职责", "demo_account_reset": "重置演示账号",
})
register_fields({"user": "用户", "username": "用户名", "role": "角色", "duty": "管理职责", "reason": "原因",
                 "success": "是否成功"})
register_values("role", Role.choices)
register_values("duty", Duty.choices)
register_actions({
    "api_token_issue": "签发接口令牌", "api_token_revoke": "吊销接口令牌",
    "login_locked": "锁定期间尝试登录", "login_unlock": "解除登录锁定",
})

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = "账号与岗位"

    def ready(self):
        from . import signals  # noqa: F401  (connects the session receivers)

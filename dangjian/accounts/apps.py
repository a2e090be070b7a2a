from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = "账号与岗位"

    def ready(self):
        from dangjian.core.scoping import set_position_lookup

        from . import (
            signals,  # noqa: F401  (connects the session receivers)
            tasks,  # noqa: F401  (registers the hourly purge of expired sessions)
        )
        from .queries import position_grants

        # core sits below the feature apps and never imports them: scope learns of positions here.
        set_position_lookup(position_grants)

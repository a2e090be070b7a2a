from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "dangjian.inbox"
    label = "inbox"
    verbose_name = "待办"

    def ready(self):
        # Each app declares what feeds the inbox in its own feeds.py: found here, so neither this
        # app nor core imports a feature app by name.
        from django.utils.module_loading import autodiscover_modules

        from . import tasks  # noqa: F401  (registers the daily refresh)

        autodiscover_modules("feeds")

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(using="default", **kwargs) -> None:
    """The shared cache (settings.CACHES["shared"]) is a table Django makes with a command, not a
    migration: make it after every migrate, so setup, tests and the load test all have it."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="dangjian.core.cache_table")

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def start_audit_chain(sender, using="default", **kwargs):
    """A new installation's audit log starts with its genesis record (core.audit.start_chain);
    an existing one is left alone."""
    from django.db import connections

    from .audit import start_chain

    if "core_audithead" in connections[using].introspection.table_names():
        start_chain()
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
        post_migrate.connect(start_audit_chain, sender=self, dispatch_uid="core_start_audit_chain")
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="dangjian.core.cache_table")

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def start_audit_chain(sender, using="default", **kwargs):
    """A new installation's audit log starts with its genesis record (core.audit.start_chain);
    an existing one is left alone."""
    from django.db import connections

    from .audit import start_chain

    if "core_audithead" in connections[using].introspection.table_names():
        start_chain()


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        post_migrate.connect(start_audit_chain, sender=self, dispatch_uid="core_start_audit_chain")

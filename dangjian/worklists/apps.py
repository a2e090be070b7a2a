from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "dangjian.worklists"
    label = "worklists"
    verbose_name = "三单管理"

from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "dangjian.administration"
    label = "administration"
    verbose_name = "三员管理"

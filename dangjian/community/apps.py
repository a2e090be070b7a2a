from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "dangjian.community"
    label = "community"
    verbose_name = "双报到"

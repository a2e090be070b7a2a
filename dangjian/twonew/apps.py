from django.apps import AppConfig


class TwonewConfig(AppConfig):
    name = "dangjian.twonew"
    label = "twonew"
    verbose_name = "两新组织与阵地"

from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The top layer: the home page (工作台) and the commands that run every app's registered demo
    records and bench figures. Nothing imports it; it may import any app."""

    name = "dangjian.home"
    label = "home"
    verbose_name = "工作台"

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "dangjian.campaigns"
    label = "campaigns"
    verbose_name = "督查观摩评选"

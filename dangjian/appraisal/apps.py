from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "dangjian.appraisal"
    label = "appraisal"
    verbose_name = "述职评议与民主评议"

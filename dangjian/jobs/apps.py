from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "dangjian.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self):
        # Each app declares its kinds of background job in its own jobs.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")

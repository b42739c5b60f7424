from django.apps import AppConfig


class BigscreenConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bigscreen"
    verbose_name = "指挥大屏"

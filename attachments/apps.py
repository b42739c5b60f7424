from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = "附件"
    default_auto_field = "django.db.models.BigAutoField"

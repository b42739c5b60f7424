from django.apps import AppConfig


class DemodataConfig(AppConfig):
    """Generated data and demo seeding: realistic months for tests, benchmarks and the run command."""

    name = "demodata"
    verbose_name = "演示与测试数据"

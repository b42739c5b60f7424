from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "载入起步派单目录（尚未实现时不做任何事）"

    def handle(self, *args, **options):
        self.stdout.write("派单目录：待实现")

from django.core.management.base import BaseCommand

from dispatch.catalog.services import load_starter


class Command(BaseCommand):
    help = "载入起步派单目录（dispatch/data/catalog_starter.csv）并设为当前版本；已载入则不做任何事"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="当前版本与起步目录不同时，仍以起步目录建立新版本并启用"
        )

    def handle(self, *args, **options):
        version, status = load_starter(force=options["force"])
        leaves = version.items.filter(level=3).count()
        messages = {
            "created": f"派单目录：已载入起步目录为 {version}（{leaves} 个三级条目），设为当前版本",
            "unchanged": f"派单目录：当前版本 {version} 已是起步目录，未改动",
            "kept": f"派单目录：当前版本 {version} 与起步目录不同，保留不动（需要时用 --force）",
        }
        self.stdout.write(messages[status])

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dispatch.catalog.fileformat import format_for_path
from dispatch.catalog.selectors import current_version, export_catalog
from dispatch.models import CatalogVersion


class Command(BaseCommand):
    help = "把派单目录的一个版本导出为 CSV 或 .xlsx（按文件扩展名），格式与导入相同"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="输出文件，.csv 或 .xlsx")
        parser.add_argument("--number", type=int, help="版本号（默认当前版本）")

    def handle(self, *args, **options):
        number = options["number"]
        version = CatalogVersion.objects.filter(number=number).first() if number else current_version()
        if version is None:
            raise CommandError(f"没有版本号为 {number} 的派单目录" if number else "还没有当前派单目录")
        out = Path(options["out"])
        out.write_bytes(export_catalog(version, format_for_path(out)))
        self.stdout.write(f"已导出派单目录 {version} 到 {out}")

from django.core.management.base import BaseCommand, CommandError

from core.errors import InvalidInput
from dispatch.catalog.services import import_catalog


class Command(BaseCommand):
    help = "从 CSV 或 .xlsx 文件导入派单目录，建立新版本（有任何错误行则不导入）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--label", default="", help="版本说明")
        parser.add_argument("--make-current", action="store_true", help="导入后设为当前版本")

    def handle(self, *args, **options):
        try:
            version = import_catalog(options["file"], label=options["label"], make_current=options["make_current"])
        except (InvalidInput, OSError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None
        leaves = version.items.filter(level=3).count()
        state = "，已设为当前版本" if version.is_current else ""
        self.stdout.write(f"已导入派单目录 {version}：{leaves} 个三级条目{state}")

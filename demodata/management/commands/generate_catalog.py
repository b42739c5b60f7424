from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from demodata.catalog import FULL_SIZE, generate_rows
from dispatch.catalog.fileformat import format_for_path, write_table


class Command(BaseCommand):
    help = "生成一个确定的全尺寸派单目录文件（在起步目录上扩展），用于测试和基准"

    def add_arguments(self, parser):
        parser.add_argument("--leaves", type=int, default=FULL_SIZE, help=f"三级条目数（默认 {FULL_SIZE}）")
        parser.add_argument("--out", required=True, help="输出文件，.csv 或 .xlsx")

    def handle(self, *args, **options):
        try:
            rows = generate_rows(options["leaves"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        out = Path(options["out"])
        out.write_bytes(write_table(rows, format_for_path(out)))
        self.stdout.write(f"已生成 {len(rows)} 个三级条目到 {out}")

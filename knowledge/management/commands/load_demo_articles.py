import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge.loading import LoadError, load_published

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "articles.json"


class Command(BaseCommand):
    help = "载入演示知识库条目（knowledge/demo/articles.json，已发布；可重复执行，已有编号的条目保持不变）"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEMO_FILE), help="条目文件（JSON，同 articles.json）")

    def handle(self, *args, file, **options):
        try:
            entries = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"无法读取 {file}：{error}") from None
        try:
            created, skipped = load_published(entries)
        except LoadError as error:
            raise CommandError("知识库条目未载入：\n" + "\n".join(error.problems)) from None
        self.stdout.write(f"知识库：新载入并发布 {created} 条，已存在 {skipped} 条")

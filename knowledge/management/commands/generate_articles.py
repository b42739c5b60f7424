import time

from django.core.management.base import BaseCommand, CommandError

from knowledge.demo.generate import generated_articles
from knowledge.loading import LoadError, load_published

BATCH = 2000


class Command(BaseCommand):
    help = "生成并发布一批模拟知识条目（编号 gen-00001…，用于性能测试；已存在的编号跳过）"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="条目数，例如 20000")
        parser.add_argument("--seed", type=int, default=0, help="随机种子（同样的数量和种子生成同样的条目）")

    def handle(self, *args, **options):
        count = options["count"]
        if not 0 < count <= 200_000:
            raise CommandError("--count 必须在 1 到 200000 之间")
        started, created, skipped, batch = time.perf_counter(), 0, 0, []
        for entry in generated_articles(count, options["seed"]):
            batch.append(entry)
            if len(batch) == BATCH:
                created, skipped = self._load(batch, created, skipped)
                batch = []
        if batch:
            created, skipped = self._load(batch, created, skipped)
        self.stdout.write(f"知识条目：新建并发布 {created} 条，已存在跳过 {skipped} 条，"
                          f"用时 {time.perf_counter() - started:.1f} 秒")

    def _load(self, batch, created, skipped):
        try:
            new, old = load_published(batch)
        except LoadError as exc:
            raise CommandError("\n".join(exc.problems[:20])) from None
        return created + new, skipped + old

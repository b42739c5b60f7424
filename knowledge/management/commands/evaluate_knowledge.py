from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge import evaluation


class Command(BaseCommand):
    help = ("在带标注的咨询问题（CSV 列：question, expected_key）上评估知识库推荐：top-1、top-3、耗时 p50/p95，"
            "列出未进前三的问题；另分别给出调参半（偶数行）和未动半（奇数行）的结果")

    def add_arguments(self, parser):
        parser.add_argument("csv", nargs="?", default=str(evaluation.QUESTIONS_CSV),
                            help="带标注的 CSV（默认 knowledge/demo/questions.csv）")
        parser.add_argument("--demo", action="store_true",
                            help="不读数据库，直接用 knowledge/demo/articles.json 建索引评估检索方法本身")

    def handle(self, *args, **options):
        path = Path(options["csv"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        try:
            rows = evaluation.read_questions(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not rows:
            raise CommandError("CSV 中没有问题")
        if options["demo"]:
            index, keys = evaluation.demo_index()
            search = lambda text: [hit.article_id for hit in index.search(text, limit=3)]  # noqa: E731
            self.stdout.write(f"检索方法本身（演示条目 {len(index)} 条，不经数据库）")
        else:
            search, keys, size = self._database_search()
            self.stdout.write(f"接听时推荐 suggest_for_intake（数据库中已发布条目 {size} 条）")
        search("暖气不热")  # load the segmenter's dictionary and the index before timing
        tuning, untouched = evaluation.halves(rows)
        for part, name in ((rows, "全部"), (tuning, "调参半（偶数行）"), (untouched, "未动半（奇数行）")):
            report = evaluation.evaluate(search, part, keys, name)
            for line in report.lines(with_misses=part is rows):
                self.stdout.write(line)

    def _database_search(self):
        from knowledge.models import Article
        from knowledge.selectors import article_index, suggest_for_intake

        index = article_index()
        if not len(index):
            raise CommandError("数据库中没有已发布的知识条目（先运行 manage.py load_demo_articles）")
        keys = dict(Article.objects.filter(live_version__isnull=False).values_list("pk", "key"))
        return (lambda text: [row["article_id"] for row in suggest_for_intake(text, limit=3)]), keys, len(index)

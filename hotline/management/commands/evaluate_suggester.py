from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dispatch.models import CatalogVersion
from hotline.suggest import evaluation, store


class Command(BaseCommand):
    help = "在带标注的 CSV（列：text, label；标签为一级分类、二级分类或三级条目）上评估目录推荐的准确率和耗时"

    def add_arguments(self, parser):
        parser.add_argument("csv", help="带标注的 CSV 文件")
        parser.add_argument("--catalog-version", type=int, help="目录版本号（默认：当前版本）")
        parser.add_argument("--train-fraction", type=float, default=0.0,
                            help="先用这一比例的样本（随机抽取）训练临时模型，只在其余样本上评估；默认 0")
        parser.add_argument("--seed", type=int, default=0, help="抽取训练样本的随机种子")
        parser.add_argument("--with-tickets", action="store_true", help="临时模型同时用已结案工单训练")

    def handle(self, *args, **options):
        path = Path(options["csv"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        try:
            rows = evaluation.read_labelled_csv(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        version = None
        if options["catalog_version"] is not None:
            version = CatalogVersion.objects.filter(number=options["catalog_version"]).first()
            if version is None:
                raise CommandError(f"没有版本号为 {options['catalog_version']} 的派单目录")
        fraction = options["train_fraction"]
        if not 0 <= fraction < 1:
            raise CommandError("--train-fraction 必须在 0 到 1 之间（不含 1）")
        if fraction:
            train_rows, rows = evaluation.split(rows, fraction, options["seed"])
            model = self._train_on(version, train_rows, options["with_tickets"])
            self.stdout.write(f"临时模型：用 {len(train_rows)} 条样本训练，在其余 {len(rows)} 条上评估")
        else:
            model = store.load_model(version)
        if model is None:
            raise CommandError("没有当前派单目录")
        for line in evaluation.evaluate(model, rows).lines():
            self.stdout.write(line)

    def _train_on(self, version, rows, with_tickets):
        version = version or store.current_version()
        if version is None:
            raise CommandError("没有当前派单目录")
        leaves, _ = store.leaves_of(version)
        return store.train(version, with_tickets=with_tickets,
                           examples=evaluation.training_examples(rows, leaves))

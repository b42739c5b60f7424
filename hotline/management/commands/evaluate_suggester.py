from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dispatch.models import CatalogVersion
from hotline.suggest import evaluation, store


class Command(BaseCommand):
    help = ("在带标注的 CSV（列：text, label；标签为一级分类、二级分类或三级条目）上评估目录推荐的准确率和耗时；"
            "--cross-validate K 同时给出两个不看答案的数字：不用该文件训练的模型，和分层 K 折交叉验证")

    def add_arguments(self, parser):
        parser.add_argument("csv", help="带标注的 CSV 文件")
        parser.add_argument("--catalog-version", type=int, help="目录版本号（默认：当前版本）")
        parser.add_argument("--train-fraction", type=float, default=0.0,
                            help="先用这一比例的样本（随机抽取）训练临时模型，只在其余样本上评估；默认 0")
        parser.add_argument("--seed", type=int, default=0, help="抽取训练样本的随机种子")
        parser.add_argument("--with-tickets", action="store_true", help="临时模型同时用已结案工单训练")
        parser.add_argument("--cross-validate", type=int, metavar="K",
                            help="① 只用目录 + 已结案工单训练（不用该文件），在全部样本上评估；② 分层 K 折交叉验证："
                                 "每折用目录 + 已结案工单 + 其余各折训练，只在该折上评估")
        parser.add_argument("--repeats", type=int, default=1, help="交叉验证重复的次数（每次换一种分折）；默认 1")

    def handle(self, *args, **options):
        path = Path(options["csv"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        try:
            rows = evaluation.read_labelled_csv(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        version = self._version(options["catalog_version"])
        fraction = options["train_fraction"]
        if not 0 <= fraction < 1:
            raise CommandError("--train-fraction 必须在 0 到 1 之间（不含 1）")
        if options["cross_validate"] is not None:
            return self._cross_validate(version, rows, options["cross_validate"], options["repeats"])
        if fraction:
            train_rows, rows = evaluation.split(rows, fraction, options["seed"])
            model = self._train_on(version, train_rows, options["with_tickets"])
            self.stdout.write(f"临时模型：用 {len(train_rows)} 条样本训练，在其余 {len(rows)} 条上评估")
        else:
            model = store.load_model(version)
            if model is None:
                raise CommandError("没有当前派单目录")
            if str(path.resolve()) in {str(Path(p).resolve()) for p in model.trained_on.get("labelled_files", ())}:
                self.stdout.write("注意：当前模型训练时用过这个文件，下面的准确率偏高"
                                  "（不看答案的数字见 --cross-validate）")
        self._write(evaluation.evaluate(model, rows))

    def _cross_validate(self, version, rows, folds, repeats):
        if folds < 2 or repeats < 1:
            raise CommandError("--cross-validate 至少 2 折，--repeats 至少 1 次")
        self.stdout.write("① 不用该文件训练（目录 + 已结案工单），在全部样本上评估：")
        self._write(evaluation.evaluate(self._train_on(version, [], True), rows))
        self.stdout.write(f"② 分层 {folds} 折交叉验证 × {repeats}（每折用目录 + 已结案工单 + 其余各折训练）：")
        try:
            report = evaluation.cross_validate(rows, lambda train_rows: self._train_on(version, train_rows, True),
                                               folds=folds, repeats=repeats)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self._write(report)

    def _version(self, number):
        if number is None:
            return None
        version = CatalogVersion.objects.filter(number=number).first()
        if version is None:
            raise CommandError(f"没有版本号为 {number} 的派单目录")
        return version

    def _write(self, report):
        for line in report.lines():
            self.stdout.write(line)

    def _train_on(self, version, rows, with_tickets):
        version = version or store.current_version()
        if version is None:
            raise CommandError("没有当前派单目录")
        leaves, _ = store.leaves_of(version)
        return store.train(version, with_tickets=with_tickets,
                           examples=evaluation.training_examples(rows, leaves))

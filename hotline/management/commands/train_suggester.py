from django.core.management.base import BaseCommand, CommandError

from dispatch.models import CatalogVersion
from hotline.suggest.store import train_and_save


class Command(BaseCommand):
    help = ("训练派单目录推荐模型（目录条目 + 已结案工单 + 带标注的真实诉求 CSV），写入 var/models/，按目录版本命名；"
            "CSV 默认取 settings.SUGGEST_LABELLED_CSV（../shared/data/complaints_dev.csv），不存在则跳过")

    def add_arguments(self, parser):
        parser.add_argument("--catalog-version", type=int, help="目录版本号（默认：当前版本）")
        parser.add_argument("--catalog-only", action="store_true", help="只用目录条目训练，不用历史工单")
        parser.add_argument("--labelled", action="append", metavar="CSV",
                            help="带标注的 CSV（列：text, label），可重复；代替默认文件")
        parser.add_argument("--no-labelled", action="store_true", help="不用任何带标注的 CSV")

    def handle(self, *args, **options):
        version = None
        if options["catalog_version"] is not None:
            version = CatalogVersion.objects.filter(number=options["catalog_version"]).first()
            if version is None:
                raise CommandError(f"没有版本号为 {options['catalog_version']} 的派单目录")
        labelled = [] if options["no_labelled"] else options["labelled"]
        try:
            path, model, seconds = train_and_save(version, with_tickets=not options["catalog_only"],
                                                  labelled_csv=labelled)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        counts = model.trained_on
        files = "、".join(counts["labelled_files"]) or "无"
        self.stdout.write(
            f"已训练：{len(model.leaves)} 个三级条目，目录文档 {counts['catalog_documents']} 条，"
            f"历史工单 {counts['tickets']} 条，带标注诉求 {counts['labelled']} 条（{files}），"
            f"用时 {seconds:.1f} 秒 → {path}"
        )

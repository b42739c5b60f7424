from django.core.management.base import BaseCommand, CommandError

from dispatch.models import CatalogVersion
from hotline.suggest.store import train_and_save


class Command(BaseCommand):
    help = "训练派单目录推荐模型（目录条目 + 已结案工单），写入 var/models/，按目录版本命名"

    def add_arguments(self, parser):
        parser.add_argument("--catalog-version", type=int, help="目录版本号（默认：当前版本）")
        parser.add_argument("--catalog-only", action="store_true", help="只用目录条目训练，不用历史工单")

    def handle(self, *args, **options):
        version = None
        if options["catalog_version"] is not None:
            version = CatalogVersion.objects.filter(number=options["catalog_version"]).first()
            if version is None:
                raise CommandError(f"没有版本号为 {options['catalog_version']} 的派单目录")
        try:
            path, model, seconds = train_and_save(version, with_tickets=not options["catalog_only"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        counts = model.trained_on
        self.stdout.write(
            f"已训练：{len(model.leaves)} 个三级条目，目录文档 {counts['catalog_documents']} 条，"
            f"历史工单 {counts['leaf_examples']} 条，用时 {seconds:.1f} 秒 → {path}"
        )

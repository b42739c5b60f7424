from django.core.management.base import BaseCommand, CommandError

from demodata.generator import GeneratorError, generate


class Command(BaseCommand):
    help = "生成一个月的模拟工单（覆盖全部街乡镇与各种状态，里程碑时间一致），用于压测、报表与演示"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="工单数量")
        parser.add_argument("--month", required=True, help="受理月份，格式 YYYY-MM")
        parser.add_argument("--seed", type=int, default=None, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--batch-size", type=int, default=None,
                            help="每批写入的工单数（默认 sql 方式 50000，python 方式 10000）")
        parser.add_argument("--engine", choices=["sql", "python"], default=None,
                            help="生成方式：sql 在数据库内计算（PostgreSQL 默认），python 逐单构造（SQLite 默认）")

    def handle(self, *args, count, month, seed, batch_size, engine, **options):
        if count < 1 or (batch_size is not None and batch_size < 1):
            raise CommandError("--count 与 --batch-size 须为正整数")
        try:
            stats = generate(count, month, seed=seed, batch_size=batch_size, engine=engine, progress=self.progress)
        except ValueError:
            raise CommandError(f"月份格式应为 YYYY-MM：{month}") from None
        except GeneratorError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"已生成 {stats.count} 张工单，用时 {stats.seconds:.1f} 秒（{stats.per_second:,.0f} 张/秒，"
            f"全部表合计 {sum(stats.rows.values()) / max(stats.seconds, 1e-9):,.0f} 行/秒）"))
        self.stdout.write("状态分布：" + "，".join(f"{k} {v}" for k, v in sorted(stats.by_status.items())))
        self.stdout.write("写入行数：" + "，".join(f"{k} {v}" for k, v in stats.rows.items()))

    def progress(self, stats):
        self.stdout.write(f"  {stats.count} 张，{stats.per_second:,.0f} 张/秒", ending="\r")
        self.stdout.flush()

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demodata.generator import GeneratorError, generate_months, month_range


class Command(BaseCommand):
    help = ("生成模拟工单（覆盖全部街乡镇与各种状态，里程碑时间一致），用于压测、报表与演示："
            "一个月（--month、--count）或连续多个月（--months 2026-01..2026-12、--per-month）")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, help="工单数量（与 --month 同用）")
        parser.add_argument("--month", help="受理月份，格式 YYYY-MM")
        parser.add_argument("--months", help="连续的受理月份，格式 YYYY-MM..YYYY-MM（含两端）")
        parser.add_argument("--per-month", type=int, help="每月工单数量（与 --months 同用）")
        parser.add_argument("--seed", type=int, default=None,
                            help="随机种子（相同种子生成相同数据；多个月时第 k 个月用种子 + k）")
        parser.add_argument("--batch-size", type=int, default=None,
                            help="每批写入的工单数（默认 sql 方式 50000，python 方式 10000）")
        parser.add_argument("--engine", choices=["sql", "python"], default=None,
                            help="生成方式：sql 在数据库内计算（PostgreSQL 默认），python 逐单构造（SQLite 默认）")

    def handle(self, *args, count, month, months, per_month, seed, batch_size, engine, **options):
        plan = self.plan(count, month, months, per_month)
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size 须为正整数")
        started = time.perf_counter()
        try:
            for label, stats in generate_months(plan, seed=seed, batch_size=batch_size, engine=engine,
                                                progress=self.progress):
                self.report(label, stats)
        except GeneratorError as error:
            raise CommandError(str(error)) from None
        if len(plan) > 1:
            self.stdout.write(self.style.SUCCESS(
                f"合计 {len(plan)} 个月，用时 {time.perf_counter() - started:.0f} 秒（含索引重建）{self.size()}"))

    def plan(self, count, month, months, per_month):
        """[(month, tickets)] from either --month/--count or --months/--per-month."""
        if bool(month) == bool(months):
            raise CommandError("请指定 --month（与 --count）或 --months（与 --per-month）之一")
        number = count if month else per_month
        if number is None or number < 1:
            raise CommandError("--count 与 --per-month 须为正整数" if number is not None
                               else ("--month 需要 --count" if month else "--months 需要 --per-month"))
        try:
            labels = month_range(month or months)
            if month and len(labels) > 1:
                raise ValueError(month)
        except ValueError:
            raise CommandError(f"月份格式应为 YYYY-MM 或 YYYY-MM..YYYY-MM：{month or months}") from None
        return [(label, number) for label in labels]

    def report(self, label, stats):
        size = self.size()
        self.stdout.write(self.style.SUCCESS(
            f"{label}：已生成 {stats.count} 张工单，用时 {stats.seconds:.1f} 秒（{stats.per_second:,.0f} 张/秒，"
            f"全部表合计 {sum(stats.rows.values()) / max(stats.seconds, 1e-9):,.0f} 行/秒）{size}"))
        self.stdout.write("状态分布：" + "，".join(f"{k} {v}" for k, v in sorted(stats.by_status.items())))
        self.stdout.write("写入行数：" + "，".join(f"{k} {v}" for k, v in stats.rows.items()))

    @staticmethod
    def size():
        if connection.vendor != "postgresql":
            return ""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return f"，数据库 {cursor.fetchone()[0] / 2**30:.2f} GiB"

    def progress(self, stats):
        self.stdout.write(f"  {stats.count} 张，{stats.per_second:,.0f} 张/秒", ending="\r")
        self.stdout.flush()

from django.core.management.base import BaseCommand, CommandError

from demodata.tickets import seed_demo_tickets


class Command(BaseCommand):
    help = "演示数据：库中尚无工单时，生成前两个月（并发布月度考核）和本月至今的模拟工单；已有工单则不动"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=8000, help="已发布的两个月每月工单数（本月为其三分之一）")

    def handle(self, *args, count, **options):
        if count < 1:
            raise CommandError("--count 须为正整数")
        written = seed_demo_tickets(count)
        if written:
            self.stdout.write(self.style.SUCCESS(f"已生成 {written} 张演示工单，前两个月考核已发布"))
        else:
            self.stdout.write("库中已有工单，未生成演示工单")

from django.core.management.base import BaseCommand, CommandError

from assessment.monthly.month_close import close_month
from assessment.monthly.months import parse_month
from core.errors import DomainError


class Command(BaseCommand):
    help = "Compute a month's scorecards (provisional), or publish and freeze it with --freeze."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--freeze", action="store_true", help="publish: the month is frozen afterwards")
        parser.add_argument("--full", action="store_true",
                            help="recompute every order of the month, not only those touched since its last run")

    def handle(self, month, freeze, full, **options):
        try:
            close = close_month(parse_month(month), freeze=freeze, full=full)
        except DomainError as error:
            raise CommandError(error.message) from error
        seconds, touched = close.summary.get("seconds"), close.summary.get("touched")
        how = "全月重算" if touched is None else f"刷新 {touched} 张变动工单"
        self.stdout.write(f"{close.month:%Y-%m} {close.get_status_display()}，{how}，用时 {seconds} 秒")

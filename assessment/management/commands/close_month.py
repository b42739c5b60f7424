from django.core.management.base import BaseCommand, CommandError

from assessment.monthly.month_close import close_month
from assessment.monthly.months import parse_month
from core.errors import DomainError


class Command(BaseCommand):
    help = "Compute a month's scorecards (provisional), or publish and freeze it with --freeze."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--freeze", action="store_true", help="publish: the month is frozen afterwards")

    def handle(self, month, freeze, **options):
        try:
            close = close_month(parse_month(month), freeze=freeze)
        except DomainError as error:
            raise CommandError(error.message) from error
        cards = close.summary.get("seconds")
        self.stdout.write(f"{close.month:%Y-%m} {close.get_status_display()}，用时 {cards} 秒")

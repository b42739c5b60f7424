from django.core.management import call_command
from django.core.management.base import BaseCommand

from demodata.users import DEMO_PASSWORD, seed_demo_users
from dispatch.catalog.selectors import current_version


class Command(BaseCommand):
    help = "创建各角色的演示账号（可重复执行）并打印登录信息"

    def handle(self, *args, **options):
        users = seed_demo_users()
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for user in users:
            unit = user.unit.name if user.unit else "—"
            self.stdout.write(f"  {user.username:<16} {user.get_role_display():<12} {unit}")
        if current_version() is not None:  # the demo articles name catalog leaves
            call_command("load_demo_articles", stdout=self.stdout)

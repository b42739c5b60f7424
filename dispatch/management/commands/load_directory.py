from django.core.management.base import BaseCommand

from dispatch.directory import load_directory


class Command(BaseCommand):
    help = "载入组织目录：16个区、343个街乡镇、6个开发区、市级部门和公共服务企业（可重复执行）"

    def handle(self, *args, **options):
        created, updated = load_directory()
        self.stdout.write(f"组织目录：新建 {created}，更新 {updated}")

"""`manage.py healthcheck [--check sweep]`: the /healthz report on stdout; exit status 1 when a part fails."""

import json

from django.core.management.base import BaseCommand, CommandError

from core import health


class Command(BaseCommand):
    help = "检查数据库、消息队列和定时扫描；有故障时退出码为1"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="append", choices=sorted(health.CHECKS), help="只检查这些部分")

    def handle(self, *args, check=None, **options):
        healthy, body = health.report(check)
        self.stdout.write(json.dumps(body, ensure_ascii=False))
        if not healthy:
            raise CommandError(f"不健康：{'、'.join(body['failing'])}")
